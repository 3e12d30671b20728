import { BookingStatus } from '../../generated/prisma/enums.js';

/**
 * The live booking statuses: a booking in one of them holds its team's time (the overlap constraint
 * and availability count it), can still be moved, shows on its meeting link and makes its lead
 * "booked". One definition for every feature that asks (docs/architecture.md, Data model).
 */
export const LIVE_BOOKING_STATUSES: readonly BookingStatus[] = [
  BookingStatus.pending,
  BookingStatus.confirmed,
  BookingStatus.in_progress,
];

export function isLiveBooking(status: BookingStatus): boolean {
  return LIVE_BOOKING_STATUSES.includes(status);
}
