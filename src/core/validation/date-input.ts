import { DateTime } from 'luxon';
import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * The dates this business can mean. Anything earlier or later is a typo or an attack, and some of it
 * cannot even be read back: PostgreSQL stores year 10000, but the driver's parser turns it into an
 * invalid Date, so one such row used to break every list that contained it. The same bounds are
 * enforced by triggers on bookings and slot offers.
 */
export const EARLIEST_DATE = '2000-01-01';
export const LATEST_DATE = '2100-01-01';
/** How the window reads in API docs and messages. */
export const DATE_WINDOW_RULE = `between ${EARLIEST_DATE} and ${LATEST_DATE}`;
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);

/**
 * How far ahead a booking may start: far enough for a long contract booked ahead, near enough that a
 * wrong year (9999, or 2062 for 2026) is caught as a typo rather than booked.
 */
export const MAX_BOOKING_YEARS_AHEAD = 5;

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The shape parseRangeBoundary accepts: a date, optionally followed by a time. */
const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}(T.+)?$/;

export interface DateInputOptions {
  /** Refuse instants more than this many years after the request's time. */
  maxYearsAhead?: number;
}

type Verdict = 'ok' | 'malformed' | 'outside_window' | 'too_far_ahead';

/**
 * Judges a date input: an ISO 8601 date (YYYY-MM-DD) or date-time, inside the window, and (when
 * asked) not too far ahead of `now`. A date-time without an offset is read as UTC here, so the verdict
 * never depends on the machine's time zone. Format rules stricter than this (an offset required) stay
 * with the field's own decorator; this one is about the range.
 */
export function judgeDateInput(value: unknown, options: DateInputOptions = {}, now = Date.now()): Verdict {
  if (typeof value !== 'string' || value.length > 64 || !DATE_PREFIX.test(value)) return 'malformed';
  const parsed = DateTime.fromISO(value, { zone: 'utc', setZone: true });
  if (!parsed.isValid) return 'malformed';
  if (BARE_DATE.test(value)) {
    if (value < EARLIEST_DATE || value > LATEST_DATE) return 'outside_window';
  } else {
    const at = parsed.toMillis();
    if (at < EARLIEST_MS || at > LATEST_MS) return 'outside_window';
  }
  if (options.maxYearsAhead !== undefined) {
    const limit = DateTime.fromMillis(now, { zone: 'utc' }).plus({ years: options.maxYearsAhead });
    if (parsed.toMillis() > limit.toMillis()) return 'too_far_ahead';
  }
  return 'ok';
}

export function isDateInWindow(value: unknown, options: DateInputOptions = {}): boolean {
  return judgeDateInput(value, options) === 'ok';
}

function messageFor(args: ValidationArguments, options: DateInputOptions): string {
  const property = args.property;
  switch (judgeDateInput(args.value, options)) {
    case 'too_far_ahead':
      return `${property} must be at most ${options.maxYearsAhead} years from now`;
    case 'outside_window':
      return `${property} must lie ${DATE_WINDOW_RULE}`;
    default:
      return `${property} must be an ISO 8601 date or date-time ${DATE_WINDOW_RULE}`;
  }
}

/**
 * Every date a client sends — body fields and `from`/`to` filters alike — goes through this one
 * rule, so a year 0000 or 9999 is a 400 naming the field instead of a database error or a row the
 * API can no longer read.
 */
export function IsDateInWindow(
  options: DateInputOptions = {},
  validationOptions?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyKey: string | symbol) =>
    registerDecorator({
      name: 'isDateInWindow',
      target: target.constructor,
      propertyName: String(propertyKey),
      options: { message: (args: ValidationArguments) => messageFor(args, options), ...validationOptions },
      validator: { validate: (value: unknown) => isDateInWindow(value, options) },
    });
}
