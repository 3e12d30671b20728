import { Inject, Injectable, SetMetadata, type Type } from '@nestjs/common';
import type { Job } from 'bullmq';

import { currentJobName, isJobName, JOBS, type JobName, type JobPayloads } from './jobs.js';

export const JOB_HANDLER = Symbol('renos:job-handler');

/**
 * A processor for one job. The worker has entered the tenant's context already when the payload names
 * a tenant (WorkerService.perform). It calls one service method and lets errors escape so BullMQ retries: a handler that catches and returns turns every
 * failure into silent loss. Throw `UnrecoverableError` (bullmq) for failures a retry cannot fix.
 */
export interface JobHandler<N extends JobName> {
  handle(payload: JobPayloads[N], job: Job<JobPayloads[N]>): Promise<unknown>;
}

/** Marks a provider as the handler of a job name; the worker finds it at start. */
export const HandlesJob = (name: JobName): ClassDecorator => SetMetadata(JOB_HANDLER, name);

/**
 * The processor of a job that is one call of one service: `run` gets the service and the payload (and
 * the job, for its attempt). Register the returned class as a provider, like a hand-written processor;
 * write one by hand when a job does more than call one method.
 */
export function jobProcessor<N extends JobName, S>(
  name: N,
  service: Type<S>,
  run: (service: S, payload: JobPayloads[N], job: Job<JobPayloads[N]>) => Promise<unknown>,
): Type<JobHandler<N>> {
  @Injectable()
  @HandlesJob(name)
  class Processor implements JobHandler<N> {
    constructor(@Inject(service) private readonly target: S) {}

    handle(payload: JobPayloads[N], job: Job<JobPayloads[N]>): Promise<unknown> {
      return run(this.target, payload, job);
    }
  }
  // Named after its job, for the start check's messages and stack traces.
  Object.defineProperty(Processor, 'name', { value: `Processor(${name})` });
  return Processor;
}

/**
 * Whether the attempt now running is the job's last: no attempt left after it, or (given the error it
 * failed with) a failure BullMQ does not retry. For handlers that must leave a trace before giving up.
 */
export function isLastAttempt(job: Job, error?: unknown): boolean {
  if (error instanceof Error && error.name === 'UnrecoverableError') return true;
  const name = currentJobName(job.name);
  const attempts = job.opts.attempts ?? (isJobName(name) ? JOBS[name].attempts : 1);
  return job.attemptsMade + 1 >= attempts;
}
