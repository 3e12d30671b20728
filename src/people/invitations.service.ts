import { Injectable } from '@nestjs/common';

import { AuditService } from '../auth/audit.service.js';
import { PasswordService } from '../auth/password.service.js';
import type { Actor } from '../auth/principal.js';
import { AppConfig } from '../core/config/app-config.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import { Clock } from '../core/time/clock.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { EmailService } from '../email/email.service.js';
import type { Invitation } from '../generated/prisma/client.js';
import { UserExistsError } from '../tenants/tenants.errors.js';
import type {
  AcceptedInvitationDto,
  AcceptInvitationDto,
  CreateInvitationDto,
  InvitationDto,
  InvitationListDto,
} from './dto/people.dto.js';
import { hashLinkToken, newLinkToken } from './link-token.js';
import {
  ExpiredLinkTokenError,
  InvalidLinkTokenError,
  InvitationNotFoundError,
  MissingAccountFieldError,
} from './people.errors.js';
import { PeopleRepository } from './people.repository.js';
import { invitationEmail } from './people-texts.js';

/** How long an invitation link works. */
export const INVITATION_TTL_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

function invitationDto(row: Invitation): InvitationDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Invitations to a tenant. The admin names an e-mail and a role; the invitee gets a single-use link by
 * e-mail (through the tenant's Gmail, as a queued `email.send` of a recorded OutboundEmail, like every
 * e-mail the tenant sends). Accepting it creates the account, or — when the e-mail already has one,
 * in whichever tenant — adds this tenant to it with the invited role, its password and name untouched.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly repository: PeopleRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly email: EmailService,
    private readonly outbox: OutboxService,
    private readonly passwords: PasswordService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Records the invitation (replacing an earlier one of the e-mail, whose link then stops working) and
   * its e-mail. Only an e-mail that is already a member here is refused (409), as in POST /users: the
   * admin sees the members anyway, and an account elsewhere is never revealed.
   */
  async create({ principal, ip }: Actor, dto: CreateInvitationDto): Promise<InvitationDto> {
    const { token, hash } = newLinkToken();
    const expiresAt = new Date(this.clock.now().getTime() + INVITATION_TTL_DAYS * DAY_MS);
    return this.unitOfWork.run(async (work) => {
      const { tx, tenantId } = work;
      if ((await this.repository.accountOf(tx, tenantId, dto.email)).member) throw new UserExistsError();
      const invitation = await this.repository.replaceInvitation(tx, tenantId, {
        email: dto.email,
        name: dto.name ?? null,
        role: dto.role,
        tokenHash: hash,
        invitedById: principal.userId,
        expiresAt,
      });
      const tenant = await this.repository.tenant(tx, tenantId);
      const inviter = await this.repository.userName(tx, principal.userId);
      const mail = invitationEmail({
        inviteeName: invitation.name,
        inviterName: inviter?.name ?? tenant.name,
        companyName: tenant.name,
        role: invitation.role,
        link: `${this.config.http.publicBaseUrl}/invitation#token=${token}`,
        expiresAt,
        timezone: tenant.timezone,
      });
      // The job carries the e-mail's id; the link is in its recorded body, where every e-mail's text is.
      work.relayAfterCommit(
        await this.email.enqueueWritten(tx, {
          tenantId,
          subjectType: 'invitation',
          subjectId: invitation.id,
          type: 'user_invitation',
          to: invitation.email,
          subject: mail.subject,
          body: mail.body,
        }),
      );
      await this.audit.record(
        {
          action: 'invitation_create',
          tenantId,
          actorUserId: principal.userId,
          targetType: 'invitation',
          targetId: invitation.id,
          ip,
          metadata: { role: invitation.role },
        },
        tx,
      );
      return invitationDto(invitation);
    });
  }

  /** Withdraws a pending invitation: its link stops working at once. */
  async withdraw({ principal, ip }: Actor, id: string): Promise<void> {
    await this.unitOfWork.run(async ({ tx, tenantId }) => {
      if (!(await this.repository.deleteInvitation(tx, tenantId, id))) throw new InvitationNotFoundError();
      await this.audit.record(
        {
          action: 'invitation_withdraw',
          tenantId,
          actorUserId: principal.userId,
          targetType: 'invitation',
          targetId: id,
          ip,
        },
        tx,
      );
    });
  }

  /** Invitations not yet accepted whose link still works. */
  async listPending(): Promise<InvitationListDto> {
    const rows = await this.unitOfWork.run(({ tx, tenantId }) =>
      this.repository.pendingInvitations(tx, tenantId, this.clock.now()),
    );
    return { data: rows.map(invitationDto) };
  }

  /**
   * The invitee's answer to the link. Unknown, used and replaced tokens get one answer; an expired one
   * says so. The invitation is spent only when the transaction commits: a missing password for a new
   * account leaves the link usable.
   */
  async accept(dto: AcceptInvitationDto, ip: string): Promise<AcceptedInvitationDto> {
    const tokenHash = hashLinkToken(dto.token);
    const found = await this.repository.authentication(async (tx) => {
      const invitation = await this.repository.invitationByToken(tx, tokenHash);
      if (!invitation || invitation.acceptedAt) throw new InvalidLinkTokenError();
      if (!invitation.tenant.active || invitation.tenant.deletedAt) throw new InvalidLinkTokenError();
      if (invitation.expiresAt.getTime() <= this.clock.now().getTime()) throw new ExpiredLinkTokenError();
      const user = await this.repository.userByEmail(tx, invitation.email);
      return { invitation, user };
    });
    const { invitation } = found;
    let passwordHash: string | undefined;
    if (!found.user) {
      if (dto.password === undefined) throw new MissingAccountFieldError('password');
      if ((dto.name ?? invitation.name) == null) throw new MissingAccountFieldError('name');
      // Hashed outside the transaction, so it holds no connection meanwhile.
      passwordHash = await this.passwords.hash(dto.password);
    }

    return this.repository.authentication(async (tx) => {
      const now = this.clock.now();
      if (!(await this.repository.claimInvitation(tx, invitation.id, tokenHash, now)))
        throw new InvalidLinkTokenError();
      const existing = await this.repository.userByEmail(tx, invitation.email);
      // An account deleted (or created) between the two looks: the link stays unspent, try again.
      if (existing?.deletedAt || (existing === null) !== (passwordHash !== undefined))
        throw new InvalidLinkTokenError();
      const user =
        existing ??
        (await this.repository.createUser(tx, {
          email: invitation.email,
          name: (dto.name ?? invitation.name)!,
          passwordHash: passwordHash!,
        }));
      // Already a member (added through POST /users meanwhile): the link is spent, the role stays.
      const membership = await this.repository.ensureMembership(
        tx,
        invitation.tenantId,
        user.id,
        invitation.role,
      );
      await this.audit.record(
        {
          action: 'invitation_accept',
          tenantId: invitation.tenantId,
          actorUserId: user.id,
          targetType: 'invitation',
          targetId: invitation.id,
          ip,
          metadata: { role: membership.role, newAccount: existing === null, joined: membership.added },
        },
        tx,
      );
      return {
        userId: user.id,
        email: user.email,
        tenantId: invitation.tenantId,
        tenantName: invitation.tenant.name,
        role: membership.role,
        newAccount: existing === null,
      };
    });
  }
}
