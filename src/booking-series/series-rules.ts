import { DateTime } from 'luxon';

import { danishPublicHolidays } from '../calendar/danish-holidays.js';
import type { ClosedDays, WorkingHours } from '../tenants/tenant-defaults.js';

export { seriesRules, type SeriesRules } from '../tenants/tenant-defaults.js';
import { weekdayOf } from './recurrence.js';

/**
 * Why a day is closed for a visit, in Danish for staff and the timeline, or null when it is open: a
 * Danish public holiday (when the tenant closes on them), one of the tenant's extra closed dates, or a
 * weekday without working hours.
 */
export function closedReason(
  date: string,
  tenant: { closedDays: ClosedDays; workingHours: WorkingHours },
): string | null {
  if (tenant.closedDays.danishPublicHolidays) {
    const holiday = danishPublicHolidays(Number(date.slice(0, 4))).get(date);
    if (holiday) return `helligdag (${holiday})`;
  }
  if (tenant.closedDays.dates.includes(date)) return 'lukkedag';
  if ((tenant.workingHours[weekdayOf(date)] ?? []).length === 0) return 'lukkedag';
  return null;
}

/** Today as a `YYYY-MM-DD` day in the zone. */
export const dayIn = (at: Date, timezone: string): string =>
  DateTime.fromJSDate(at, { zone: timezone }).toISODate()!;

/** A date column (midnight UTC of its day) as `YYYY-MM-DD`, and back. */
export const isoDay = (value: Date): string => value.toISOString().slice(0, 10);
export const dateColumn = (day: string): Date => new Date(`${day}T00:00:00Z`);
