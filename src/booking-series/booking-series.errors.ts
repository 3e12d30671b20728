import { ConflictError, FieldError, NotFoundError } from '../core/http/domain-error.js';

export class SeriesNotFoundError extends NotFoundError {
  constructor() {
    super('Booking series');
  }
}

/** The visit a "this" edit names: no live visit of the series stands for that date. */
export class SeriesVisitNotFoundError extends NotFoundError {
  constructor() {
    super('Visit of the series');
  }
}

/** An ended series is history: it is read, never changed or resumed. */
export class SeriesEndedError extends ConflictError {
  constructor(seriesId: string) {
    super('The series has ended', { seriesId });
  }
}

/**
 * A change of time, length or team would put visits on time the team has given to other bookings.
 * Nothing was changed; `details.clashes` names each visit and the booking it would collide with.
 */
export class SeriesVisitsClashError extends ConflictError {
  constructor(
    clashes: Array<{
      bookingId: string;
      occursOn: string | null;
      startsAt: string;
      clashingBookingId: string;
    }>,
  ) {
    super(`${clashes.length} visit(s) of the series would collide with other bookings`, { clashes });
  }
}

export class SeriesFieldError extends FieldError {}
