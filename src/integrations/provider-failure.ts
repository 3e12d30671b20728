import { UnrecoverableError } from 'bullmq';

import { CalendarGatewayError } from './google-calendar/calendar.gateway.js';
import { DomainError } from '../core/http/domain-error.js';
import { BillyError } from './billy/billy.errors.js';
import { GmailError, GmailNotConfiguredError } from './gmail/gmail.client.js';
import { SmsSendError } from './twilio/twilio.client.js';
import { IntegrationNotConfiguredError } from './credentials/credentials.errors.js';
import type { IntegrationProvider } from './credentials/credentials.providers.js';
import type { ProviderFailure, ProviderFailureCode } from './credentials/provider-failure-code.js';

export type { ProviderFailure, ProviderFailureCode };

/** How a failure reads for users: a provider's, or one of our own domain errors (already our words). */
export interface FailureSummary {
  code: string;
  message: string;
}

/** The provider's name as users know it. */
export type ProviderName = 'Twilio' | 'Gmail' | 'Google' | 'Google Kalender' | 'Billy' | 'Gemini';

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

/** A failure with an HTTP status (or none: no answer) in the codes every provider shares. */
function byStatus(provider: ProviderName, status: number | null | undefined): ProviderFailure {
  if (status === null || status === undefined || status === 408)
    return providerFailure(provider, 'provider_unreachable');
  if (status === 429 || status === 403) return providerFailure(provider, 'provider_rate_limited');
  return providerFailure(provider, 'provider_unavailable');
}

export function twilioFailure(error: SmsSendError): ProviderFailure {
  switch (error.kind) {
    case 'opted_out':
      return providerFailure('Twilio', 'recipient_opted_out');
    case 'needs_attention':
      return providerFailure('Twilio', 'credentials_rejected');
    case 'give_up':
      return providerFailure('Twilio', 'request_rejected');
    case 'retry':
      return byStatus('Twilio', error.httpStatus);
  }
}

export function gmailFailure(error: GmailError): ProviderFailure {
  switch (error.kind) {
    case 'revoked':
      return providerFailure('Gmail', 'credentials_rejected');
    case 'not_found':
      return providerFailure('Gmail', 'not_found');
    case 'rejected':
      return providerFailure('Gmail', 'request_rejected');
    case 'transient':
      return providerFailure('Gmail', 'provider_unavailable');
  }
}

export function calendarFailure(error: CalendarGatewayError): ProviderFailure {
  switch (error.kind) {
    case 'retry':
      return byStatus('Google Kalender', error.status);
    case 'credentials':
      return providerFailure('Google Kalender', 'credentials_rejected');
    case 'forbidden':
      return providerFailure('Google Kalender', 'access_denied');
    case 'not_found':
    case 'gone':
      return providerFailure('Google Kalender', 'not_found');
    case 'conflict':
    case 'invalid':
      return providerFailure('Google Kalender', 'request_rejected');
  }
}

export function billyFailure(error: BillyError): ProviderFailure {
  switch (error.kind) {
    case 'auth':
      return providerFailure('Billy', 'credentials_rejected');
    case 'validation':
      return providerFailure('Billy', 'request_rejected');
    case 'not_found':
      return providerFailure('Billy', 'not_found');
    case 'rate_limited':
      return providerFailure('Billy', 'provider_rate_limited');
    case 'unavailable':
      return providerFailure('Billy', 'provider_unavailable');
    case 'timeout':
    case 'network':
      return providerFailure('Billy', 'provider_unreachable');
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
    if (cause instanceof SmsSendError) return twilioFailure(cause);
    if (cause instanceof GmailError) return gmailFailure(cause);
    if (cause instanceof CalendarGatewayError) return calendarFailure(cause);
    if (cause instanceof BillyError) return billyFailure(cause);
    if (cause instanceof GmailNotConfiguredError) return providerFailure('Google', 'not_configured');
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
