import { DateTime } from 'luxon';

import type { ClosedDays, SlotRules, Weekday, WorkingHours } from '../tenants/tenant-defaults.js';
import { danishPublicHolidays } from './danish-holidays.js';

/**
 * The one availability function (docs/architecture.md, step 6), shared by GET /calendar/availability and the
 * SMS offer. Pure: the caller gathers the tenant's rules and each team's busy times; everything here is
 * arithmetic on the tenant's wall clock, converted to UTC instants at the end. Wall-clock times are
 * built from their local parts (never "midnight plus ten hours"), so a 10:00 slot is 10:00 on both
 * sides of a daylight-saving change.
 */

export interface Slot {
  startsAt: Date;
  endsAt: Date;
  teamId: string;
}

export interface Interval {
  start: Date;
  end: Date;
}

export interface SchedulingRules {
  timezone: string;
  workingHours: WorkingHours;
  slotRules: SlotRules;
  closedDays: ClosedDays;
}

/** A team and everything that already holds its time: calendar busy times, live bookings, held offers. */
export interface TeamBusy {
  teamId: string;
  busy: readonly Interval[];
}

export interface SlotQuery {
  from: Date;
  to: Date;
  /** Job length; rounded up to the half hour here. */
  durationHours: number;
  now: Date;
}

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MINUTE_MS = 60_000;
/** Guards the notice walk against a tenant with no working day at all. */
const MAX_DAYS_SCANNED = 366;

/** A job's bookable length: its hours rounded up to the half hour (3.2 h books 3.5 h). */
export function bookableHours(hours: number): number {
  return Math.ceil(hours * 2 - 1e-9) / 2;
}

/** "HH:mm" (or "24:00") as minutes after midnight; null for anything else. */
function minutesOf(time: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return Number(match[2]) < 60 && minutes <= 24 * 60 ? minutes : null;
}

/**
 * The instant of a wall-clock time on a local day; null when that time does not exist that day (it
 * falls in the hour skipped when clocks go forward).
 */
function localInstant(day: DateTime, minutes: number): DateTime | null {
  const base = minutes === 24 * 60 ? day.plus({ days: 1 }) : day;
  const hour = minutes === 24 * 60 ? 0 : Math.floor(minutes / 60);
  const minute = minutes % 60;
  const instant = DateTime.fromObject(
    { year: base.year, month: base.month, day: base.day, hour, minute },
    { zone: day.zone },
  );
  return instant.isValid && instant.hour === hour && instant.minute === minute ? instant : null;
}

/** Decides whether a local day is closed; holiday tables are built once per year asked about. */
export class ClosedDayCalendar {
  private readonly holidays = new Map<number, Map<string, string>>();
  private readonly extra: ReadonlySet<string>;

  constructor(
    private readonly closedDays: ClosedDays,
    private readonly workingHours: WorkingHours,
  ) {
    this.extra = new Set(closedDays.dates ?? []);
  }

  isClosed(day: DateTime): boolean {
    const date = day.toISODate() as string;
    if (this.extra.has(date)) return true;
    if (!this.closedDays.danishPublicHolidays) return false;
    let year = this.holidays.get(day.year);
    if (!year) {
      year = danishPublicHolidays(day.year);
      this.holidays.set(day.year, year);
    }
    return year.has(date);
  }

  /** Working ranges of a local day: none when closed. */
  rangesOf(day: DateTime): Array<{ start: number; end: number }> {
    if (this.isClosed(day)) return [];
    const ranges = this.workingHours[WEEKDAYS[day.weekday - 1]] ?? [];
    return ranges.flatMap((range) => {
      const start = minutesOf(range.start);
      const end = minutesOf(range.end);
      return start !== null && end !== null && end > start ? [{ start, end }] : [];
    });
  }

  isWorkingDay(day: DateTime): boolean {
    return this.rangesOf(day).length > 0;
  }
}

/**
 * Where slots may start, given the tenant's notice and horizon: from the start of the
 * `minimumNoticeDays`-th working day after today (0: from now) to the end of the day `horizonDays`
 * after today, in the tenant's zone. Never before now.
 */
export function bookableWindow(rules: SchedulingRules, now: Date): Interval {
  const calendar = new ClosedDayCalendar(rules.closedDays, rules.workingHours);
  const today = DateTime.fromJSDate(now, { zone: rules.timezone }).startOf('day');
  let earliest = today;
  let remaining = Math.max(0, Math.floor(rules.slotRules.minimumNoticeDays ?? 0));
  for (let scanned = 0; remaining > 0 && scanned < MAX_DAYS_SCANNED; scanned += 1) {
    earliest = earliest.plus({ days: 1 });
    if (calendar.isWorkingDay(earliest)) remaining -= 1;
  }
  const horizonDays = Math.max(0, Math.floor(rules.slotRules.horizonDays ?? 0));
  const end = today.plus({ days: horizonDays + 1 }).toJSDate();
  const start = new Date(Math.max(earliest.toJSDate().getTime(), now.getTime()));
  return { start, end };
}

