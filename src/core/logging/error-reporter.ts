/**
 * Where an unhandled error goes besides the log: Sentry, when SENTRY_DSN is set. `@sentry/node` (with
 * the OpenTelemetry it brings) is imported only then, not in every instance whether configured or not
 * (bench/README.md, "Memory").
 */
type Capture = (error: unknown, context: { tags: Record<string, string> }) => void;

let capture: Capture | undefined;
let close: ((timeoutMs: number) => Promise<unknown>) | undefined;

/** Loads and starts Sentry when there is a DSN; without one nothing is loaded and reporting is off. */
export async function startErrorReporting(dsn: string | undefined, environment: string): Promise<boolean> {
  if (!dsn) return false;
  const Sentry = await import('@sentry/node');
  Sentry.init({ dsn, environment });
  capture = (error, context) => Sentry.captureException(error, context);
  close = (timeoutMs) => Sentry.close(timeoutMs);
  return true;
}

/** Sends the error to Sentry if reporting was started; otherwise does nothing. */
export function reportError(error: unknown, context: { tags: Record<string, string> }): void {
  capture?.(error, context);
}

/** Flushes what is queued for Sentry (at shutdown); nothing to do when it was never started. */
export async function stopErrorReporting(timeoutMs: number): Promise<void> {
  await close?.(timeoutMs);
}
