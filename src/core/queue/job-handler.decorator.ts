import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';

import type { JobName, JobPayloads } from './jobs.js';

export const JOB_HANDLER = Symbol('renos:job-handler');

/**
 * A processor for one job. It re-enters the tenant (when the payload has one), calls one service
 * method, and lets errors escape so BullMQ retries: a handler that catches and returns turns every
 * failure into silent loss. Throw `UnrecoverableError` (bullmq) for failures a retry cannot fix.
 */
export interface JobHandler<N extends JobName> {
  handle(payload: JobPayloads[N], job: Job<JobPayloads[N]>): Promise<unknown>;
}

/** Marks a provider as the handler of a job name; the worker finds it at start. */
export const HandlesJob = (name: JobName): ClassDecorator => SetMetadata(JOB_HANDLER, name);
