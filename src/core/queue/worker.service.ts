import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService, ModuleRef, Reflector } from '@nestjs/core';
import { Worker, type Job } from 'bullmq';

import { AppConfig } from '../config/app-config.js';
import { TenantContextService } from '../database/tenant-context.js';
import { RedisService } from '../redis/redis.service.js';
import { runWithJobLogContext } from '../logging/log-context.js';
import { reportError } from '../logging/error-reporter.js';
import { isLastAttempt, JOB_HANDLER, type JobHandler } from './job-handler.decorator.js';
import { JOB_FAILURE_REPORTER, JobMetrics, type JobFailureReporter } from './job-observer.js';
import {
  currentJobName,
  JOBS,
  RETIRED_SCHEDULES,
  SCHEDULES,
  SCHEDULE_TIMEZONE,
  type JobName,
  type JobPayloads,
  type QueueName,
} from './jobs.js';
import { QueueService } from './queue.service.js';

/** Thrown at start when the job list and the handlers disagree: better no start than a lost job. */
export class JobHandlerMismatchError extends Error {}

/**
 * The consumer side: one BullMQ worker per queue that has handlers, dispatching by job name. Runs only
 * when APP_ROLE is `all` or `worker`. Closing waits for running jobs, so SIGTERM never cuts one off.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WorkerService.name);
  private readonly workers: Worker[] = [];
  private handlers = new Map<JobName, JobHandler<JobName>>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly queues: QueueService,
    private readonly metrics: JobMetrics,
    private readonly moduleRef: ModuleRef,
    private readonly context: TenantContextService,
  ) {}

  /** Provided by a feature module (the timeline), found at start; core does not import features. */
  private failureReporter: JobFailureReporter | undefined;

  async onApplicationBootstrap(): Promise<void> {
    this.handlers = this.collectHandlers();
    try {
      this.failureReporter = this.moduleRef.get<JobFailureReporter>(JOB_FAILURE_REPORTER, { strict: false });
    } catch {
      this.failureReporter = undefined;
    }
    if (!this.config.runsWorkers) return;
    const queues = new Set<QueueName>([...this.handlers.keys()].map((name) => JOBS[name].queue));
    for (const queue of queues) this.workers.push(this.startWorker(queue));
    await this.upsertSchedules();
  }

  private closing: Promise<void> | undefined;

  /**
   * Stops taking jobs and waits for the running ones to finish. The shutdown calls it before the
   * database and Redis close, so a job never loses them halfway; calling it again waits for the same close.
   */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.workers.map((worker) => worker.close())).then(() => undefined);
    return this.closing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  /** Every job name has exactly one handler, and every handler handles a known job. */
  private collectHandlers(): Map<JobName, JobHandler<JobName>> {
    const found = new Map<JobName, JobHandler<JobName>[]>();
    const problems: string[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const name = this.reflector.get<string | undefined>(JOB_HANDLER, metatype);
      if (!name) continue;
      if (!Object.hasOwn(JOBS, name)) {
        problems.push(`${metatype.name} handles unknown job "${name}"`);
        continue;
      }
      const list = found.get(name as JobName) ?? [];
      list.push(instance as JobHandler<JobName>);
      found.set(name as JobName, list);
    }
    for (const name of Object.keys(JOBS) as JobName[]) {
      const count = found.get(name)?.length ?? 0;
      if (count !== 1) problems.push(`job "${name}" has ${count} handlers (exactly one expected)`);
    }
    if (problems.length > 0)
      throw new JobHandlerMismatchError(`Job handlers do not match the job list: ${problems.join('; ')}`);
    return new Map([...found].map(([name, list]) => [name, list[0]!]));
  }

  private startWorker(queue: QueueName): Worker {
    const worker = new Worker(queue, (job: Job) => this.dispatch(job), {
      connection: this.redis.createBullConnection('worker'),
      prefix: this.config.redis.queuePrefix,
      concurrency: 5,
      // A job whose process died stays active until a worker's stalled check hands it back; a shorter
      // interval recovers sooner after a crash at the cost of a little Redis traffic.
      stalledInterval: this.config.jobs.stalledIntervalMs,
      // The stalled check only takes back jobs whose lock expired: together they bound the recovery.
      lockDuration: this.config.jobs.lockDurationMs,
    });
    worker.on('failed', (job, error) => {
      // Unrecoverable errors skip the remaining attempts; otherwise the last attempt is final.
      const final =
        !job || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      const name = job ? currentJobName(job.name) : 'unknown';
      const tenantId = (job?.data as { tenantId?: unknown } | undefined)?.tenantId;
      const where = {
        queue,
        job: name,
        ...(job?.id ? { jobId: job.id } : {}),
        ...(typeof tenantId === 'string' ? { tenantId } : {}),
      };
      this.metrics.failures.inc({ queue, job: name, final: String(final) });
      this.logger.warn({
        message: final ? 'Job failed for good' : 'Job failed; will retry',
        ...where,
        attempt: job?.attemptsMade,
        error: error.message,
      });
      if (!final) return;
      // Sentry hears of a job only when it gives up: what it names, never its payload.
      reportError(error, { tags: where });
      if (job) void this.reportFinalFailure(job, error);
    });
    worker.on('error', (error) => this.logger.warn(`Worker ${queue}: ${error.message}`));
    return worker;
  }

  /**
   * Runs one job's handler as the worker does: inside the tenant's context when the payload names a
   * tenant (`TenantJob`), so a handler never enters it itself. The worker calls it for every job;
   * tests call it to run one job in-process.
   */
  perform<N extends JobName>(name: N, payload: JobPayloads[N], job?: Job<JobPayloads[N]>): Promise<unknown> {
    const handler = this.handlers.get(name) as JobHandler<N> | undefined;
    // The startup check makes this unreachable for jobs we add; a stray job from elsewhere fails loudly.
    if (!handler) throw new Error(`No handler for job "${name}"`);
    const run = () => handler.handle(payload, job as Job<JobPayloads[N]>);
    const tenantId = (payload as { tenantId?: unknown } | undefined)?.tenantId;
    // Its log lines name the job (and, inside the tenant's context, the tenant).
    return runWithJobLogContext({ queue: JOBS[name].queue, job: name, jobId: job?.id }, () =>
      typeof tenantId === 'string' ? this.context.run({ tenantId }, run) : run(),
    );
  }

  private async dispatch(job: Job): Promise<unknown> {
    const name = currentJobName(job.name) as JobName;
    const queue = JOBS[name]?.queue ?? 'unknown';
    const timer = this.metrics.duration.startTimer({ queue, job: name });
    try {
      const result = await this.perform(name, job.data as JobPayloads[JobName], job);
      timer({ outcome: 'completed' });
      return result;
    } catch (error) {
      timer({ outcome: isLastAttempt(job, error) ? 'failed' : 'retrying' });
      throw error;
    }
  }

  /** Tells the tenant's people (the lead's timeline) that a job gave up; never throws. */
  private async reportFinalFailure(job: Job, error: Error): Promise<void> {
    const payload = job.data as Record<string, unknown> | undefined;
    if (!this.failureReporter || !payload || typeof payload.tenantId !== 'string') return;
    try {
      await this.failureReporter.report({
        tenantId: payload.tenantId,
        job: currentJobName(job.name),
        payload,
        reason: error.message,
        error,
      });
    } catch (reportError) {
      this.logger.warn(`Could not report the failure of ${job.name}: ${(reportError as Error).message}`);
    }
  }

  /**
   * Upserting a scheduler is idempotent, so every instance may do it at start; so is removing the
   * retired ones (with the next run each had planned).
   */
  private async upsertSchedules(): Promise<void> {
    for (const retired of RETIRED_SCHEDULES) {
      await this.queues
        .queue(retired.queue)
        .removeJobScheduler(retired.id)
        .catch((error: Error) =>
          this.logger.warn(`Schedule ${retired.id} not removed yet: ${error.message}`),
        );
    }
    for (const schedule of SCHEDULES) {
      await this.queues
        .queue(JOBS[schedule.job].queue)
        .upsertJobScheduler(
          schedule.id,
          { pattern: schedule.pattern, tz: SCHEDULE_TIMEZONE },
          { name: schedule.job, data: schedule.data, opts: { attempts: JOBS[schedule.job].attempts } },
        )
        .catch((error: Error) =>
          this.logger.warn(`Schedule ${schedule.id} not registered yet: ${error.message}`),
        );
    }
  }
}
