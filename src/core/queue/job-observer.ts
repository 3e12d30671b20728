import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';

/**
 * What the workers report about each job, for /api/metrics: durations and failures per queue and job.
 * The metric objects live here (no registry); MetricsService registers them in the app's registry.
 */
@Injectable()
export class JobMetrics {
  readonly duration = new Histogram({
    name: 'renos_job_duration_seconds',
    help: 'Job run time by queue, job and outcome (completed, retrying, failed)',
    labelNames: ['queue', 'job', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [],
  });

  readonly failures = new Counter({
    name: 'renos_job_failures_total',
    help: 'Job attempts that failed, by queue and job; final = no retry left',
    labelNames: ['queue', 'job', 'final'],
    registers: [],
  });
}

/** A job that failed for good: no attempt left, or a failure no retry can fix. */
export interface FinalJobFailure {
  tenantId: string;
  job: string;
  payload: Record<string, unknown>;
  reason: string;
  /** What the job threw: the reporter tells users its kind, never its raw text. */
  error?: unknown;
}

/**
 * Where a job's final failure is told to the people who care (the lead's timeline). Core knows no
 * feature, so a feature module provides it under this token; without one, the failure is only logged.
 */
export const JOB_FAILURE_REPORTER = Symbol('renos:job-failure-reporter');

export interface JobFailureReporter {
  report(failure: FinalJobFailure): Promise<void>;
}
