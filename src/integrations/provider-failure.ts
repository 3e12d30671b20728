import { UnrecoverableError } from 'bullmq';

import { DomainError } from '../core/http/domain-error.js';
import { IntegrationNotConfiguredError } from './credentials/credentials.errors.js';
import type { IntegrationProvider } from './credentials/credentials.providers.js';
import type { ProviderFailure, ProviderFailureCode } from './credentials/provider-failure-code.js';
import { IntegrationError, type ProviderName, type RetryTrouble } from './integration-error.js';

export type { ProviderFailure, ProviderFailureCode, ProviderName };

/** How a failure reads for users: a provider's, or one of our own domain errors (already our words). */
export interface FailureSummary {
  code: string;
  message: string;
}

const MESSAGES: Record<ProviderFailureCode, (provider: ProviderName) => string> = {
  provider_unreachable: (p) => `${p} kunne ikke nås`,
  provider_unavailable: (p) => `${p} svarede ikke som forventet`,
  provider_rate_limited: (p) => `${p} afviste midlertidigt for mange forespørgsler`,
  credentials_rejected: (p) => `${p} afviste adgangen; forbind igen under Integrationer`,
  access_denied: (p) => `${p}-kontoen har ikke adgang til det, der skulle bruges`,
  request_rejected: (p) => `${p} afviste forespørgslen`,
  not_found: (p) => `${p} kender ikke det, der blev spurgt efter`,
  recipient_opted_out: () => 'Modtageren har afmeldt SMS',
  not_configured: (p) => `${p} er ikke sat op under Integrationer`,
  credentials_unreadable: (p) =>
    `De gemte adgangsoplysninger til ${p} kan ikke læses; indtast dem igen under Integrationer`,
  internal_error: () => 'Der opstod en intern fejl; detaljerne står i driftsloggen',
};

export function providerFailure(provider: ProviderName, code: ProviderFailureCode): ProviderFailure {
  return { code, message: MESSAGES[code](provider) };
}

const TROUBLE: Record<RetryTrouble, ProviderFailureCode> = {
  unreachable: 'provider_unreachable',
  unavailable: 'provider_unavailable',
  rate_limited: 'provider_rate_limited',
};

/** The one mapping from an adapter's error to what users see, the same for every vendor. */
export function failureOf(error: IntegrationError): ProviderFailure {
  return providerFailure(error.provider, failureCodeOf(error));
}

function failureCodeOf(error: IntegrationError): ProviderFailureCode {
  switch (error.kind) {
    case 'retry':
      return TROUBLE[error.trouble ?? 'unavailable'];
    case 'needs_attention':
      return error.accessDenied ? 'access_denied' : 'credentials_rejected';
    case 'give_up':
    case 'conflict':
      return 'request_rejected';
    case 'not_found':
      return 'not_found';
    case 'opted_out':
      return 'recipient_opted_out';
    case 'not_configured':
      return 'not_configured';
  }
}

const PROVIDER_NAMES: Record<IntegrationProvider, ProviderName> = {
  google: 'Google',
  twilio: 'Twilio',
  billy: 'Billy',
  gemini: 'Gemini',
};

/** The provider failure `error` is, or was caused by; null when no provider is behind it. */
export function describeProviderFailure(error: unknown): ProviderFailure | null {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth += 1) {
    if (cause instanceof IntegrationError) return failureOf(cause);
    if (cause instanceof IntegrationNotConfiguredError)
      return providerFailure(PROVIDER_NAMES[cause.provider], 'not_configured');
    cause = cause.cause;
  }
  return null;
}

/**
 * How any failure of a job reads for users: a provider's as its summary; one of our own domain errors
 * with its message, which is ours and names no vendor detail; anything else as an internal error
 * (a bug or an outage of our own), whose text may be anything and is left to the logs.
 */
export function describeFailure(error: unknown): FailureSummary {
  const provider = describeProviderFailure(error);
  if (provider) return provider;
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  return providerFailure('Google', 'internal_error');
}

/**
 * Stops the job (no retry can help) keeping the vendor error as the cause: the worker logs the
 * message, and the timeline reads the cause's kind instead of the vendor's words.
 */
export function giveUp(cause: Error, message = cause.message): UnrecoverableError {
  return Object.assign(new UnrecoverableError(message), { cause });
}
