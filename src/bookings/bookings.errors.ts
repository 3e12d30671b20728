import { LIVE_BOOKING_STATUSES } from '../core/domain/booking-status.js';
import {
  ConflictError,
  DomainError,
  FieldError,
  InvalidTransitionError,
  NotFoundError,
} from '../core/http/domain-error.js';

/** Another tenant's booking, or one a STAFF user is not assigned to, answers like a missing one. */
export class BookingNotFoundError extends NotFoundError {
  constructor() {
    super('Booking');
  }
}

/** A booking link that matches no booking: 404, whatever the reason (docs/architecture.md, Tenancy). */
export class MeetingNotFoundError extends NotFoundError {
  constructor() {
    super('Meeting');
  }
}

export class BookingTeamNotFoundError extends NotFoundError {
  constructor() {
    super('Team');
  }
}

/** An inactive team gets no new bookings and no bookings moved onto it. */
export class TeamInactiveError extends ConflictError {
  constructor(teamId: string) {
    super('The team is not active', { teamId });
  }
}

/**
 * The team already has a live booking overlapping the requested time. Raised by the check inside the
 * transaction and, under concurrency, from the `bookings_team_no_overlap` exclusion constraint: the
 * database decides, this names the booking it collided with.
 */
export class BookingOverlapError extends ConflictError {
  constructor(teamId: string, conflictingBookingId: string | null) {
    super('The team already has a booking at that time', { conflictingBookingId, teamId });
  }
}

/** No active team of the tenant is free for the whole requested time. */
export class NoTeamFreeError extends ConflictError {
  constructor(
    startsAt: Date,
    endsAt: Date,
    conflicts: Array<{ teamId: string; conflictingBookingId: string }>,
  ) {
    super(
      conflicts.length === 0
        ? 'The tenant has no active team to book'
        : `No team is free from ${startsAt.toISOString()} to ${endsAt.toISOString()}`,
      { startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), conflicts },
    );
  }
}

/** Only live bookings (pending, confirmed, in progress) have a time that can still change. */
export class BookingNotLiveError extends ConflictError {
  constructor(status: string) {
    super(`A ${status} booking cannot be moved`, { status, live: [...LIVE_BOOKING_STATUSES] });
  }
}

/** Completion records the hours worked (they drive the invoice), so it has its own action. */
export class UseCompleteError extends ConflictError {
  constructor(from: string) {
    super('A booking is completed with POST /bookings/:id/complete and the hours worked', {
      from,
      to: 'completed',
      use: 'POST /bookings/:id/complete',
    });
  }
}

export class BookingTransitionError extends InvalidTransitionError {
  constructor(from: string, to: string, allowed: readonly string[]) {
    super('Booking', from, to, allowed);
  }
}

/** Two writers changed the same booking at once; the second is told instead of overwriting the first. */
export class BookingChangedError extends ConflictError {
  constructor() {
    super('The booking was changed at the same time; reload it and try again');
  }
}

export class BookingForbiddenError extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** A body names a value the tenant does not have (a user who is not a member, a lead without hours). */
export class BookingFieldError extends FieldError {}
