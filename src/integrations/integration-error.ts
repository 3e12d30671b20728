/**
 * The one error every vendor adapter raises (docs/architecture.md, Layers: outside services behind ports).
 * Its `kind` says what the caller should do, in the same words for every vendor; the vendor's own code and
 * HTTP status ride along as detail for the logs. Services and processors branch on `kind`, never on a
 * status code; integrations/provider-failure.ts turns it into what users see.
 */

/** The provider's name as users know it (the Danish summaries name it). */
export type ProviderName = 'Twilio' | 'Gmail' | 'Google' | 'Google Kalender' | 'Billy' | 'Gemini';

export type IntegrationErrorKind =
  /**
   * Passing trouble: no answer (network, timeout), a 5xx or an unusable answer, a rate limit or used-up
   * quota. A later attempt may succeed without anyone changing anything.
   */
  | 'retry'
  /** The vendor refused this request's content: retrying sends the same thing and gets the same answer. */
  | 'give_up'
  /** The credentials were refused or revoked, or the account lacks access: only an admin can fix it. */
  | 'needs_attention'
  /** What was asked for is not at the vendor (any more). */
  | 'not_found'
  /** What we tried to create exists already (an earlier attempt whose answer was lost). */
  | 'conflict'
  /** The recipient has unsubscribed (a text to a number that opted out). */
  | 'opted_out'
  /** The tenant has not connected the provider. */
  | 'not_configured';

/** How passing trouble reads for users. */
export type RetryTrouble = 'unreachable' | 'unavailable' | 'rate_limited';

export interface IntegrationErrorInit {
  provider: ProviderName;
  kind: IntegrationErrorKind;
  /** For logs only: may hold the vendor's words, never a secret. */
  message: string;
  /** The vendor's HTTP status; null when no answer came (or none applies). */
  httpStatus?: number | null;
  /** The vendor's own error code (Twilio's number, Billy's errorCode, Google's reason). */
  vendorCode?: string | number | null;
  /** `retry`: seconds the vendor asked us to wait. */
  retryAfterSeconds?: number | null;
  /** `retry`: how it reads for users; by default from `httpStatus` (none or 408: unreachable; 429 or 403: rate limited). */
  trouble?: RetryTrouble;
  /** `needs_attention`: the account may not use what was asked for (rather than its credentials being refused). */
  accessDenied?: boolean;
  /** `not_found`: the vendor says it existed and was deleted for good (410), rather than never there. */
  gone?: boolean;
}

export class IntegrationError extends Error {
  readonly provider: ProviderName;
  readonly kind: IntegrationErrorKind;
  readonly httpStatus: number | null;
  readonly vendorCode: string | number | null;
  readonly retryAfterSeconds: number | null;
  readonly trouble: RetryTrouble | null;
  readonly accessDenied: boolean;
  readonly gone: boolean;

  constructor(init: IntegrationErrorInit) {
    super(init.message);
    this.name = 'IntegrationError';
    this.provider = init.provider;
    this.kind = init.kind;
    this.httpStatus = init.httpStatus ?? null;
    this.vendorCode = init.vendorCode ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.trouble = init.kind === 'retry' ? (init.trouble ?? troubleOf(this.httpStatus)) : null;
    this.accessDenied = init.kind === 'needs_attention' && init.accessDenied === true;
    this.gone = init.kind === 'not_found' && init.gone === true;
  }

  /** Whether a later attempt may succeed without anyone changing anything. */
  get retryable(): boolean {
    return this.kind === 'retry';
  }
}

function troubleOf(status: number | null): RetryTrouble {
  if (status === null || status === 408) return 'unreachable';
  // Google answers rate and quota limits with 403 as well as 429.
  if (status === 429 || status === 403) return 'rate_limited';
  return 'unavailable';
}

/** Whether `error` is an IntegrationError (of one of `providers`, when given). */
export function isIntegrationError(error: unknown, ...providers: ProviderName[]): error is IntegrationError {
  return error instanceof IntegrationError && (providers.length === 0 || providers.includes(error.provider));
}
