import { ConflictError, DomainError, NotFoundError } from '../core/http/domain-error.js';

/** Another tenant's lead, a deleted one and one a STAFF user is not assigned to all answer like a missing one. */
export class LeadNotFoundError extends NotFoundError {
  constructor() {
    super('Lead');
  }
}

/** A 400 naming fields, for the rules a DTO cannot check alone (membership, the merged contact). */
export class LeadFieldError extends DomainError {
  constructor(fields: Array<{ field: string; message: string }>) {
    super('validation_failed', `Invalid ${fields.map((f) => f.field).join(', ')}`, fields);
  }
}

export const contactRequired = () =>
  new LeadFieldError([
    { field: 'customerPhone', message: 'customerPhone or customerEmail is required' },
    { field: 'customerEmail', message: 'customerPhone or customerEmail is required' },
  ]);

export class LeadHasLiveBookingsError extends ConflictError {
  constructor() {
    super('The lead has live bookings; cancel them before deleting the lead');
  }
}
