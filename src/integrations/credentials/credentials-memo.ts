import { Injectable } from '@nestjs/common';

import { Clock } from '../../core/time/clock.js';
import type { IntegrationProvider, ResolvedCredentials } from './credentials.providers.js';

/**
 * How long credentials resolved from the database are used without reading them again. It bounds how
 * long a change made in another instance (credentials stored or removed through the API instance, a
 * Google account connected there) takes to reach this one's jobs; in the instance that made the
 * change it shows at once. A call the vendor refuses as unauthorised also forgets them here.
 */
export const CREDENTIALS_TTL_MS = 5_000;

/**
 * How often a vendor call that worked is written down (`lastSuccessAt`, clearing `needsAttention`)
 * per tenant and provider while nothing failed in between in this process. A failure written by
 * another instance is therefore cleared by this one's next success at most this long after.
 */
export const SUCCESS_MARK_INTERVAL_MS = 60_000;

/** Tenants × providers remembered at most; past it the oldest go first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  resolved: ResolvedCredentials<IntegrationProvider> | null;
  at: number;
}

/**
 * What the integration clients ask for on every vendor call, remembered in the process (bench/README.md,
 * "The intake"): each lead made six to seven credential reads (a transaction each) and two
 * `lastSuccessAt` upserts, and the upserts of one tenant all waited on the same two rows.
 * Holds decrypted credentials as the vendor clients themselves do; never logged, never serialised.
 */
@Injectable()
export class CredentialsMemo {
  private readonly resolved = new Map<string, Entry>();
  private readonly successes = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** The remembered answer (`null` = not configured), or `undefined` when it must be read. */
  get<P extends IntegrationProvider>(
    tenantId: string,
    provider: P,
  ): ResolvedCredentials<P> | null | undefined {
    const key = keyOf(tenantId, provider);
    const entry = this.resolved.get(key);
    if (!entry) return undefined;
    if (!this.fresh(entry.at, CREDENTIALS_TTL_MS)) {
      this.resolved.delete(key);
      return undefined;
    }
    return entry.resolved as ResolvedCredentials<P> | null;
  }

  remember(
    tenantId: string,
    provider: IntegrationProvider,
    resolved: ResolvedCredentials<IntegrationProvider> | null,
  ): void {
    bounded(this.resolved);
    const key = keyOf(tenantId, provider);
    this.resolved.delete(key);
    this.resolved.set(key, { resolved, at: this.clock.now().getTime() });
  }

  /** The credentials changed, were refused or failed: the next call reads them, and its success is written. */
  forget(tenantId: string, provider: IntegrationProvider): void {
    const key = keyOf(tenantId, provider);
    this.resolved.delete(key);
    this.successes.delete(key);
  }

  /** True when a success should be written now (and counts it as written). */
  claimSuccessMark(tenantId: string, provider: IntegrationProvider): boolean {
    const key = keyOf(tenantId, provider);
    const last = this.successes.get(key);
    if (last !== undefined && this.fresh(last, SUCCESS_MARK_INTERVAL_MS)) return false;
    bounded(this.successes);
    this.successes.set(key, this.clock.now().getTime());
    return true;
  }

  /** The success could not be written after all: the next one tries again. */
  releaseSuccessMark(tenantId: string, provider: IntegrationProvider): void {
    this.successes.delete(keyOf(tenantId, provider));
  }

  /** A clock moved back (a test) counts as expired: the age must be known to be small. */
  private fresh(at: number, ttl: number): boolean {
    const age = this.clock.now().getTime() - at;
    return age >= 0 && age < ttl;
  }
}

const keyOf = (tenantId: string, provider: IntegrationProvider) => `${tenantId}:${provider}`;

function bounded(map: Map<string, unknown>): void {
  if (map.size < MAX_ENTRIES) return;
  const oldest = map.keys().next();
  if (!oldest.done) map.delete(oldest.value);
}
