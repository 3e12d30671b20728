import { Injectable } from '@nestjs/common';

import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** What an invitation's e-mail and its acceptance need of the tenant. */
const TENANT_SELECT = { id: true, name: true, timezone: true, active: true, deletedAt: true } as const;

/**
 * The people module's door to the database. Invitations are tenant rows: the admin's side reaches them
 * through the tenant-scoped transaction it is handed; the invitee's side (a public link, no tenant
 * yet) and everything about reset links and passwords goes through the named system path
 * ("authentication"), as logging in does.
 */
@Injectable()
export class PeopleRepository {
  constructor(private readonly system: SystemPrismaService) {}

  authentication<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.system.transaction('authentication', fn);
  }

  // Invitations (tenant-scoped tx: the tenant is added to every filter and row) ----------------------

  /** Any account with this e-mail and whether it is a member of the tenant already. */
  async accountOf(tx: Tx, tenantId: string, email: string) {
    const user = await tx.user.findUnique({ where: { email }, select: { id: true } });
    if (!user) return { exists: false, member: false };
    const membership = await tx.membership.findUnique({
      where: { tenantId_userId: { tenantId, userId: user.id }, tenantId },
      select: { id: true },
    });
    return { exists: true, member: membership !== null };
  }

  /** The tenant's invitation of this e-mail, replaced: the old row (and with it its token) is gone. */
  async replaceInvitation(
    tx: Tx,
    tenantId: string,
    data: {
      email: string;
      name: string | null;
      role: Prisma.InvitationCreateInput['role'];
      tokenHash: string;
      invitedById: string;
      expiresAt: Date;
    },
  ) {
    await tx.invitation.deleteMany({ where: { tenantId, email: data.email } });
    return tx.invitation.create({ data: { tenantId, ...data } });
  }

  /** Withdraws an invitation of the tenant (its link stops working); false when there is none. */
  async deleteInvitation(tx: Tx, tenantId: string, id: string): Promise<boolean> {
    const { count } = await tx.invitation.deleteMany({ where: { tenantId, id, acceptedAt: null } });
    return count === 1;
  }

  pendingInvitations(tx: Tx, tenantId: string, now: Date) {
    return tx.invitation.findMany({
      where: { tenantId, acceptedAt: null, expiresAt: { gt: now } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 500,
    });
  }

  tenant(tx: Tx, tenantId: string) {
    return tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: TENANT_SELECT });
  }

  userName(tx: Tx, userId: string) {
    return tx.user.findUnique({ where: { id: userId }, select: { name: true } });
  }

  // The invitee's side (system path) ----------------------------------------------------------------

  invitationByToken(tx: Tx, tokenHash: string) {
    return tx.invitation.findUnique({ where: { tokenHash }, include: { tenant: { select: TENANT_SELECT } } });
  }

  /** Compare-and-set: true for exactly one of several concurrent uses of the same invitation. */
  async claimInvitation(tx: Tx, id: string, tokenHash: string, now: Date): Promise<boolean> {
    const { count } = await tx.invitation.updateMany({
      where: { id, tokenHash, acceptedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now },
    });
    return count === 1;
  }

  userByEmail(tx: Tx, email: string) {
    return tx.user.findUnique({
      where: { email },
      select: { id: true, email: true, name: true, active: true, deletedAt: true },
    });
  }

  async ensureMembership(
    tx: Tx,
    tenantId: string,
    userId: string,
    role: Prisma.MembershipCreateInput['role'],
  ) {
    const existing = await tx.membership.findUnique({
      where: { tenantId_userId: { tenantId, userId } },
      select: { role: true },
    });
    if (existing) return { role: existing.role, added: false };
    await tx.membership.create({ data: { tenantId, userId, role } });
    return { role, added: true };
  }

  createUser(tx: Tx, data: { email: string; name: string; passwordHash: string }) {
    return tx.user.create({ data, select: { id: true, email: true } });
  }

  // Reset links (system path) -----------------------------------------------------------------------

  /**
   * An active account by e-mail, with the tenant its e-mail is sent from: the first it may log in to
   * (where a login lands) that has its own Google connection, else simply the first (which may send
   * with the environment's credentials).
   */
  async accountForReset(tx: Tx, email: string) {
    const user = await tx.user.findFirst({
      where: { email, deletedAt: null, active: true },
      select: { id: true, email: true, name: true },
    });
    if (!user) return null;
    const memberships = await tx.membership.findMany({
      where: { userId: user.id, active: true, tenant: { active: true, deletedAt: null } },
      orderBy: { createdAt: 'asc' },
      select: {
        tenant: {
          select: {
            ...TENANT_SELECT,
            integrationAccounts: {
              where: { provider: 'google', credentials: { not: null } },
              select: { id: true },
            },
          },
        },
      },
    });
    const home = memberships.find((m) => m.tenant.integrationAccounts.length > 0) ?? memberships[0];
    return { user, tenant: home?.tenant ?? null };
  }

  /** Serialises two requests for the same account, so the second ends the first one's link. */
  async lockUser(tx: Tx, userId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  }

  /** Ends every unused reset link of the user (a newer one was asked for, or one was used). */
  endResetLinks(tx: Tx, userId: string, now: Date) {
    return tx.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
  }

  createResetLink(tx: Tx, data: { userId: string; tokenHash: string; expiresAt: Date }) {
    return tx.passwordResetToken.create({ data, select: { id: true } });
  }

  resetLinkByToken(tx: Tx, tokenHash: string) {
    return tx.passwordResetToken.findUnique({
      where: { tokenHash },
      include: { user: { select: { id: true, active: true, deletedAt: true } } },
    });
  }

  async claimResetLink(tx: Tx, id: string, now: Date): Promise<boolean> {
    const { count } = await tx.passwordResetToken.updateMany({
      where: { id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    return count === 1;
  }

  setPassword(tx: Tx, userId: string, passwordHash: string, now: Date) {
    return tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: now } });
  }
}