/**
 * Free slots of the given teams whose start lies in [query.from, query.to) and inside the tenant's
 * bookable window. A slot starts at one of the tenant's start times, lies wholly inside one working
 * range of an open day, and keeps `bufferMinutes` clear of everything in the team's busy list.
 * Ordered by start, then by the order the teams were given in.
 */
export function freeSlots(rules: SchedulingRules, teams: readonly TeamBusy[], query: SlotQuery): Slot[] {
  const durationMs = bookableHours(query.durationHours) * 3600_000;
  if (!(durationMs > 0) || teams.length === 0) return [];
  const bookable = bookableWindow(rules, query.now);
  const from = Math.max(query.from.getTime(), bookable.start.getTime());
  const to = Math.min(query.to.getTime(), bookable.end.getTime());
  if (from >= to) return [];

  const bufferMs = Math.max(0, rules.slotRules.bufferMinutes ?? 0) * MINUTE_MS;
  const startTimes = [...new Set(rules.slotRules.startTimes ?? [])]
    .map(minutesOf)
    .filter((minutes): minutes is number => minutes !== null)
    .sort((a, b) => a - b);
  const calendar = new ClosedDayCalendar(rules.closedDays, rules.workingHours);
  const busy = teams.map((team) =>
    team.busy.map((interval) => ({
      start: interval.start.getTime() - bufferMs,
      end: interval.end.getTime() + bufferMs,
    })),
  );

  const slots: Slot[] = [];
  const lastDay = DateTime.fromMillis(to, { zone: rules.timezone }).startOf('day');
  for (
    let day = DateTime.fromMillis(from, { zone: rules.timezone }).startOf('day');
    day <= lastDay;
    day = day.plus({ days: 1 })
  ) {
    // The day's working ranges as instants, once per day rather than once per start time: each
    // instant asks the zone's offset of Intl, the offer's main CPU cost after the database.
    const ranges = calendar.rangesOf(day).flatMap((range) => {
      const rangeStart = localInstant(day, range.start);
      const rangeEnd = localInstant(day, range.end);
      return rangeStart && rangeEnd ? [{ start: rangeStart.toMillis(), end: rangeEnd.toMillis() }] : [];
    });
    if (ranges.length === 0) continue;
    for (const minutes of startTimes) {
      const start = localInstant(day, minutes);
      if (!start) continue;
      const startMs = start.toMillis();
      const endMs = startMs + durationMs;
      if (startMs < from || startMs >= to) continue;
      if (!ranges.some((range) => startMs >= range.start && endMs <= range.end)) continue;
      teams.forEach((team, index) => {
        // Half-open intervals widened by the buffer: a job may start exactly `buffer` after another ends.
        const taken = busy[index].some((interval) => startMs < interval.end && interval.start < endMs);
        if (!taken) slots.push({ startsAt: new Date(startMs), endsAt: new Date(endMs), teamId: team.teamId });
      });
    }
  }
  return slots;
}

const overlaps = (a: Slot, b: Slot) =>
  a.startsAt.getTime() < b.endsAt.getTime() && b.startsAt.getTime() < a.endsAt.getTime();

/**
 * The offer: up to `count` slots that do not overlap one another (two teams free at the same time are
 * one choice for the customer), on different days where possible, earliest first. `slots` must be in
 * start order, as `freeSlots` answers.
 */
export function pickOffer(slots: readonly Slot[], count: number, timezone: string): Slot[] {
  const chosen: Slot[] = [];
  const days = new Set<string>();
  const dayOf = (slot: Slot) => DateTime.fromJSDate(slot.startsAt, { zone: timezone }).toISODate() as string;
  const take = (slot: Slot) => {
    chosen.push(slot);
    days.add(dayOf(slot));
  };
  // First the earliest slot of each day; then, if days ran out, the earliest of what is left.
  for (const slot of slots) {
    if (chosen.length >= count) break;
    if (!days.has(dayOf(slot)) && !chosen.some((other) => overlaps(slot, other))) take(slot);
  }
  for (const slot of slots) {
    if (chosen.length >= count) break;
    if (!chosen.includes(slot) && !chosen.some((other) => overlaps(slot, other))) take(slot);
  }
  return chosen.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
