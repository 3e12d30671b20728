import { Injectable } from '@nestjs/common';

import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import type { Membership, Prisma, Role, Team, Tenant, User } from '../generated/prisma/client.js';
import type { Page } from '../core/http/pagination.js';
import type { TemplateDefault } from './tenant-defaults.js';

/** A client to run a query on: a transaction's (tenant-scoped or the system path's) or the scoped client. */
export type Db = Prisma.TransactionClient;

export type Member = Membership & { user: User };

export interface NewMember {
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
}

export interface PageWindow {
  skip: number;
  take: number;
}

/**
 * The tenant module's only door to the database. Methods take the tenant first and name it in every
 * filter; the tenant-scoped client adds it again (and row-level security a third time), so a slip here
 * still finds nothing of another tenant. Users and tenants have no tenant column: users are reached
 * through a membership of the tenant, the tenant row by its own id.
 *
 * Each method takes an optional `db`: the transaction the service opened (tenant-scoped, or the system
 * path for tenant creation). Without it the query runs on the tenant-scoped client.
 */
@Injectable()
export class TenantsRepository {
  constructor(
    private readonly tenantPrisma: TenantPrismaService,
    private readonly system: SystemPrismaService,
  ) {}

  /** How many tenants the user belongs to: RLS hides the other tenants' memberships from the scoped path. */
  countMemberships(userId: string): Promise<number> {
    return this.system.transaction('user-administration', (tx) => tx.membership.count({ where: { userId } }));
  }

  private db(db?: Db): Db {
    // The scoped client has the same model API as a transaction client; only its extension differs.
    return db ?? (this.tenantPrisma.client as unknown as ScopedTransaction);
  }

  // Tenant ------------------------------------------------------------------------------------------

  findTenant(tenantId: string, db?: Db): Promise<Tenant | null> {
    return this.db(db).tenant.findUnique({ where: { id: tenantId } });
  }

  findTenantBySlug(slug: string, db?: Db): Promise<Tenant | null> {
    return this.db(db).tenant.findUnique({ where: { slug } });
  }

  updateTenant(tenantId: string, data: Prisma.TenantUpdateInput, db?: Db): Promise<Tenant> {
    return this.db(db).tenant.update({ where: { id: tenantId }, data });
  }

  createTenant(data: Prisma.TenantCreateInput, db: Db): Promise<Tenant> {
    return this.db(db).tenant.create({ data });
  }

  /**
   * Locks the tenant row until the transaction ends. Changes that could leave a tenant without an
   * active admin take it first, so two admins demoting each other at once are serialised and the
   * second sees the first's change.
   */
  async lockTenant(tenantId: string, db: Db): Promise<void> {
    await db.$queryRaw`SELECT id FROM tenants WHERE id = ${tenantId}::uuid FOR UPDATE`;
  }

  createEmailTemplates(
    tenantId: string,
    templates: readonly TemplateDefault[],
    db: Db,
  ): Promise<Prisma.BatchPayload> {
    return this.db(db).emailTemplate.createMany({
      data: templates.map((template) => ({ tenantId, ...template })),
    });
  }

  // Users and memberships ---------------------------------------------------------------------------

  /** Any user with this e-mail, in whichever tenant (e-mails are unique across tenants, citext). */
  findUserByEmail(email: string, db?: Db): Promise<User | null> {
    return this.db(db).user.findUnique({ where: { email } });
  }

  findMember(tenantId: string, userId: string, db?: Db): Promise<Member | null> {
    return this.db(db).membership.findUnique({
      where: { tenantId_userId: { tenantId, userId }, tenantId, user: { deletedAt: null } },
      include: { user: true },
    });
  }

