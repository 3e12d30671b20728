import { DomainError } from '../core/http/domain-error.js';

/** One message for every failed login, so an answer never tells whether the e-mail exists. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('unauthorized', 'Invalid e-mail or password');
  }
}

export class InvalidRefreshTokenError extends DomainError {
  constructor() {
    super('unauthorized', 'Invalid or expired refresh token');
  }
}

export class TooManyAttemptsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_requests', 'Too many login attempts; try again later', { retryAfterSeconds });
  }
}

export class NoTenantAccessError extends DomainError {
  constructor() {
    super('forbidden', 'The user has no access to that tenant');
  }
}
