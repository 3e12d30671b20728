import type { INestApplicationContext } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { OutboxService } from '../../src/core/queue/outbox.service.js';
import { QueueService } from '../../src/core/queue/queue.service.js';
import { RedisService } from '../../src/core/redis/redis.service.js';
import { Clock } from '../../src/core/time/clock.js';
import { ownerDb } from './fixtures.js';

const POLL_MS = 50;
const QUIET_CHECKS = 2;

/**
 * Waits until a tenant has no work left that is due: no outbox row of it pending past its time (by the
 * app's Clock, as the sweeper judges it), no job
 * of it waiting, active or due in any queue, on two checks in a row (a job that finishes may write the
 * next one). Use it before asserting that something did NOT happen (a second text, a second booking),
 * instead of sleeping and hoping the work was done by then. Work deferred to later (quiet hours,
 * reminders, a retry in its backoff) is not waited for. The run's queues are shared by every test
 * file, so only this tenant's jobs count.
 */
export async function drainTenant(
  app: INestApplicationContext,
  tenantId: string,
  timeoutMs = 30_000,
): Promise<void> {
  const queues = app.get(QueueService).all();
  const outbox = app.get(OutboxService);
  const redis = app.get(RedisService);
  const clock = app.get(Clock);
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let busy = '';
  while (quiet < QUIET_CHECKS) {
    if (Date.now() > deadline)
      throw new Error(`tenant ${tenantId} still has work after ${timeoutMs} ms: ${busy}`);
    await outbox.sweep();
    const now = Date.now();
    // An outbox row is due by the app's clock (the sweeper's), a BullMQ job by the machine's (Redis's).
    const rows = await ownerDb().outboxJob.findMany({
      where: { tenantId, status: 'pending', availableAt: { lte: clock.now() } },
      select: { jobName: true },
    });
    const jobs: string[] = [];
    for (const queue of queues) {
      const ofTenant = (job: Job | undefined): job is Job =>
        (job?.data as { tenantId?: string } | undefined)?.tenantId === tenantId;
      for (const job of (await queue.getJobs(['waiting', 'active', 'prioritized'])).filter(ofTenant))
        jobs.push(job.name);
      for (const job of (await queue.getJobs(['delayed'])).filter(ofTenant))
        if ((await dueAt(redis.client, queue, job)) <= now + POLL_MS) jobs.push(job.name);
    }
    busy = [...rows.map((row) => `outbox ${row.jobName}`), ...jobs].join(', ');
    quiet = busy === '' ? quiet + 1 : 0;
    if (quiet < QUIET_CHECKS) await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

/**
 * When BullMQ will move a delayed job to waiting: the score of its entry in the delayed set, which
 * holds the due time in milliseconds times 0x1000. Not `timestamp + delay`: a retry keeps the job's
 * first timestamp and gets the backoff as its delay, so that sum lies in the past while the retry
 * still waits (a job failing every attempt then looked due for good, and the drain waited it out).
 */
export async function dueAt(redis: Pick<Redis, 'zscore'>, queue: Queue, job: Job): Promise<number> {
  const score = await redis.zscore(queue.keys.delayed!, job.id!);
  return score === null ? 0 : Math.floor(Number(score) / 0x1000);
}
