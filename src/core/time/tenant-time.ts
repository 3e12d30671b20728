import { DateTime } from 'luxon';

import { FieldError } from '../http/domain-error.js';

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A `from`/`to` query value as an instant (docs/architecture.md, Wire conventions): ISO 8601 with a time is
 * taken as it is; a bare date is that day in the tenant's time zone (`from` its start, `to` exclusive, so
 * `to=2026-03-30` ends at the start of 30 March local time). Anything else is a 400 naming the field.
 */
export function parseRangeBoundary(value: string, timezone: string, field: string): Date {
  const parsed = BARE_DATE.test(value)
    ? DateTime.fromISO(value, { zone: timezone }).startOf('day')
    : DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid || !/^\d{4}-\d{2}-\d{2}(T.+)?$/.test(value)) {
    throw new FieldError(field, `${field} must be an ISO 8601 date or date-time`);
  }
  return parsed.toJSDate();
}

/** The instant a local wall-clock time has in a zone (10:00 in Copenhagen is 09:00Z in winter). */
export function zonedTime(date: string, time: string, timezone: string): Date {
  return DateTime.fromISO(`${date}T${time}`, { zone: timezone }).toJSDate();
}

/** Monday 00:00 of the ISO week containing `at`, in the zone. */
export function startOfIsoWeek(at: Date, timezone: string): Date {
  return DateTime.fromJSDate(at, { zone: timezone }).startOf('week').toJSDate();
}
