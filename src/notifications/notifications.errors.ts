import { NotFoundError } from '../core/http/domain-error.js';

/** Missing, or another tenant's: the same answer (docs/architecture.md, Tenancy). */
export class NotificationNotFoundError extends NotFoundError {
  constructor() {
    super('Notification');
  }
}
