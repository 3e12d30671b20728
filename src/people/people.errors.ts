import { DomainError, NotFoundError } from '../core/http/domain-error.js';

/** No pending invitation with that id in this tenant (another tenant's answers the same). */
export class InvitationNotFoundError extends NotFoundError {
  constructor() {
    super('Invitation');
  }
}

/**
 * A link token that is unknown, already used or replaced by a newer one: one answer for all three, so
 * the answer never tells whether a guessed token once existed.
 */
export class InvalidLinkTokenError extends DomainError {
  constructor() {
    super('validation_failed', 'The link is invalid or has already been used', [
      { field: 'token', message: 'token is invalid or has already been used; ask for a new link' },
    ]);
  }
}

/** A real token past its time: the holder may ask for a new link. */
export class ExpiredLinkTokenError extends DomainError {
  constructor() {
    super('validation_failed', 'The link has expired', [
      { field: 'token', message: 'token has expired; ask for a new link' },
    ]);
  }
}

/** A new account needs what only the invitee can give. */
export class MissingAccountFieldError extends DomainError {
  constructor(field: 'password' | 'name') {
    super('validation_failed', `Invalid ${field}`, [
      { field, message: `${field} is required to create a new account` },
    ]);
  }
}
