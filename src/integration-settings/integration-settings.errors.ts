import { DomainError } from '../core/http/domain-error.js';
import type { FieldError } from '../core/http/error-envelope.js';
import { INTEGRATION_PROVIDERS } from '../integrations/credentials/credentials.providers.js';

/**
 * A provider in the path that is not one of ours (they travel in lower case only: docs/architecture.md, Wire
 * conventions).
 */
export class UnknownProviderError extends DomainError {
  constructor() {
    const expected = INTEGRATION_PROVIDERS.join(', ');
    // The rejected value is not echoed: it is the caller's input and says nothing the caller does not know.
    super('validation_failed', `Invalid provider`, [
      { field: 'provider', message: `provider must be one of: ${expected}` },
    ] satisfies FieldError[]);
  }
}

/** A PUT body that does not fit the provider's DTO; the details name each bad field, never its value. */
export class InvalidCredentialsInputError extends DomainError {
  constructor(details: FieldError[]) {
    const fields = [...new Set(details.map((detail) => detail.field))];
    super('validation_failed', `Invalid ${fields.join(', ')}`, details);
  }
}
