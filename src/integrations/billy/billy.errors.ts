import { IntegrationError, type IntegrationErrorKind, type RetryTrouble } from '../integration-error.js';

/**
 * What a failed Billy call means for the caller (docs/architecture.md, Layers: the adapter maps vendor
 * errors to our kinds), as IntegrationError with provider Billy:
 * - `give_up`: Billy refused the content (400/422). Retrying sends the same thing again: the invoice
 *   needs attention instead.
 * - `needs_attention`: the token is wrong or lacks access (401/403). Only an admin can fix it: the
 *   integration shows the error.
 * - `not_found`: the record is not in Billy (404).
 * - `retry`: passing trouble (429, 5xx, an unusable answer, a timeout, no connection); retry with
 *   backoff. After a timeout the request may or may not have happened in Billy.
 */
export function billyErrorKind(status: number): IntegrationErrorKind {
  if (status === 401 || status === 403) return 'needs_attention';
  if (status === 404) return 'not_found';
  if (status === 429 || status >= 500) return 'retry';
  return 'give_up';
}

/** A Billy answer with an error status; `errorCode` is Billy's own, `retryAfterSeconds` its 429 Retry-After. */
export function billyHttpError(
  status: number,
  message: string,
  errorCode?: string,
  retryAfterSeconds?: number,
): IntegrationError {
  return new IntegrationError({
    provider: 'Billy',
    kind: billyErrorKind(status),
    message,
    httpStatus: status,
    vendorCode: errorCode,
    retryAfterSeconds,
  });
}

/**
 * Passing trouble without an error status: `unreachable` when no answer came (timeout, no connection,
 * an answer cut off), `unavailable` when the answer was unusable (no JSON, a record missing from it).
 */
export function billyTrouble(trouble: RetryTrouble, message: string): IntegrationError {
  return new IntegrationError({ provider: 'Billy', kind: 'retry', trouble, message });
}
