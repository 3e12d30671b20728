/**
 * What went wrong at an outside service, in our words. Users (the timeline, GET /api/sms, the
 * integrations page) see only this: a stable code a client can act on and a Danish sentence a person
 * can read. The vendor's own text ("connect ECONNREFUSED 127.0.0.1:9", an HTTP body, a request path)
 * stays in the logs, where the failed job's line carries it.
 *
 * These types sit with the credentials, which store a failure's code on the integration account; the
 * mapping from each vendor's errors is integrations/provider-failure.ts, which imports every adapter.
 */
export type ProviderFailureCode =
  /** No answer at all: connection refused, DNS, timeout. */
  | 'provider_unreachable'
  /** An answer that was an error of theirs (5xx) or unusable, or a passing failure of unknown kind. */
  | 'provider_unavailable'
  /** Too many requests or a used-up quota: it passes. */
  | 'provider_rate_limited'
  /** The tenant's credentials were refused or revoked: an admin must connect again. */
  | 'credentials_rejected'
  /** The account may not use what was asked for (a calendar not shared with it). */
  | 'access_denied'
  /** The provider refused what we sent; sending it again gets the same answer. */
  | 'request_rejected'
  /** What we asked for is not there at the provider (any more). */
  | 'not_found'
  /** The recipient of a text has opted out of SMS. */
  | 'recipient_opted_out'
  /** The tenant has not connected the provider. */
  | 'not_configured'
  /** The stored credentials cannot be decrypted or read: an admin must enter them again. */
  | 'credentials_unreadable'
  /** Not a provider's failure: ours. The log has the details. */
  | 'internal_error';

export interface ProviderFailure {
  code: ProviderFailureCode;
  /** One Danish sentence, the same for every failure of this code and provider. */
  message: string;
}
