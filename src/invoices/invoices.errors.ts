import { ConflictError, FieldError, NotFoundError } from '../core/http/domain-error.js';

/** Another tenant's invoice, or one a STAFF user is not assigned to, answers like a missing one. */
export class InvoiceNotFoundError extends NotFoundError {
  constructor() {
    super('Invoice');
  }
}

export class InvoiceBookingNotFoundError extends NotFoundError {
  constructor() {
    super('Booking');
  }
}

/** Only the work that was done is invoiced: the booking must be completed, with its hours. */
export class BookingNotCompletedError extends ConflictError {
  constructor(status: string) {
    super('Only a completed booking can be invoiced', { status, required: 'completed' });
  }
}

/**
 * One invoice per booking (docs/architecture.md, Data model); the unique key decides between concurrent
 * requests.
 */
export class BookingAlreadyInvoicedError extends ConflictError {
  constructor(invoiceId: string) {
    super('The booking already has an invoice', { invoiceId });
  }
}

/** An action that the invoice's status does not allow (approving twice, sending a draft…). */
export class InvoiceStatusError extends ConflictError {
  constructor(action: string, status: string, allowed: readonly string[]) {
    super(`An invoice that is ${status} cannot be ${action}`, { status, allowed });
  }
}

export class AlreadyCreditedError extends ConflictError {
  constructor() {
    super('The invoice already has a credit note');
  }
}

export class BillyNotConfiguredError extends ConflictError {
  constructor() {
    super('Billy is not configured for this tenant: there is nothing to synchronise');
  }
}

/** With Billy, payments are registered in Billy and polled from there; recording them here would double them. */
export class PaymentsInBillyError extends ConflictError {
  constructor() {
    super('Payments are recorded in Billy for this tenant; RenOS reads them from there');
  }
}

/** The credit note needs the invoice in Billy first, to refer to it there. */
export class NotYetInBillyError extends ConflictError {
  constructor() {
    super('The invoice has not reached Billy yet; synchronise it first');
  }
}

export class InvoiceFieldError extends FieldError {}

/** A customer has one monthly invoice per month: a second is refused, naming the first. */
export class MonthlyInvoiceExistsError extends ConflictError {
  constructor(invoiceId: string, month: string) {
    super('The customer already has a monthly invoice for that month', { invoiceId, month });
  }
}

/** Nothing to bill: no completed visit of a monthly-invoiced series in that month without an invoice. */
export class NoMonthlyVisitsError extends ConflictError {
  constructor(customerId: string, month: string) {
    super('The customer has no completed visits to invoice for that month', { customerId, month });
  }
}
