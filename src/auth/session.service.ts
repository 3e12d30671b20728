import { createHash, randomBytes, randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import type { Prisma } from '../generated/prisma/client.js';
import type { Role } from '../generated/prisma/enums.js';
import { AppConfig } from '../core/config/app-config.js';
import { AuditService } from './audit.service.js';
import { InvalidRefreshTokenError } from './auth.errors.js';
import { AuthRepository, type RefreshTokenRow } from './auth.repository.js';
import { PrincipalCache } from './principal-cache.js';

/** A second use of a rotated refresh token within this window is two tabs refreshing at once. */
export const REFRESH_REUSE_GRACE_MS = 10_000;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface AccessClaims {
  sub: string;
  tid: string;
  role: Role;
  sid: string;
  jti: string;
}

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Sessions: a short-lived JWT access token and an opaque refresh token, stored hashed and rotated on
 * every use. All refresh tokens of one login form a family; presenting a rotated token again outside
 * the grace window means it was stolen or replayed, and the whole family is revoked.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly repository: AuthRepository,
    private readonly audit: AuditService,
    private readonly principals: PrincipalCache,
  ) {}

  /** A new session (new family) for the user in the tenant. */
  start(
    tx: Prisma.TransactionClient,
    userId: string,
    tenantId: string,
    role: Role,
    client: ClientInfo,
  ): Promise<TokenPair> {
    return this.issue(tx, { userId, tenantId, role, familyId: randomUUID() }, client);
  }

  /**
   * Rotates a refresh token. Returns the token's row (for the caller to re-check the user) and a new
   * pair; throws InvalidRefreshTokenError for unknown, expired, revoked or replayed tokens.
   */
  async rotate(
    tx: Prisma.TransactionClient,
    refreshToken: string,
    resolveRole: (row: RefreshTokenRow) => Promise<Role>,
    client: ClientInfo,
  ): Promise<{ row: RefreshTokenRow; pair: TokenPair }> {
    const row = await this.repository.findRefreshToken(tx, hashToken(refreshToken));
    if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) throw new InvalidRefreshTokenError();

    const rotatedNow = await this.repository.markRotated(tx, row.id);
    if (!rotatedNow) {
      const current = await this.repository.rotatedAt(tx, row.id);
      const rotatedAt = current?.rotatedAt?.getTime() ?? 0;
      if (Date.now() - rotatedAt > REFRESH_REUSE_GRACE_MS) throw new RefreshReuseDetected(row);
    }
    const role = await resolveRole(row);
    const pair = await this.issue(
      tx,
      { userId: row.userId, tenantId: row.tenantId, role, familyId: row.familyId },
      client,
    );
    return { row, pair };
  }

  /** The family a refresh token belongs to, if it is the user's. */
  async familyOf(
    tx: Prisma.TransactionClient,
    refreshToken: string,
    userId: string,
  ): Promise<string | undefined> {
    const row = await this.repository.findRefreshToken(tx, hashToken(refreshToken));
    return row && row.userId === userId ? row.familyId : undefined;
  }

  // Each revocation below also forgets the remembered principals it ends (principal-cache.ts), so
  // the access tokens of those sessions stop working in this instance at once.

  async revokeFamily(tx: Prisma.TransactionClient, familyId: string): Promise<unknown> {
    const revoked = await this.repository.revokeFamily(tx, familyId);
    this.principals.forgetSession(familyId);
    return revoked;
  }

  /** A replayed token: the whole family ends, in a transaction of its own so the revocation stands. */
  async revokeReplayedFamily(row: RefreshTokenRow, client: ClientInfo): Promise<void> {
    await this.repository.run(async (tx) => {
      await this.repository.revokeFamily(tx, row.familyId);
      this.principals.forgetSession(row.familyId);
      await this.audit.record(
        {
          action: 'refresh_reuse',
          tenantId: row.tenantId,
          actorUserId: row.userId,
          targetType: 'session',
          targetId: row.familyId,
          ip: client.ip,
        },
        tx,
      );
    });
  }

  /**
   * Ends the user's sessions in one tenant (deactivated or removed there): their sessions in other
   * tenants are those tenants' business.
   */
  async revokeForUserInTenant(userId: string, tenantId: string): Promise<void> {
    await this.repository.run((client) => this.repository.revokeForUserInTenant(client, userId, tenantId));
    this.principals.forgetUser(userId);
  }

  /**
   * The user's role or standing changed without ending a session (a role change): their next request
   * reads it from the database in this instance; other instances see it within PRINCIPAL_TTL_MS.
   */
  principalChanged(userId: string): void {
    this.principals.forgetUser(userId);
  }

  /** Ends every session of a user but the caller's own (a password changed in PATCH /auth/me). */
  async revokeOtherSessions(tx: Prisma.TransactionClient, userId: string, sessionId: string): Promise<void> {
    await this.repository.revokeAllForUserExcept(tx, userId, sessionId);
    this.principals.forgetUser(userId);
  }

  /** Ends every session of a user (password change). */
  async revokeAllForUser(tx: Prisma.TransactionClient, userId: string): Promise<void> {
    await this.repository.revokeAllForUser(tx, userId);
    this.principals.forgetUser(userId);
  }

  private async issue(
    tx: Prisma.TransactionClient,
    session: { userId: string; tenantId: string; role: Role; familyId: string },
    client: ClientInfo,
  ): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.repository.createRefreshToken(tx, {
      tokenHash: hashToken(refreshToken),
      familyId: session.familyId,
      userId: session.userId,
      tenantId: session.tenantId,
      expiresAt: new Date(Date.now() + this.config.auth.refreshTokenTtlDays * 24 * 3600 * 1000),
      userAgent: client.userAgent?.slice(0, 512),
      ip: client.ip,
    });
    const claims: AccessClaims = {
      sub: session.userId,
      tid: session.tenantId,
      role: session.role,
      sid: session.familyId,
      jti: randomUUID(),
    };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: 'HS256',
      secret: this.config.auth.jwtSecret,
      issuer: this.config.auth.issuer,
      audience: this.config.auth.audience,
      expiresIn: this.config.auth.accessTokenTtlSeconds,
    });
    return { accessToken, refreshToken, expiresIn: this.config.auth.accessTokenTtlSeconds };
  }
}

/**
 * A rotated refresh token presented again after the grace window. The caller's transaction rolls back,
 * so the caller revokes the family afterwards (revokeReplayedFamily), outside it.
 */
export class RefreshReuseDetected extends Error {
  constructor(readonly row: RefreshTokenRow) {
    super('Refresh token replayed');
  }
}
