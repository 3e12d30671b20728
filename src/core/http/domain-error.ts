/**
 * Errors services throw. Each carries a code; the exception filter maps codes to HTTP once, so no
 * service knows about status codes.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unprocessable: 422,
  too_many_requests: 429,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    /** The kind of error, which decides the HTTP status; `wireCode` is what the envelope shows. */
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string) {
    super('not_found', `${resource} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('conflict', message, details);
  }
}

/** A 400 naming the field and what is wrong with it, in the details the validation pipe writes too. */
export class FieldError extends DomainError {
  constructor(field: string, message: string) {
    super('validation_failed', `Invalid ${field}`, [{ field, message }]);
  }
}

/** An illegal status move: details name where it was, where it was asked to go, and where it may go. */
export class InvalidTransitionError extends DomainError {
  constructor(resource: string, from: string, to: string, allowed: readonly string[]) {
    super('invalid_transition', `${resource} cannot move from ${from} to ${to}`, { from, to, allowed });
  }
}

/** The error classes that only say the kind of error; what a feature throws says more. */
const GENERIC_CLASSES: ReadonlySet<unknown> = new Set([
  DomainError,
  NotFoundError,
  ConflictError,
  FieldError,
  InvalidTransitionError,
]);

/**
 * The envelope's `code`, the stable name a client branches on: a feature's error class names it
 * (`BookingOverlapError` → `booking_overlap`, `LeadNotFoundError` → `lead_not_found`); a generic one
 * and any invalid input give the kind (`not_found`, `validation_failed`, whose `details` name the
 * fields). Renaming an error class changes the wire: the error-code test lists them all.
 */
export function wireCode(error: DomainError): string {
  if (error.code === 'validation_failed' || GENERIC_CLASSES.has(error.constructor)) return error.code;
  return error.constructor.name
    .replace(/Error$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
