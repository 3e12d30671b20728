import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';

import { AppConfig } from '../config/app-config.js';
import { RedisService } from '../redis/redis.service.js';
import { JOBS, QUEUE_NAMES, type JobName, type JobPayloads, type QueueName } from './jobs.js';

/** Finished jobs are kept long enough to look at, and no longer: Redis memory is bounded. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
};

/**
 * Jobs that read "everything new since the cursor": two of them waiting, or one waiting behind one
 * running, do the same work, so an add with a dedup id while one runs keeps one follow-up (BullMQ's
 * `keepLastIfActive`) and an add while one waits is that one. 2 000 pushes were 2 000 `intake.sync-mailbox`
 * jobs ahead of every import on the intake queue: the first lead waited 25 s (bench/README.md).
 */
const COALESCED_WHILE_ACTIVE: ReadonlySet<JobName> = new Set<JobName>(['intake.sync-mailbox']);

export interface AddJobOptions {
  /** The BullMQ job id; the outbox passes its row id so a relay and a sweep cannot add it twice. */
  jobId?: string;
  /** Coalesces: while a job with this id is waiting or delayed, another add is a no-op. */
  dedupId?: string;
  delayMs?: number;
}

/** The producer side of every queue. Consumers live in WorkerService. */
@Injectable()
export class QueueService implements OnModuleDestroy {
  private readonly queues: ReadonlyMap<QueueName, Queue>;

  constructor(config: AppConfig, redis: RedisService) {
    const connection = redis.createBullConnection('producer');
    this.queues = new Map(
      QUEUE_NAMES.map((name) => [
        name,
        new Queue(name, {
          connection,
          prefix: config.redis.queuePrefix,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        }),
      ]),
    );
  }

  queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  async add<N extends JobName>(name: N, payload: JobPayloads[N], options: AddJobOptions = {}): Promise<void> {
    const definition = JOBS[name];
    await this.queue(definition.queue).add(name, payload, {
      attempts: definition.attempts,
      jobId: options.jobId,
      delay: options.delayMs,
      deduplication: options.dedupId
        ? { id: options.dedupId, ...(COALESCED_WHILE_ACTIVE.has(name) ? { keepLastIfActive: true } : {}) }
        : undefined,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.all().map((queue) => queue.close()));
  }
}
