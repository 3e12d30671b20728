import { DateTime } from 'luxon';

import { danishPublicHolidays } from '../calendar/danish-holidays.js';
import type { ClosedDays, WorkingHours } from '../tenants/tenant-defaults.js';
import { weekdayOf } from './recurrence.js';

/**
 * The tenant's rules for recurring cleaning (the `seriesRules` column): how far ahead visits are made,
 * what happens to a visit whose date is closed or whose team is busy, and how visits are invoiced when
 * the series does not say.
 */
export interface SeriesRules {
  horizonWeeks: number;
  onConflict: 'next_working_day' | 'skip';
  invoicing: 'per_visit' | 'monthly';
}

export const DEFAULT_SERIES_RULES: SeriesRules = {
  horizonWeeks: 8,
  onConflict: 'next_working_day',
  invoicing: 'per_visit',
};

export function seriesRules(stored: unknown): SeriesRules {
  const value = (stored && typeof stored === 'object' ? stored : {}) as Partial<SeriesRules>;
  return {
    horizonWeeks:
      Number.isInteger(value.horizonWeeks) && value.horizonWeeks! >= 1 && value.horizonWeeks! <= 52
        ? value.horizonWeeks!
        : DEFAULT_SERIES_RULES.horizonWeeks,
    onConflict: value.onConflict === 'skip' ? 'skip' : 'next_working_day',
    invoicing: value.invoicing === 'monthly' ? 'monthly' : 'per_visit',
  };
}

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
