import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import type { Prisma } from '../generated/prisma/client.js';
import { DomainError, FieldError } from '../core/http/domain-error.js';
import type { Role } from '../generated/prisma/enums.js';
import { AuditService } from './audit.service.js';
import { InvalidCredentialsError, InvalidRefreshTokenError, NoTenantAccessError } from './auth.errors.js';
import { AuthRepository, type TenantAccess, type UserRow } from './auth.repository.js';
import type { MeDto, SessionDto, UpdateMeDto } from './dto/auth.dto.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { PasswordService } from './password.service.js';
import type { Principal } from './principal.js';
import { RefreshReuseDetected, SessionService, type ClientInfo, type TokenPair } from './session.service.js';

/** A checked operator login: whose, and a stamp that changes with their password. */
export interface OperatorGrant {
  userId: string;
  stamp: string;
}

/** A digest of the password hash: it changes with every new password, and the hash never leaves here. */
function operatorStamp(user: UserRow): string {
  return createHash('sha256').update(user.passwordHash).digest('hex');
}

/** What a superadmin acting in a tenant without a membership counts as. */
const SUPERADMIN_ROLE: Role = 'admin';

@Injectable()
export class AuthService {
  constructor(
    private readonly repository: AuthRepository,
    private readonly sessions: SessionService,
    private readonly passwords: PasswordService,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
  ) {}

  async login(email: string, password: string, client: ClientInfo & { ip: string }): Promise<SessionDto> {
    const attempt = await this.throttle.reserve(email, client.ip);
    const user = await this.repository.run((tx) => this.repository.findUserByEmail(tx, email));
    // Verify even for an unknown e-mail (against a dummy hash): the answer and its timing are the same.
    const valid = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !valid || !user.active) {
      await this.audit.record({
        action: 'login_failed',
        actorUserId: user?.id,
        ip: client.ip,
        userAgent: client.userAgent,
        metadata: { reason: !user ? 'unknown_email' : !valid ? 'wrong_password' : 'inactive' },
      });
      throw new InvalidCredentialsError();
    }
    await attempt.succeeded();

