import { fieldRule } from '../../core/validation/rule.js';

/**
 * The few field rules tenant settings share. Each is a plain predicate plus a decorator, so a service
 * can reuse the predicate and a 400 names the field like every other class-validator message.
 */

/** Money on the wire: a string with two decimals, never a float (docs/architecture.md, Wire conventions). */
export const MONEY_PATTERN = /^\d{1,10}\.\d{2}$/;
export const PERCENT_PATTERN = /^\d{1,3}\.\d{2}$/;
/** 24-hour wall-clock time, 00:00–23:59. */
export const TIME_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
/** Lower-case slug: words of a-z0-9 joined by single hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A lower-case host name with at least two labels; the last is not all digits. */
const HOSTNAME_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?=[a-z0-9-]*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** IANA names are Area/Location (Area/Location/Sublocation); this excludes abbreviations such as CET. */
const IANA_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)+$/;

const CANONICAL_ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/**
 * True for an IANA time zone the runtime knows. The canonical list comes first; an alias the list
 * does not name (Europe/Kiev beside Europe/Kyiv) is accepted when Intl can format in it.
 */
export function isIanaTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 64) return false;
  if (CANONICAL_ZONES.has(value)) return true;
  if (!IANA_NAME_PATTERN.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function isHostname(value: unknown): value is string {
  return typeof value === 'string' && HOSTNAME_PATTERN.test(value);
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is refused). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A percentage with two decimals between 0.00 and 100.00 (VAT). */
export function isPercent(value: unknown): value is string {
  return typeof value === 'string' && PERCENT_PATTERN.test(value) && Number(value) <= 100;
}

export const IsIanaTimeZone = fieldRule(
  'isIanaTimeZone',
  isIanaTimeZone,
  '$property must be an IANA time zone such as Europe/Copenhagen',
);
export const IsMoney = fieldRule(
  'isMoney',
  (value) => typeof value === 'string' && MONEY_PATTERN.test(value),
  '$property must be an amount as a string with two decimals, such as "349.00"',
);
export const IsPercent = fieldRule(
  'isPercent',
  isPercent,
  '$property must be a percentage from "0.00" to "100.00" as a string with two decimals',
);
export const IsClockTime = fieldRule(
  'isClockTime',
  (value) => typeof value === 'string' && TIME_PATTERN.test(value),
  '$property must be a time HH:MM (00:00–23:59)',
);
export const IsHostname = fieldRule(
  'isHostname',
  isHostname,
  '$property must be a lower-case domain name such as leadpoint.dk',
);
export const IsE164 = fieldRule(
  'isE164',
  (value) => typeof value === 'string' && E164_PATTERN.test(value),
  '$property must be a phone number in E.164 form, such as +4512345678',
);
export const IsCalendarDate = fieldRule(
  'isCalendarDate',
  isCalendarDate,
  '$property must be a date YYYY-MM-DD',
);

/** `end` of a time range must come after its `start` on the same day. */
export const IsAfterStart = fieldRule(
  'isAfterStart',
  (value, args) => {
    const start = (args.object as { start?: unknown }).start;
    // Only two valid times are compared; a malformed one is reported by its own rule.
    const comparable = (time: unknown): time is string => typeof time === 'string' && TIME_PATTERN.test(time);
    return !comparable(value) || !comparable(start) || value > start;
  },
  '$property must be later than start',
);

/** `{ [serviceType]: hours per m² }`: non-empty keys, finite non-negative numbers of at most 10. */
export const IsHoursPerSquareMetre = fieldRule(
  'isHoursPerSquareMetre',
  (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const entries = Object.entries(value);
    return (
      entries.length <= 50 &&
      entries.every(
        ([key, hours]) =>
          key.trim().length > 0 &&
          key.length <= 100 &&
          typeof hours === 'number' &&
          Number.isFinite(hours) &&
          hours >= 0 &&
          hours <= 10,
      )
    );
  },
  '$property must map service types to hours per m² (numbers from 0 to 10)',
);

/** Kept here for the DTOs that import it with the rules above; it lives with the shared field stacks. */
export { IsOptionalNotNull } from '../../core/validation/fields.js';
