import { ClsServiceManager } from 'nestjs-cls';
import winston from 'winston';

/**
 * What a log line says about where it was written: the request (its X-Request-Id), the tenant and user
 * acting, and the job being run. Every line a request or a job writes carries them, so one
 * `jq 'select(.requestId == "…")'` finds all of a request's lines, and a job's lines name their job.
 *
 * The values live in the CLS context nestjs-cls opens per request (its id is the request id) and the
 * worker opens per job; the tenant is put there by the guard or the job's tenant context.
 */
export const TENANT_KEY = 'renos:tenant';
const JOB_KEY = 'renos:job';

/** The job a worker is running, for its log lines. */
export interface JobLogContext {
  queue: string;
  job: string;
  jobId?: string;
}

/** Runs a job in a CLS context of its own that names it (the tenant's context, entered inside, inherits it). */
export function runWithJobLogContext<T>(context: JobLogContext, fn: () => Promise<T>): Promise<T> {
  const cls = ClsServiceManager.getClsService();
  return cls.run(async () => {
    cls.set(JOB_KEY, context);
    return fn();
  });
}

/** The fields of the current request or job, or none outside both (start-up, timers). */
export function currentLogContext(): Record<string, string> {
  const cls = ClsServiceManager.getClsService();
  if (!cls.isActive()) return {};
  const fields: Record<string, string> = {};
  const requestId = cls.getId();
  if (requestId) fields.requestId = requestId;
  const tenant = cls.get<{ tenantId?: string; userId?: string } | undefined>(TENANT_KEY);
  if (tenant?.tenantId) fields.tenantId = tenant.tenantId;
  if (tenant?.userId) fields.userId = tenant.userId;
  const job = cls.get<JobLogContext | undefined>(JOB_KEY);
  if (job) {
    fields.queue = job.queue;
    fields.job = job.job;
    if (job.jobId) fields.jobId = job.jobId;
  }
  return fields;
}

/** A winston format adding `currentLogContext()` to each entry, where the entry does not say otherwise. */
export const withLogContext = winston.format((info) => {
  for (const [key, value] of Object.entries(currentLogContext())) {
    if (info[key] === undefined) info[key] = value;
  }
  return info;
});
