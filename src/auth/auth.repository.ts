import { Injectable } from '@nestjs/common';

import { Prisma } from '../generated/prisma/client.js';
import type { Role } from '../generated/prisma/enums.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  active: boolean;
  isSuperadmin: boolean;
}

export interface TenantAccess {
  tenantId: string;
  name: string;
  slug: string;
  role: Role;
}

export interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: string;
  tenantId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

export interface PrincipalRow {
  active: boolean;
  isSuperadmin: boolean;
  role: Role | null;
  tenantActive: boolean | null;
  sessionLive: boolean;
}

const USER_SELECT = {
  id: true,
  email: true,
  name: true,
  passwordHash: true,
  active: true,
  isSuperadmin: true,
} as const;

/**
 * Authentication runs before a tenant is known, so every query here goes through the named system
 * path (purpose "authentication"). Nothing else in the app reads users' hashes or refresh tokens.
 */
@Injectable()
export class AuthRepository {
  constructor(private readonly system: SystemPrismaService) {}

  run<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.system.transaction('authentication', fn);
  }

  findUserByEmail(tx: Prisma.TransactionClient, email: string): Promise<UserRow | null> {
    return tx.user.findFirst({ where: { email, deletedAt: null }, select: USER_SELECT });
  }

  findUserById(tx: Prisma.TransactionClient, id: string): Promise<UserRow | null> {
    return tx.user.findFirst({ where: { id, deletedAt: null }, select: USER_SELECT });
  }

  /** Tenants the user is a member of (a superadmin may act in any active tenant). */
  async tenantsOf(tx: Prisma.TransactionClient, userId: string): Promise<TenantAccess[]> {
    const memberships = await tx.membership.findMany({
      where: { userId, active: true, tenant: { active: true, deletedAt: null } },
      select: { role: true, tenant: { select: { id: true, name: true, slug: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return memberships.map(({ role, tenant }) => ({
      tenantId: tenant.id,
      name: tenant.name,
      slug: tenant.slug,
      role,
    }));
  }

  findActiveTenant(tx: Prisma.TransactionClient, tenantId: string) {
    return tx.tenant.findFirst({
      where: { id: tenantId, active: true, deletedAt: null },
      select: { id: true, name: true, slug: true },
    });
  }

  firstActiveTenant(tx: Prisma.TransactionClient) {
    return tx.tenant.findFirst({
      where: { active: true, deletedAt: null },
      orderBy: { createdAt: 'asc' },
      select: { id: true, name: true, slug: true },
    });
  }

  /**
   * Everything the guard needs to accept an access token, in one round trip: the SQL function
   * renos_principal (migration 20261130100100) takes the system path for its own duration only.
   */
  async principalNow(userId: string, tenantId: string, sessionId: string): Promise<PrincipalRow | null> {
    const rows = await this.system.statement<PrincipalRow>(
      'authentication',
      Prisma.sql`SELECT * FROM renos_principal(${userId}::uuid, ${tenantId}::uuid, ${sessionId}::uuid)`,
    );
    return rows[0] ?? null;
  }

  updatePassword(tx: Prisma.TransactionClient, userId: string, passwordHash: string): Promise<unknown> {
    return tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: new Date() } });
  }

  touchLogin(tx: Prisma.TransactionClient, userId: string): Promise<unknown> {
    return tx.user.update({ where: { id: userId }, data: { lastLoginAt: new Date() } });
  }

  createRefreshToken(
    tx: Prisma.TransactionClient,
    data: {
      tokenHash: string;
      familyId: string;
      userId: string;
      tenantId: string;
      expiresAt: Date;
      userAgent?: string;
      ip?: string;
    },
  ): Promise<unknown> {
    return tx.refreshToken.create({ data });
  }

  findRefreshToken(tx: Prisma.TransactionClient, tokenHash: string): Promise<RefreshTokenRow | null> {
    return tx.refreshToken.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        familyId: true,
        userId: true,
        tenantId: true,
        expiresAt: true,
        rotatedAt: true,
        revokedAt: true,
      },
    });
  }

  /** Compare-and-set: true for exactly one of several concurrent rotations of the same token. */
  async markRotated(tx: Prisma.TransactionClient, id: string): Promise<boolean> {
    const { count } = await tx.refreshToken.updateMany({
      where: { id, rotatedAt: null },
      data: { rotatedAt: new Date() },
    });
    return count === 1;
  }

  rotatedAt(tx: Prisma.TransactionClient, id: string) {
    return tx.refreshToken.findUnique({ where: { id }, select: { rotatedAt: true } });
  }

  revokeFamily(tx: Prisma.TransactionClient, familyId: string): Promise<unknown> {
    return tx.refreshToken.updateMany({
      where: { familyId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }

  revokeForUserInTenant(tx: Prisma.TransactionClient, userId: string, tenantId: string): Promise<unknown> {
    return tx.refreshToken.updateMany({
      where: { userId, tenantId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }

  /** Every session of the user but one (the caller's own, by its family). */
  revokeAllForUserExcept(tx: Prisma.TransactionClient, userId: string, familyId: string): Promise<unknown> {
    return tx.refreshToken.updateMany({
      where: { userId, revokedAt: null, familyId: { not: familyId } },
      data: { revokedAt: new Date() },
    });
  }

  updateName(tx: Prisma.TransactionClient, userId: string, name: string): Promise<unknown> {
    return tx.user.update({ where: { id: userId }, data: { name } });
  }

  revokeAllForUser(tx: Prisma.TransactionClient, userId: string): Promise<unknown> {
    return tx.refreshToken.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }
}
