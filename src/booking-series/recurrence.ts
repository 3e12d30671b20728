import { DateTime } from 'luxon';

/**
 * The recurrence rules of a cleaning series, expanded into calendar days. Pure functions over
 * `YYYY-MM-DD` days: a rule names days, not instants, so no time zone or daylight-saving change can
 * shift them; the visit's instant is made from the day and the local start time afterwards
 * (`zonedTime`), which keeps 10:00 at 10:00 on both sides of a change.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAYS)[number];

export interface RecurrenceRule {
  frequency: 'weekly' | 'monthly';
  /** Every n weeks or months, 1–4. */
  interval: number;
  /** Weekly: the days of the week (offices: several); empty means the weekday of `startsOn`. */
  weekdays: readonly WeekdayName[];
  /** Monthly: the n-th (1–4) or last (-1) of the weekday in the month; null: the day of the month. */
  weekOfMonth: number | null;
  startsOn: string;
  endsOn: string | null;
}

/** Safety net: a rule yields at most this many days per call (a year of five-a-week office visits). */
const MAX_OCCURRENCES = 400;

const day = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' });
const iso = (date: DateTime) => date.toISODate()!;

/** 1 = Monday … 7 = Sunday, as Luxon numbers them. */
const weekdayNumber = (name: WeekdayName) => WEEKDAYS.indexOf(name) + 1;
export const weekdayOf = (isoDay: string): WeekdayName => WEEKDAYS[day(isoDay).weekday - 1]!;

/** The rule's days from `from` to `to` (both inclusive, `YYYY-MM-DD`), earliest first. */
export function occurrences(rule: RecurrenceRule, from: string, to: string): string[] {
  const first = from > rule.startsOn ? from : rule.startsOn;
  const last = rule.endsOn !== null && rule.endsOn < to ? rule.endsOn : to;
  if (first > last) return [];
  const days = rule.frequency === 'weekly' ? weeklyDays(rule, last) : monthlyDays(rule, last);
  return days.filter((date) => date >= first && date <= last).slice(0, MAX_OCCURRENCES);
}

function weeklyDays(rule: RecurrenceRule, last: string): string[] {
  const wanted = (rule.weekdays.length > 0 ? rule.weekdays : [weekdayOf(rule.startsOn)])
    .map(weekdayNumber)
    .sort((a, b) => a - b);
  const result: string[] = [];
  // Weeks count from the Monday of the start's week, so "every other week on Monday and Thursday" keeps
  // both days in the same week whichever of them the series starts on.
  for (
    let week = day(rule.startsOn).startOf('week');
    iso(week) <= last;
    week = week.plus({ weeks: rule.interval })
  ) {
    for (const weekday of wanted) {
      const date = iso(week.plus({ days: weekday - 1 }));
      if (date >= rule.startsOn && date <= last) result.push(date);
    }
    if (result.length > MAX_OCCURRENCES) break;
  }
  return result;
}

function monthlyDays(rule: RecurrenceRule, last: string): string[] {
  const start = day(rule.startsOn);
  const weekday = weekdayNumber(rule.weekdays[0] ?? weekdayOf(rule.startsOn));
  const result: string[] = [];
  for (
    let month = start.startOf('month');
    iso(month) <= last;
    month = month.plus({ months: rule.interval })
  ) {
    const date =
      rule.weekOfMonth === null
        ? // The start's day of the month, or the month's last day when it is shorter (31 → 30 April).
          month.set({ day: Math.min(start.day, month.daysInMonth!) })
        : nthWeekday(month, weekday, rule.weekOfMonth);
    if (iso(date) >= rule.startsOn) result.push(iso(date));
    if (result.length > MAX_OCCURRENCES) break;
  }
  return result;
}

/** The n-th (1–4) or last (-1) `weekday` of the month that `month` starts. */
function nthWeekday(month: DateTime, weekday: number, n: number): DateTime {
  if (n === -1) {
    const end = month.endOf('month').startOf('day');
    return end.minus({ days: (end.weekday - weekday + 7) % 7 });
  }
  const firstOfKind = month.plus({ days: (weekday - month.weekday + 7) % 7 });
  return firstOfKind.plus({ weeks: n - 1 });
}

/** `YYYY-MM-DD` plus n days. */
export const addDays = (isoDay: string, n: number): string => iso(day(isoDay).plus({ days: n }));
