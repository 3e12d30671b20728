import { Injectable, Logger } from '@nestjs/common';

import { AuditService } from '../auth/audit.service.js';
import { LoginThrottleService } from '../auth/login-throttle.service.js';
import { PasswordService } from '../auth/password.service.js';
import { SessionService } from '../auth/session.service.js';
import { AppConfig } from '../core/config/app-config.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import { Clock } from '../core/time/clock.js';
import { EmailService } from '../email/email.service.js';
import { hashLinkToken, newLinkToken } from './link-token.js';
import { ExpiredLinkTokenError, InvalidLinkTokenError } from './people.errors.js';
import { PeopleRepository } from './people.repository.js';
import { passwordResetEmail } from './people-texts.js';

/** How long a reset link works. */
export const RESET_LINK_TTL_MS = 3600 * 1000;

/**
 * "Forgot password": a single-use link by e-mail, then a new password that ends every session. The
 * e-mail goes through the first tenant the person may log in to (the one a login lands in), as a
 * recorded OutboundEmail and its queued `email.send`, like every other e-mail.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger(PasswordResetService.name);

  constructor(
    private readonly repository: PeopleRepository,
    private readonly email: EmailService,
    private readonly outbox: OutboxService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts the request per e-mail and IP like logins (on counters of its own, so it cannot flood a
   * mailbox), then records a reset link and its e-mail when the e-mail belongs to an active account.
   * The recording runs after the answer: a known e-mail (a few writes) must not answer slower than an
   * unknown one (one read). Its failure is logged; the person simply asks again.
   */
  async requestLink(email: string, ip: string): Promise<void> {
    await this.throttle.reserve(email, ip, 'password-reset');
    this.recordLink(email, ip).catch((error: Error) =>
      this.logger.error({ message: 'Password reset link not recorded', error: error.message }),
    );
  }

  private async recordLink(email: string, ip: string): Promise<void> {
    const { token, hash } = newLinkToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + RESET_LINK_TTL_MS);
    const relay = await this.repository.authentication(async (tx) => {
      const account = await this.repository.accountForReset(tx, email);
      if (!account) return [];
      const { user, tenant } = account;
      if (!tenant) {
        // A superadmin without a membership: no tenant's mailbox to send from.
        this.logger.warn({
          message: 'Password reset asked for an account without a tenant',
          userId: user.id,
        });
        return [];
      }
      // Only the newest link works, however many requests arrive at once.
      await this.repository.lockUser(tx, user.id);
      await this.repository.endResetLinks(tx, user.id, now);
      const link = await this.repository.createResetLink(tx, { userId: user.id, tokenHash: hash, expiresAt });
      const mail = passwordResetEmail({
        name: user.name,
        email: user.email,
        companyName: tenant.name,
        link: `${this.config.http.publicBaseUrl}/reset-password#token=${token}`,
        expiresAt,
        timezone: tenant.timezone,
      });
      const ids = await this.email.enqueueWritten(tx, {
        tenantId: tenant.id,
        subjectType: 'password_reset',
        subjectId: link.id,
        type: 'password_reset',
        to: user.email,
        subject: mail.subject,
        body: mail.body,
      });
      await this.audit.record(
        { action: 'password_reset_request', tenantId: tenant.id, actorUserId: user.id, ip },
        tx,
      );
      return ids;
    });
    this.outbox.relay(relay);
  }

  /** Sets the password of the link's account and ends every session of it. */
  async reset(token: string, password: string, ip: string): Promise<void> {
    const tokenHash = hashLinkToken(token);
    // The token is checked before the (costly) hash, so unknown tokens cost nothing to refuse.
    const link = await this.repository.authentication((tx) =>
      this.repository.resetLinkByToken(tx, tokenHash),
    );
    if (!link || link.usedAt || !link.user.active || link.user.deletedAt) throw new InvalidLinkTokenError();
    if (link.expiresAt.getTime() <= this.clock.now().getTime()) throw new ExpiredLinkTokenError();
    const passwordHash = await this.passwords.hash(password);
    await this.repository.authentication(async (tx) => {
      const now = this.clock.now();
      if (!(await this.repository.claimResetLink(tx, link.id, now))) throw new InvalidLinkTokenError();
      await this.repository.setPassword(tx, link.userId, passwordHash, now);
      await this.repository.endResetLinks(tx, link.userId, now);
      await this.sessions.revokeAllForUser(tx, link.userId);
      await this.audit.record(
        { action: 'password_reset', actorUserId: link.userId, targetType: 'user', targetId: link.userId, ip },
        tx,
      );
    });
  }
}
