import { Injectable } from '@nestjs/common';

import { Clock } from '../core/time/clock.js';
import type { Principal } from './principal.js';

/**
 * How long a principal read from the database is trusted without reading it again: the documented
 * bound (docs/architecture.md, Authentication) on how long a change made elsewhere takes to end
 * access — in another API instance, or in this one through a path that does not tell this cache
 * (a tenant deactivated, a superadmin flag taken away, a role changed). Logout, a replayed refresh
 * token, a password change or reset, and a member deactivated or removed tell it (SessionService),
 * so in the instance that made the change they end access at once.
 */
export const PRINCIPAL_TTL_MS = 5_000;

/** At most this many sessions are remembered; past it the oldest go first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: Principal;
  at: number;
}

/**
 * The principals of recent access tokens, in the process (bench/README.md, "Auth"): without it every
 * authenticated request made a round trip to PostgreSQL (renos_principal) before anything else —
 * on a cached read, most of what the request waited for. Only a principal the database just allowed
 * is remembered; a refusal is read again every time.
 */
@Injectable()
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  get(userId: string, tenantId: string, sessionId: string): Principal | undefined {
    const key = keyOf(userId, tenantId, sessionId);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const age = this.clock.now().getTime() - entry.at;
    // A clock moved back (a test) counts as expired too: the age must be known to be small.
    if (age < 0 || age >= PRINCIPAL_TTL_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  remember(principal: Principal): void {
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    const key = keyOf(principal.userId, principal.tenantId, principal.sessionId);
    this.entries.delete(key);
    this.entries.set(key, { principal, at: this.clock.now().getTime() });
  }

  /** Every remembered principal of the user, in every tenant and session. */
  forgetUser(userId: string): void {
    for (const [key, entry] of this.entries) if (entry.principal.userId === userId) this.entries.delete(key);
  }

  /** The session (refresh-token family) ended. */
  forgetSession(sessionId: string): void {
    for (const [key, entry] of this.entries)
      if (entry.principal.sessionId === sessionId) this.entries.delete(key);
  }
}

const keyOf = (userId: string, tenantId: string, sessionId: string) => `${sessionId}:${tenantId}:${userId}`;