  async listMembers(tenantId: string, window: PageWindow): Promise<Page<Member>> {
    const where: Prisma.MembershipWhereInput = { tenantId, user: { deletedAt: null } };
    const db = this.db();
    const [rows, total] = await Promise.all([
      db.membership.findMany({
        where,
        include: { user: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        skip: window.skip,
        take: window.take,
      }),
      db.membership.count({ where }),
    ]);
    return { rows, total };
  }

  /** The user row and their membership of this tenant, in the caller's transaction. */
  async createMember(tenantId: string, member: NewMember, db: Db): Promise<Member> {
    const user = await db.user.create({
      data: { email: member.email, name: member.name, passwordHash: member.passwordHash },
    });
    const membership = await db.membership.create({ data: { tenantId, userId: user.id, role: member.role } });
    return { ...membership, user };
  }

  /** Whether the user has a membership of this tenant at all (active or not, whatever the user row says). */
  async hasMembership(tenantId: string, userId: string, db: Db): Promise<boolean> {
    const membership = await db.membership.findUnique({
      where: { tenantId_userId: { tenantId, userId }, tenantId },
      select: { id: true },
    });
    return membership !== null;
  }

  /** A membership of this tenant for an existing user; the user row is left exactly as it is. */
  async addMembership(tenantId: string, user: User, role: Role, db: Db): Promise<Member> {
    const membership = await db.membership.create({ data: { tenantId, userId: user.id, role } });
    return { ...membership, user };
  }

  /** Only after findMember found the user in this tenant: users have no tenant column to scope by. */
  updateMemberName(userId: string, name: string, db: Db): Promise<User> {
    return db.user.update({ where: { id: userId }, data: { name } });
  }

  /** Deactivation is per tenant: the membership, never the user row other tenants share. */
  setMemberActive(tenantId: string, userId: string, active: boolean, db: Db): Promise<Membership> {
    return db.membership.update({
      where: { tenantId_userId: { tenantId, userId }, tenantId },
      data: { active },
    });
  }

  updateMemberRole(tenantId: string, userId: string, role: Role, db: Db): Promise<Membership> {
    return db.membership.update({
      where: { tenantId_userId: { tenantId, userId }, tenantId },
      data: { role },
    });
  }

  deleteMember(tenantId: string, userId: string, db: Db): Promise<Membership> {
    return db.membership.delete({ where: { tenantId_userId: { tenantId, userId }, tenantId } });
  }

  countActiveAdmins(tenantId: string, db: Db): Promise<number> {
    return db.membership.count({
      where: { tenantId, role: 'admin', active: true, user: { active: true, deletedAt: null } },
    });
  }

  // Teams -------------------------------------------------------------------------------------------

  async listTeams(tenantId: string, window: PageWindow): Promise<Page<Team>> {
    const db = this.db();
    const [rows, total] = await Promise.all([
      db.team.findMany({
        where: { tenantId },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        skip: window.skip,
        take: window.take,
      }),
      db.team.count({ where: { tenantId } }),
    ]);
    return { rows, total };
  }

  findTeam(tenantId: string, teamId: string, db?: Db): Promise<Team | null> {
    return this.db(db).team.findUnique({ where: { id_tenantId: { id: teamId, tenantId }, tenantId } });
  }

  /** Names are compared without case: "Hold 1" and "hold 1" would be the same crew to a person. */
  findTeamByName(tenantId: string, name: string, db?: Db): Promise<Team | null> {
    return this.db(db).team.findFirst({ where: { tenantId, name: { equals: name, mode: 'insensitive' } } });
  }

  createTeam(
    tenantId: string,
    data: { name: string; googleCalendarId?: string | null },
    db?: Db,
  ): Promise<Team> {
    return this.db(db).team.create({ data: { tenantId, ...data } });
  }

  updateTeam(
    tenantId: string,
    teamId: string,
    data: Pick<Prisma.TeamUpdateInput, 'name' | 'active' | 'googleCalendarId'>,
    db?: Db,
  ): Promise<Team> {
    return this.db(db).team.update({ where: { id_tenantId: { id: teamId, tenantId }, tenantId }, data });
  }
}
