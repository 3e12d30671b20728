import { NotFoundError } from '../core/http/domain-error.js';

/** Another tenant's customer, or one a STAFF user has no lead of, answers exactly like a missing one. */
export class CustomerNotFoundError extends NotFoundError {
  constructor() {
    super('Customer');
  }
}
