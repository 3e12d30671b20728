import type { INestApplicationContext } from '@nestjs/common';

import { OutboxService } from '../../src/core/queue/outbox.service.js';
import { QueueService } from '../../src/core/queue/queue.service.js';
import { ownerDb } from './fixtures.js';

const POLL_MS = 50;
const QUIET_CHECKS = 2;

/**
 * Waits until a tenant has no work left that is due: no outbox row of it pending past its time, no job
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
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let busy = '';
  while (quiet < QUIET_CHECKS) {
    if (Date.now() > deadline)
      throw new Error(`tenant ${tenantId} still has work after ${timeoutMs} ms: ${busy}`);
    await outbox.sweep();
    const now = Date.now();
    const rows = await ownerDb().outboxJob.findMany({
      where: { tenantId, status: 'pending', availableAt: { lte: new Date(now) } },
      select: { jobName: true },
    });
    const jobs: string[] = [];
    for (const queue of queues) {
      const listed = await queue.getJobs(['waiting', 'active', 'prioritized', 'delayed']);
      for (const job of listed) {
        if ((job?.data as { tenantId?: string } | undefined)?.tenantId !== tenantId) continue;
        const dueAt = job.timestamp + (job.delay ?? 0);
        if (dueAt <= now + POLL_MS) jobs.push(job.name);
      }
    }
    busy = [...rows.map((row) => `outbox ${row.jobName}`), ...jobs].join(', ');
    quiet = busy === '' ? quiet + 1 : 0;
    if (quiet < QUIET_CHECKS) await new Promise((done) => setTimeout(done, POLL_MS));
  }
}
