import { DateTime } from 'luxon';

import { Clock } from '../../src/core/time/clock.js';

/**
 * The clock an e2e test hands the app: it runs like the system clock until a test moves it with
 * `set`, and from there runs on at the same pace, so durations in the test stay real while the
 * business rules (quiet hours, notice, reminders, expiry) see the chosen moment.
 */
export class TestClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  set(instant: Date): void {
    this.offsetMs = instant.getTime() - Date.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

/**
 * A local wall-clock time on a day near now, in a zone: `{ weekday: 2, time: '22:30' }` is the
 * first Tuesday 22:30 at least `afterDays` days ahead. Tests pick the hour and the weekday they are
 * about; staying near the present keeps the database's own timestamps and token lifetimes coherent.
 */
export function upcomingLocal(
  options: { weekday: number; time: string; zone?: string; afterDays?: number },
  from: Date = new Date(),
): Date {
  const zone = options.zone ?? 'Europe/Copenhagen';
  const [hour, minute] = options.time.split(':').map(Number) as [number, number];
  let day = DateTime.fromJSDate(from, { zone })
    .plus({ days: options.afterDays ?? 1 })
    .startOf('day');
  while (day.weekday !== options.weekday) day = day.plus({ days: 1 });
  return day.set({ hour, minute }).toJSDate();
}
