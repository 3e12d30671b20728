import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

import { AuditService } from '../auth/audit.service.js';
import type { Actor } from '../auth/principal.js';
import { SessionService } from '../auth/session.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { paginated, type PaginationQueryDto } from '../core/http/pagination.js';
import { UserResponseDto, type CreateUserDto, type UpdateUserDto, type UserPageDto } from './dto/user.dto.js';
import { TenantsRepository, type Db, type Member } from './tenants.repository.js';
import {
  LastAdminError,
  SelfChangeError,
  SharedUserError,
  UserExistsError,
  UserNotFoundError,
} from './tenants.errors.js';

/**
 * The members of the caller's tenant. A user is always reached through their membership of the
 * tenant, so another tenant's user is a 404 like a missing one.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly repository: TenantsRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
  ) {}

  async list(query: PaginationQueryDto): Promise<UserPageDto> {
    const page = await this.repository.listMembers(this.tenantPrisma.tenantId, {
      skip: query.skip,
      take: query.pageSize,
    });
    return paginated(query, page, (member) => UserResponseDto.from(member));
  }

  /**
   * A member of this tenant: a new user, or — when the e-mail already has an account, which may belong
   * to other tenants — a membership for that account. Either way the answer is the same 201 with the
   * same body, so an admin cannot probe which e-mails have accounts elsewhere. The existing account
   * keeps its password and name (the given ones are dropped): an admin who could set either could take
   * over a person's access to every other tenant they belong to. Renaming them later is refused too
   * (SharedUserError), and removing them here only removes this membership. Only an e-mail that is
   * already a member of this very tenant is a 409: the admin sees those in the list anyway.
   */
  async create({ principal, ip }: Actor, dto: CreateUserDto): Promise<UserResponseDto> {
    const tenantId = this.tenantPrisma.tenantId;
    // Hashed for every request, before the transaction (so it holds no connection meanwhile): an
    // existing e-mail must not answer faster than a new one.
    const passwordHash = await argon2.hash(dto.password, { type: argon2.argon2id });
    const member = await this.tenantPrisma.transaction(async (tx) => {
      const existing = await this.repository.findUserByEmail(dto.email, tx);
      if (existing && (await this.repository.hasMembership(tenantId, existing.id, tx)))
        throw new UserExistsError();
      const created = existing
        ? await this.repository.addMembership(tenantId, existing, dto.role, tx)
        : await this.repository.createMember(
            tenantId,
            { email: dto.email, name: dto.name, passwordHash, role: dto.role },
            tx,
          );
      await this.audit.record(
        {
          action: 'user_create',
          tenantId,
          actorUserId: principal.userId,
          targetType: 'user',
          targetId: created.user.id,
          ip,
          metadata: { role: dto.role, existingAccount: existing !== null },
        },
        tx,
      );
      return created;
    });
    return UserResponseDto.from(member);
  }

  async update({ principal, ip }: Actor, userId: string, dto: UpdateUserDto): Promise<UserResponseDto> {
    const tenantId = this.tenantPrisma.tenantId;
    const { member, deactivated } = await this.tenantPrisma.transaction(async (tx) => {
      await this.repository.lockTenant(tenantId, tx);
      const current = await this.findMemberOrThrow(tenantId, userId, tx);
      const newRole = dto.role !== undefined && dto.role !== current.role ? dto.role : undefined;
      const deactivates = dto.active === false && current.active;
      const demotes = newRole !== undefined && current.role === 'admin';

      if (userId === principal.userId && demotes) throw new SelfChangeError('demote');
      if (userId === principal.userId && deactivates) throw new SelfChangeError('deactivate');
      if (demotes || deactivates) await this.assertNotLastAdmin(tenantId, current, tx);

      if (dto.name !== undefined && dto.name !== current.user.name) {
        // The name is the person's, shared by every tenant they belong to: only a tenant that has them
        // alone may change it.
        if ((await this.repository.countMemberships(userId)) > 1) throw new SharedUserError();
        await this.repository.updateMemberName(userId, dto.name, tx);
      }
      if (dto.active !== undefined && dto.active !== current.active) {
        await this.repository.setMemberActive(tenantId, userId, dto.active, tx);
      }
      if (newRole !== undefined) {
        await this.repository.updateMemberRole(tenantId, userId, newRole, tx);
        await this.audit.record(
          {
            action: 'role_change',
            tenantId,
            actorUserId: principal.userId,
            targetType: 'user',
            targetId: userId,
            ip,
            metadata: { from: current.role, to: newRole },
          },
          tx,
        );
      }
      if (deactivates) {
        await this.audit.record(
          {
            action: 'deactivate',
            tenantId,
            actorUserId: principal.userId,
            targetType: 'user',
            targetId: userId,
            ip,
          },
          tx,
        );
      }
      return { member: await this.findMemberOrThrow(tenantId, userId, tx), deactivated: deactivates };
    });
    // After the commit: a rolled-back deactivation must not end anyone's sessions. The guard refuses an
    // inactive user's access token on its own, so the short gap here exposes nothing.
    if (deactivated) await this.sessions.revokeForUserInTenant(userId, tenantId);
    // A new role or standing takes effect on the member's next request, not when a cached one expires.
    else if (dto.role !== undefined || dto.active !== undefined) this.sessions.principalChanged(userId);
    return UserResponseDto.from(member);
  }

  /** Removes the user from this tenant (the user row stays: they may belong to other tenants). */
  async remove({ principal, ip }: Actor, userId: string): Promise<void> {
    const tenantId = this.tenantPrisma.tenantId;
    await this.tenantPrisma.transaction(async (tx) => {
      await this.repository.lockTenant(tenantId, tx);
      const current = await this.findMemberOrThrow(tenantId, userId, tx);
      if (userId === principal.userId) throw new SelfChangeError('remove');
      if (current.role === 'admin') await this.assertNotLastAdmin(tenantId, current, tx);
      await this.repository.deleteMember(tenantId, userId, tx);
      await this.audit.record(
        {
          action: 'delete',
          tenantId,
          actorUserId: principal.userId,
          targetType: 'user',
          targetId: userId,
          ip,
          metadata: { role: current.role, email: current.user.email },
        },
        tx,
      );
    });
    await this.sessions.revokeForUserInTenant(userId, tenantId);
  }

  private async findMemberOrThrow(tenantId: string, userId: string, tx: Db): Promise<Member> {
    const member = await this.repository.findMember(tenantId, userId, tx);
    if (!member) throw new UserNotFoundError();
    return member;
  }

  /** Called with the tenant row locked, so the count cannot change before the transaction commits. */
  private async assertNotLastAdmin(tenantId: string, member: Member, tx: Db): Promise<void> {
    if (member.role !== 'admin' || !member.user.active) return;
    if ((await this.repository.countActiveAdmins(tenantId, tx)) <= 1) throw new LastAdminError();
  }
}