    return this.repository.run(async (tx) => {
      const tenants = await this.repository.tenantsOf(tx, user.id);
      const home = tenants[0] ?? (user.isSuperadmin ? await this.superadminTenant(tx) : undefined);
      // The same answer as a wrong password: a 403 here would confirm the password was right.
      if (!home) throw new InvalidCredentialsError();
      const pair = await this.sessions.start(tx, user.id, home.tenantId, home.role, client);
      await this.repository.touchLogin(tx, user.id);
      await this.audit.record(
        {
          action: 'login',
          tenantId: home.tenantId,
          actorUserId: user.id,
          ip: client.ip,
          userAgent: client.userAgent,
        },
        tx,
      );
      return this.session(user, home, tenants, pair);
    });
  }

  /**
   * For the operator pages a browser opens with HTTP Basic (Bull Board): whether these are an active
   * superadmin's e-mail and password. Throttled and audited like a login, so it is no password oracle.
   * The answer carries a stamp of the account's current password, so a caller that remembers the check
   * can ask `currentOperatorStamp` on later requests whether it still holds.
   */
  async verifySuperadmin(
    email: string,
    password: string,
    client: ClientInfo & { ip: string },
  ): Promise<OperatorGrant | null> {
    const attempt = await this.throttle.reserve(email, client.ip);
    const user = await this.repository.run((tx) => this.repository.findUserByEmail(tx, email));
    const valid = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !valid || !user.active || !user.isSuperadmin) {
      await this.audit.record({
        action: 'login_failed',
        actorUserId: user?.id,
        ip: client.ip,
        userAgent: client.userAgent,
        metadata: { reason: 'queue_board', superadmin: user?.isSuperadmin ?? false },
      });
      return null;
    }
    await attempt.succeeded();
    return { userId: user.id, stamp: operatorStamp(user) };
  }

  /**
   * The stamp `verifySuperadmin` gave, as it is now: null once the user is deactivated, deleted or no
   * longer a superadmin, and a different value once their password was changed or set by anyone. One
   * primary-key read in the database every instance shares, so a change made through any instance
   * ends a remembered check on all of them at once.
   */
  async currentOperatorStamp(userId: string): Promise<string | null> {
    const user = await this.repository.run((tx) => this.repository.findUserById(tx, userId));
    return user?.active && user.isSuperadmin ? operatorStamp(user) : null;
  }

  async refresh(refreshToken: string, client: ClientInfo): Promise<SessionDto> {
    try {
      return await this.repository.run(async (tx) => {
        let user: UserRow | null = null;
        let access: TenantAccess | undefined;
        let tenants: TenantAccess[] = [];
        const { pair } = await this.sessions.rotate(
          tx,
          refreshToken,
          async (row) => {
            user = await this.repository.findUserById(tx, row.userId);
            if (!user?.active) throw new InvalidRefreshTokenError();
            tenants = await this.repository.tenantsOf(tx, user.id);
            access = await this.accessTo(tx, user, tenants, row.tenantId);
            if (!access) throw new InvalidRefreshTokenError();
            return access.role;
          },
          client,
        );
        return this.session(user!, access!, tenants, pair);
      });
    } catch (error) {
      if (!(error instanceof RefreshReuseDetected)) throw error;
      await this.sessions.revokeReplayedFamily(error.row, client);
      throw new InvalidRefreshTokenError();
    }
  }

  async logout(principal: Principal, refreshToken: string | undefined, client: ClientInfo): Promise<void> {
    await this.repository.run(async (tx) => {
      const family = refreshToken
        ? await this.sessions.familyOf(tx, refreshToken, principal.userId)
        : undefined;
      await this.sessions.revokeFamily(tx, family ?? principal.sessionId);
      await this.audit.record(
        { action: 'logout', tenantId: principal.tenantId, actorUserId: principal.userId, ip: client.ip },
        tx,
      );
    });
  }

  async switchTenant(principal: Principal, tenantId: string, client: ClientInfo): Promise<SessionDto> {
    return this.repository.run(async (tx) => {
      const user = await this.repository.findUserById(tx, principal.userId);
      if (!user?.active) throw new InvalidCredentialsError();
      const tenants = await this.repository.tenantsOf(tx, user.id);
      const access = await this.accessTo(tx, user, tenants, tenantId);
      if (!access) throw new NoTenantAccessError();
      // The old session ends: a token pair acts for exactly one tenant.
      await this.sessions.revokeFamily(tx, principal.sessionId);
      const pair = await this.sessions.start(tx, user.id, access.tenantId, access.role, client);
      await this.audit.record(
        {
          action: 'tenant_switch',
          tenantId: access.tenantId,
          actorUserId: user.id,
          ip: client.ip,
          metadata: { from: principal.tenantId },
        },
        tx,
      );
      return this.session(user, access, tenants, pair);
    });
  }

  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    client: ClientInfo,
  ): Promise<SessionDto> {
    const user = await this.repository.run((tx) => this.repository.findUserById(tx, principal.userId));
    if (!user) throw new InvalidCredentialsError();
    // A stolen access token must not become unlimited password guessing (and then a takeover):
    // wrong current passwords count against the account like failed logins.
    const attempt = await this.throttle.reserve(user.email, client.ip ?? 'unknown');
    if (!(await this.passwords.verify(user.passwordHash, currentPassword))) {
      // 400, not 401: the session is fine, the field is wrong (a 401 makes clients log out).
      throw new DomainError('validation_failed', 'currentPassword is wrong', [
        { field: 'currentPassword', message: 'currentPassword is wrong' },
      ]);
    }
    await attempt.succeeded();
    const hash = await this.passwords.hash(newPassword);
    return this.repository.run(async (tx) => {
      await this.repository.updatePassword(tx, user.id, hash);
      // Every session of the user ends; this one continues with a fresh pair.
      await this.sessions.revokeAllForUser(tx, user.id);
      const tenants = await this.repository.tenantsOf(tx, user.id);
      const access = await this.accessTo(tx, user, tenants, principal.tenantId);
      if (!access) throw new NoTenantAccessError();
      const pair = await this.sessions.start(tx, user.id, access.tenantId, access.role, client);
      await this.audit.record(
        { action: 'password_change', tenantId: principal.tenantId, actorUserId: user.id, ip: client.ip },
        tx,
      );
      return this.session(user, access, tenants, pair);
    });
  }

  /**
   * The caller's own name and password. A new password needs the current one (counted like a login, as
   * in changePassword); every other session of the user ends, this one continues. The name is the
   * person's own, shared by every tenant they belong to: only they (or a superadmin) change it.
   */
  async updateMe(principal: Principal, dto: UpdateMeDto, client: ClientInfo): Promise<MeDto> {
    if (dto.newPassword !== undefined && dto.currentPassword === undefined)
      throw new FieldError('currentPassword', 'currentPassword is required to change the password');
    if (dto.currentPassword !== undefined && dto.newPassword === undefined)
      throw new FieldError('newPassword', 'newPassword is required with currentPassword');
    let passwordHash: string | undefined;
    if (dto.newPassword !== undefined) {
      const user = await this.repository.run((tx) => this.repository.findUserById(tx, principal.userId));
      if (!user) throw new InvalidCredentialsError();
      const attempt = await this.throttle.reserve(user.email, client.ip ?? 'unknown');
      if (!(await this.passwords.verify(user.passwordHash, dto.currentPassword!)))
        throw new FieldError('currentPassword', 'currentPassword is wrong');
      await attempt.succeeded();
      passwordHash = await this.passwords.hash(dto.newPassword);
    }
    await this.repository.run(async (tx) => {
      if (dto.name !== undefined) await this.repository.updateName(tx, principal.userId, dto.name);
      if (passwordHash === undefined) return;
      await this.repository.updatePassword(tx, principal.userId, passwordHash);
      await this.sessions.revokeOtherSessions(tx, principal.userId, principal.sessionId);
      await this.audit.record(
        {
          action: 'password_change',
          tenantId: principal.tenantId,
          actorUserId: principal.userId,
          ip: client.ip,
        },
        tx,
      );
    });
    return this.me(principal);
  }

  async me(principal: Principal): Promise<MeDto> {
    return this.repository.run(async (tx) => {
      const user = await this.repository.findUserById(tx, principal.userId);
      if (!user) throw new InvalidCredentialsError();
      const tenants = await this.repository.tenantsOf(tx, user.id);
      const access = await this.accessTo(tx, user, tenants, principal.tenantId);
      if (!access) throw new NoTenantAccessError();
      return {
        user: this.userDto(user),
        tenant: this.tenantDto(access),
        tenants: tenants.map((t) => this.tenantDto(t)),
      };
    });
  }

  /** The user's access to a tenant: a membership, or any active tenant for a superadmin. */
  private async accessTo(
    tx: Prisma.TransactionClient,
    user: UserRow,
    tenants: TenantAccess[],
    tenantId: string,
  ) {
    const membership = tenants.find((tenant) => tenant.tenantId === tenantId);
    if (membership) return membership;
    if (!user.isSuperadmin) return undefined;
    const tenant = await this.repository.findActiveTenant(tx, tenantId);
    return tenant
      ? { tenantId: tenant.id, name: tenant.name, slug: tenant.slug, role: SUPERADMIN_ROLE }
      : undefined;
  }

  private async superadminTenant(tx: Prisma.TransactionClient): Promise<TenantAccess | undefined> {
    const tenant = await this.repository.firstActiveTenant(tx);
    return tenant
      ? { tenantId: tenant.id, name: tenant.name, slug: tenant.slug, role: SUPERADMIN_ROLE }
      : undefined;
  }

  private session(user: UserRow, access: TenantAccess, tenants: TenantAccess[], pair: TokenPair): SessionDto {
    return {
      ...pair,
      user: this.userDto(user),
      tenant: this.tenantDto(access),
      tenants: tenants.map((t) => this.tenantDto(t)),
    };
  }

  private userDto(user: UserRow) {
    return { id: user.id, email: user.email, name: user.name, isSuperadmin: user.isSuperadmin };
  }

  private tenantDto(access: TenantAccess) {
    return { id: access.tenantId, name: access.name, slug: access.slug, role: access.role };
  }
}
