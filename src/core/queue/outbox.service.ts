import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';

import type { Prisma } from '../../generated/prisma/client.js';
import { AppConfig } from '../config/app-config.js';
import { SystemPrismaService } from '../database/system-prisma.service.js';
import { Clock } from '../time/clock.js';
import { currentJobName, isJobName, JOBS, type JobName, type JobPayloads } from './jobs.js';
import { QueueService } from './queue.service.js';

interface ClaimedRow {
  id: string;
  job_name: string;
  payload: unknown;
  dedup_id: string | null;
  attempts: number;
}

export interface OutboxWriteOptions {
  dedupId?: string;
  /**
   * When the job becomes due, by the Clock (default: the Clock's now). A row due later must not be
   * relayed: `relay` enqueues the ids it is given whatever their time; the sweeper enqueues the row once
   * it is due.
   */
  availableAt?: Date;
}

const SWEEP_BATCH = 100;
const MAX_RETRY_DELAY_SECONDS = 60;

/**
 * The transactional outbox (docs/architecture.md, Jobs): a change that needs a job writes an OutboxJob row in
 * its own transaction; after commit the caller relays those rows to BullMQ at once, and a sweeper in
 * every instance claims rows still pending (FOR UPDATE SKIP LOCKED), so a job survives Redis being
 * away or the process dying between commit and enqueue. The row id is the BullMQ job id: a row that is
 * relayed twice is added once.
 *
 * Every time of a row (`available_at`, `enqueued_at`, the retry back-off) is the Clock's and is compared
 * with the Clock's now, never with the database's `now()`: callers compute "for later" from the Clock (a
 * reminder N minutes after the offer), so a row judged by another clock fell due early or late whenever
 * the two disagreed (a test clock, a demo set to another day).
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxService.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  /** Committed ids waiting for the relay (see `relay`). */
  private readonly waiting: string[] = [];
  private relaying: Promise<void> | undefined;

  constructor(
    private readonly system: SystemPrismaService,
    private readonly queues: QueueService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Records a job in the caller's transaction. Relay the returned id after the transaction commits. */
  async write<N extends JobName>(
    tx: Prisma.TransactionClient,
    tenantId: string,
    name: N,
    payload: JobPayloads[N],
    options: OutboxWriteOptions = {},
  ): Promise<string> {
    const row = await tx.outboxJob.create({
      data: {
        tenantId,
        queue: JOBS[name].queue,
        jobName: name,
        payload: payload as Prisma.InputJsonValue,
        dedupId: options.dedupId,
        availableAt: options.availableAt ?? this.clock.now(),
      },
      select: { id: true },
    });
    return row.id;
  }

  /** Records many jobs of one name in one statement (a sync that finds many messages). */
  async writeMany<N extends JobName>(
    tx: Prisma.TransactionClient,
    tenantId: string,
    name: N,
    jobs: ReadonlyArray<{ payload: JobPayloads[N]; dedupId?: string }>,
  ): Promise<string[]> {
    if (jobs.length === 0) return [];
    const availableAt = this.clock.now();
    const rows = await tx.outboxJob.createManyAndReturn({
      data: jobs.map((job) => ({
        tenantId,
        queue: JOBS[name].queue,
        jobName: name,
        payload: job.payload as Prisma.InputJsonValue,
        dedupId: job.dedupId,
        availableAt,
      })),
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /**
   * Enqueues freshly committed rows now; a row written for later (`availableAt`) and whatever fails
   * stay pending for the sweeper. Never throws.
   *
   * One relay transaction runs at a time in the process, taking every id committed meanwhile: alone a
   * unit of work's rows go out at once, and under load the relays of many units of work share one
   * claim (bench/README.md, "The intake": a transaction per unit of work was a sixth of the intake's
   * transactions), while a Redis that does not answer holds one pooled connection, not one per write.
   */
  relay(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.waiting.push(...ids);
    this.startRelay();
  }

  private startRelay(): void {
    if (this.relaying || this.waiting.length === 0) return;
    this.relaying = this.relayWaiting().finally(() => {
      this.relaying = undefined;
      // Ids handed over after the last batch was taken, before this ran.
      this.startRelay();
    });
  }

  private async relayWaiting(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, SWEEP_BATCH);
      await this.claimAndEnqueue(batch).catch((error: Error) =>
        this.logger.warn(`Outbox relay deferred to the sweeper: ${error.message}`),
      );
    }
  }

  /** Claims and enqueues due pending rows; returns how many were enqueued. One sweep at a time per process. */
  sweep(): Promise<number> {
    this.sweeping ??= this.claimAndEnqueue().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Rows waiting to reach Redis: the backlog the metrics show. */
  async backlog(): Promise<number> {
    return this.system.transaction('outbox', (tx) => tx.outboxJob.count({ where: { status: 'pending' } }));
  }

  onApplicationBootstrap(): void {
    const interval = this.config.outbox.sweepIntervalMs;
    if (interval <= 0) return;
    this.timer = setInterval(() => {
      this.sweep().catch((error: Error) => this.logger.warn(`Outbox sweep failed: ${error.message}`));
    }, interval);
    this.timer.unref();
  }

  /** Stops the sweeper and waits for a sweep or relay under way; rows they did not reach stay pending. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping?.catch(() => undefined);
    await this.relaying;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  private async claimAndEnqueue(ids?: string[]): Promise<number> {
    // One reading for the whole claim: what is due, when it was enqueued and when a retry is due.
    const now = this.clock.now();
    return this.system.transaction(
      'outbox',
      async (tx) => {
        // Locked rows are being relayed by another instance (or by this one's relay): skip them.
        const rows = ids
          ? await tx.$queryRaw<ClaimedRow[]>`
              SELECT id, job_name, payload, dedup_id, attempts FROM outbox_jobs
               WHERE id = ANY(${ids}::uuid[]) AND status = 'pending' AND available_at <= ${now}
               FOR UPDATE SKIP LOCKED`
          : await tx.$queryRaw<ClaimedRow[]>`
              SELECT id, job_name, payload, dedup_id, attempts FROM outbox_jobs
               WHERE status = 'pending' AND available_at <= ${now}
               ORDER BY available_at LIMIT ${SWEEP_BATCH}
               FOR UPDATE SKIP LOCKED`;
        const enqueued: string[] = [];
        for (const row of rows) {
          try {
            // A row an older instance wrote under a job's former name still goes out (under the new one).
            const name = currentJobName(row.job_name);
            if (!isJobName(name)) {
              // No retry can fix a job this version does not know: park it where an operator sees it.
              await tx.$executeRaw`
                UPDATE outbox_jobs SET status = 'failed', last_error = ${`unknown job ${row.job_name}`}
                 WHERE id = ${row.id}::uuid`;
              continue;
            }
            await this.queues.add(name, row.payload as JobPayloads[typeof name], {
              jobId: row.id,
              dedupId: row.dedup_id ?? undefined,
            });
            enqueued.push(row.id);
          } catch (error) {
            const delaySeconds = Math.min(2 ** row.attempts, MAX_RETRY_DELAY_SECONDS);
            const retryAt = new Date(now.getTime() + delaySeconds * 1000);
            await tx.$executeRaw`
              UPDATE outbox_jobs SET attempts = attempts + 1, last_error = ${(error as Error).message},
                     available_at = ${retryAt}
               WHERE id = ${row.id}::uuid`;
          }
        }
        // One statement for the rows that went out (a crash before it leaves them pending: relayed
        // again, they are added once, as the row id is the job id).
        if (enqueued.length > 0)
          await tx.$executeRaw`
            UPDATE outbox_jobs SET status = 'enqueued', enqueued_at = ${now}, attempts = attempts + 1, last_error = NULL
             WHERE id = ANY(${enqueued}::uuid[])`;
        return enqueued.length;
      },
      { timeout: 30_000 },
    );
  }
}
