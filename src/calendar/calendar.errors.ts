import { DomainError, FieldError, NotFoundError } from '../core/http/domain-error.js';

export class CalendarTeamNotFoundError extends NotFoundError {
  constructor() {
    super('Team');
  }
}

/** A bad availability query; names the field, as every 400 does. */
export class AvailabilityFieldError extends FieldError {}

/**
 * Google Calendar could not be read (down, rate-limited, credentials refused). Slots are not guessed
 * without the team calendars: an offer of a busy time is worse than no offer, so this is a 503.
 */
export class CalendarUnavailableError extends DomainError {
  /** `cause`: the gateway's error, so a job that gives up on this shows its kind on the timeline. */
  constructor(reason: string, cause?: Error) {
    super('unavailable', `The team calendars could not be read: ${reason}`);
    if (cause) this.cause = cause;
  }
}
