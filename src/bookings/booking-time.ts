import { DateTime } from 'luxon';

import { Decimal, type DecimalInput } from '../core/money/money.js';
import type { Prisma } from '../generated/prisma/client.js';

export const HOUR_MS = 3600 * 1000;

/** The end of a booking of `hours` starting at `startsAt`. */
export const endOf = (startsAt: Date, hours: DecimalInput) =>
  new Date(startsAt.getTime() + new Decimal(hours).times(HOUR_MS).toNumber());

/** A lead's estimate as a bookable duration: rounded up to the half hour, as availability does. */
export const bookableHours = (hours: Prisma.Decimal) => new Decimal(hours).times(2).ceil().dividedBy(2);

/** "fredag 27. marts 2026 kl. 10:00–13:30" in the tenant's zone, for the timeline. */
export function describeTime(booking: { startsAt: Date; endsAt: Date }, timezone: string): string {
  const start = DateTime.fromJSDate(booking.startsAt, { zone: timezone }).setLocale('da');
  const end = DateTime.fromJSDate(booking.endsAt, { zone: timezone });
  return `${start.toFormat("cccc d. LLLL yyyy 'kl.' HH:mm")}–${end.toFormat('HH:mm')}`;
}
