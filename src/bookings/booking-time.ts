import { formatDateTime, formatTime } from '../core/format/danish.js';
import { Decimal, type DecimalInput } from '../core/money/money.js';
import type { Prisma } from '../generated/prisma/client.js';

export const HOUR_MS = 3600 * 1000;

/** The end of a booking of `hours` starting at `startsAt`. */
export const endOf = (startsAt: Date, hours: DecimalInput) =>
  new Date(startsAt.getTime() + new Decimal(hours).times(HOUR_MS).toNumber());

/** A lead's estimate as a bookable duration: rounded up to the half hour, as availability does. */
export const bookableHours = (hours: Prisma.Decimal) => new Decimal(hours).times(2).ceil().dividedBy(2);

/** "fredag d. 27. marts 2026 kl. 10.00–13.30" in the tenant's zone, for the timeline. */
export function describeTime(booking: { startsAt: Date; endsAt: Date }, timezone: string): string {
  return `${formatDateTime(booking.startsAt, timezone)}–${formatTime(booking.endsAt, timezone)}`;
}
