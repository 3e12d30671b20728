/** What `eventually` waits for and how long. */
export interface EventuallyOptions<T> {
  /** Names what is awaited, for the timeout message ("the offer text", "the lead contacted"). */
  what: string;
  /** 15 s unless told: long enough for a job through the outbox, BullMQ and a fake vendor. */
  timeoutMs?: number;
  /** Pause between checks; 100 ms unless told. */
  intervalMs?: number;
  /**
   * When the value read is not itself the answer (an invoice read until it has a number): the first
   * value this holds for is returned. Without it, the first value that is not undefined, null or false.
   */
  until?: (value: T) => boolean;
  /** More to say when it times out, read then (a child process's logs). */
  details?: () => string;
}

/** A value `eventually` accepts without `until`: anything but undefined, null and false. */
export type Found<T> = Exclude<T, undefined | null | false>;

const MAX_SHOWN = 500;

function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/**
 * The one poller of the tests: runs `check` until it answers (see `until`) and returns that answer, or
 * fails after `timeoutMs` naming what it waited for and the last value it read. An error `check` throws
 * fails at once. Use it to wait for something to happen; to show that something did NOT happen, wait
 * for the work to end (drainTenant, the job's final state) and assert on the state, never on a sleep.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  options: EventuallyOptions<T> & { until: (value: T) => boolean },
): Promise<T>;
export async function eventually<T>(
  check: () => T | Promise<T>,
  options: EventuallyOptions<T> & { until?: undefined },
): Promise<Found<T>>;
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions<T>): Promise<T> {
  const { what, timeoutMs = 15_000, intervalMs = 100, until } = options;
  const accept = until ?? ((value: T) => value !== undefined && value !== null && value !== false);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      const details = options.details ? `\n${options.details()}` : '';
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${show(value)}${details}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
