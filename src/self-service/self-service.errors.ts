import { ConflictError } from '../core/http/domain-error.js';

/**
 * The time the customer picked is no longer free: another customer or staff took it since it was
 * offered (or it was never offered). Both the check and the database's overlap refusal answer this,
 * so the customer's page asks for the free times again either way.
 */
export class TimeNoLongerFreeError extends ConflictError {
  constructor(startsAt: Date) {
    super('That time is no longer free; ask for the free times again', {
      startsAt: startsAt.toISOString(),
    });
  }
}

/** Only a pending or confirmed booking can still be confirmed, cancelled or moved by the customer. */
export class BookingNotChangeableError extends ConflictError {
  constructor(status: string, action: 'confirm' | 'cancel' | 'reschedule') {
    super(`A ${status} booking cannot be ${ACTION_WORDS[action]} through its link`, { status, action });
  }
}

/** `skip` is for a visit of a recurring series; a one-off booking is cancelled instead. */
export class NotASeriesVisitError extends ConflictError {
  constructor() {
    super('This booking is not a visit of a recurring series: cancel it instead', { action: 'skip' });
  }
}

const ACTION_WORDS = { confirm: 'confirmed', cancel: 'cancelled', reschedule: 'moved' } as const;
