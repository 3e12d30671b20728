import { createSecretKey } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';

import { AppConfig } from '../core/config/app-config.js';
import { DomainError } from '../core/http/domain-error.js';
import { AuthRepository } from './auth.repository.js';
import type { Principal } from './principal.js';
import { PrincipalCache } from './principal-cache.js';
import type { AccessClaims } from './session.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies access tokens: HS256 only (an `alg: none` or RS256 token is refused before its signature is
 * looked at), our issuer and audience, an expiry that must be present and in the future. Then the
 * database decides: a deactivated user, a revoked session or a lost membership ends access within
 * PRINCIPAL_TTL_MS (principal-cache.ts; at once when it happened in this instance), not when the
 * token expires.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly repository: AuthRepository,
    private readonly principals: PrincipalCache,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the string: given a string, jsonwebtoken first tries it as a PEM public key
      // (createPublicKey throws) and then makes the secret key, on every request — a fifth of the CPU
      // of a cached read under load (npm run bench). passport-jwt hands it through unchanged.
      secretOrKey: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')) as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ignoreExpiration: false,
    });
  }

  async validate(claims: Partial<AccessClaims> & { exp?: unknown }): Promise<Principal> {
    const { sub, tid, sid } = claims;
    if (
      typeof claims.exp !== 'number' ||
      !sub ||
      !tid ||
      !sid ||
      ![sub, tid, sid].every((id) => UUID.test(id))
    ) {
      throw new DomainError('unauthorized', 'Invalid access token');
    }
    const known = this.principals.get(sub, tid, sid);
    if (known) return known;
    const row = await this.repository.principalNow(sub, tid, sid);
    if (!row?.active || !row.sessionLive || !row.tenantActive)
      throw new DomainError('unauthorized', 'Session ended');
    // A superadmin may act in a tenant without a membership, as its admin.
    const role = row.role ?? (row.isSuperadmin ? 'admin' : null);
    if (!role) throw new DomainError('unauthorized', 'No access to this tenant');
    const principal = { userId: sub, tenantId: tid, role, isSuperadmin: row.isSuperadmin, sessionId: sid };
    this.principals.remember(principal);
    return principal;
  }
}
