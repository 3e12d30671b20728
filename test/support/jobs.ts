import type { INestApplicationContext } from '@nestjs/common';

import type { Prisma } from '../../src/generated/prisma/client.js';
import { JOBS, type JobName } from '../../src/core/queue/jobs.js';
import { QueueService } from '../../src/core/queue/queue.service.js';
import { eventually } from './eventually.js';
import { ownerDb } from './fixtures.js';

/** Where a BullMQ job is now. `failed` is for good: a failed attempt with a retry left is `delayed`. */
export interface JobOutcome {
  id: string;
  name: string;
  state: string;
  attemptsMade: number;
  failedReason?: string;
}

/**
 * The ids of a tenant's outbox rows of one job (optionally matching a payload field): each row's id is
 * its BullMQ job's id, so the rows name the jobs a change started.
 */
export async function outboxRowIds(
  tenantId: string,
  jobName: JobName,
  payload?: { field: string; equals: string },
): Promise<string[]> {
  const rows = await ownerDb().outboxJob.findMany({
    where: {
      tenantId,
      jobName,
      ...(payload ? { payload: { path: [payload.field], equals: payload.equals } as Prisma.JsonFilter } : {}),
    },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((row) => row.id);
}

/** The BullMQ job an outbox row became, in whichever queue it is; undefined while it is not queued. */
export async function queuedJob(app: INestApplicationContext, id: string) {
  for (const queue of app.get(QueueService).all()) {
    const job = await queue.getJob(id);
    if (job) return job;
  }
  return undefined;
}

/** The state now of the BullMQ jobs these outbox rows became; a row not yet relayed reads `unqueued`. */
export async function jobOutcomes(
  app: INestApplicationContext,
  jobName: JobName,
  ids: string[],
): Promise<JobOutcome[]> {
  const queue = app.get(QueueService).queue(JOBS[jobName].queue);
  return Promise.all(
    ids.map(async (id): Promise<JobOutcome> => {
      const job = await queue.getJob(id);
      if (!job) return { id, name: jobName, state: 'unqueued', attemptsMade: 0 };
      return {
        id,
        name: job.name,
        state: await job.getState(),
        attemptsMade: job.attemptsMade,
        ...(job.failedReason ? { failedReason: job.failedReason } : {}),
      };
    }),
  );
}

/**
 * Waits until every one of these jobs has ended (completed, or failed with no retry left) and answers
 * how. A job in its retry backoff is waited for, not counted as ended: after this, nothing more of
 * these jobs can run, so what they did can be counted. Use it to show that something did NOT happen.
 */
export function settledJobs(
  app: INestApplicationContext,
  jobName: JobName,
  ids: string[],
  timeoutMs = 30_000,
): Promise<JobOutcome[]> {
  return eventually(() => jobOutcomes(app, jobName, ids), {
    what: `${ids.length} ${jobName} job(s) to end, completed or failed for good`,
    until: (outcomes) => outcomes.every((job) => job.state === 'completed' || job.state === 'failed'),
    timeoutMs,
    intervalMs: 50,
  });
}

/**
 * A tenant's jobs, in any queue, added at or after `since` (ms) that are still to run: waiting, active
 * or delayed (a retry in its backoff included). Older jobs are left out: the run's queues are shared,
 * and another test's retry of the same tenant may still be scheduled.
 */
export async function jobsStillToRun(
  app: INestApplicationContext,
  tenantId: string,
  since: number,
): Promise<Array<{ name: string; state: string }>> {
  const open: Array<{ name: string; state: string }> = [];
  for (const queue of app.get(QueueService).all()) {
    for (const state of ['waiting', 'active', 'prioritized', 'delayed'] as const) {
      for (const job of await queue.getJobs([state])) {
        if ((job?.data as { tenantId?: string } | undefined)?.tenantId !== tenantId) continue;
        if (job.timestamp >= since) open.push({ name: job.name, state });
      }
    }
  }
  return open;
}
