/**
 * What a failed Billy call means for the caller (docs/architecture.md, Layers: the adapter maps vendor errors
 * to our codes):
 * - `validation`: Billy refused the content (400/422). Retrying sends the same thing again: the invoice
 *   needs attention instead.
 * - `auth`: the token is wrong or lacks access (401/403). Only an admin can fix it: the integration shows
 *   the error.
 * - `not_found`: the record is not in Billy (404).
 * - `rate_limited`, `unavailable`, `timeout`, `network`: passing trouble; retry with backoff. After a
 *   timeout the request may or may not have happened in Billy.
 */
export type BillyErrorKind =
  'validation' | 'auth' | 'not_found' | 'rate_limited' | 'unavailable' | 'timeout' | 'network';

export class BillyError extends Error {
  constructor(
    readonly kind: BillyErrorKind,
    message: string,
    readonly status?: number,
    /** Billy's `errorCode`, when it sent one. */
    readonly errorCode?: string,
    /** Seconds Billy asked us to wait (429 `Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'BillyError';
  }

  /** Whether a later attempt may succeed without anyone changing anything. */
  get retryable(): boolean {
    return ['rate_limited', 'unavailable', 'timeout', 'network'].includes(this.kind);
  }
}

/** Maps an HTTP status to its kind. */
export function billyErrorKind(status: number): BillyErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'validation';
}
