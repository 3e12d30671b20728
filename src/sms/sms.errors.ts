import { ConflictError, DomainError, NotFoundError } from '../core/http/domain-error.js';

export class SmsLeadNotFoundError extends NotFoundError {
  constructor() {
    super('Lead');
  }
}

/** A text needs a number to go to. */
export class LeadHasNoPhoneError extends ConflictError {
  constructor() {
    super('The lead has no phone number');
  }
}

/** The customer opted out (STOP, AFMELD…): nothing is texted until they send START. */
export class RecipientOptedOutError extends ConflictError {
  constructor() {
    super('The customer has opted out of SMS');
  }
}

/** Times are offered only to leads not yet booked, completed, invoiced or lost. */
export class LeadNotOfferableError extends ConflictError {
  constructor(status: string) {
    super(`A lead in status ${status} is not offered times`, { status });
  }
}

export class LeadHasNoHoursError extends ConflictError {
  constructor() {
    super('The lead has no estimated hours to find times for');
  }
}

/** A Twilio webhook whose signature, number or account does not check out: nothing is recorded. */
export class TwilioSignatureError extends DomainError {
  constructor() {
    super('forbidden', 'Invalid Twilio signature');
  }
}
