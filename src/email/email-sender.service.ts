import { Inject, Injectable, Logger } from '@nestjs/common';

import { UnrecoverableError } from 'bullmq';
import MailComposer from 'nodemailer/lib/mail-composer';

import { ActivitiesService } from '../activities/activities.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { RedisLockService } from '../core/redis/redis-lock.service.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import type { EmailTemplateType, OutboundEmail, Prisma } from '../generated/prisma/client.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { GMAIL_CLIENT, type GmailClient, type GmailMessageRef } from '../integrations/gmail/gmail.client.js';
import { isIntegrationError } from '../integrations/integration-error.js';
import { failureOf, giveUp, type FailureSummary } from '../integrations/provider-failure.js';
import { LeadsService } from '../leads/leads.service.js';
import type { EmailAttachment } from './email.service.js';

export type SendOutcome = 'sent' | 'already_sent' | 'gone';

/**
 * Told, in the transaction that marks it sent, that Gmail accepted an e-mail of this type: how the
 * feature that wrote it (an invoice) records the delivery at the moment it happened, without the
 * e-mail module knowing the feature.
 */
export type EmailSentListener = (
  tx: Prisma.TransactionClient,
  email: OutboundEmail,
  sentAt: Date,
) => Promise<void>;

/** The listeners by e-mail type; a feature registers its own when its module starts. */
@Injectable()
export class EmailSentListeners {
  private readonly byType = new Map<EmailTemplateType, EmailSentListener>();

  on(type: EmailTemplateType, listener: EmailSentListener): void {
    this.byType.set(type, listener);
  }

  async notify(tx: Prisma.TransactionClient, email: OutboundEmail, sentAt: Date): Promise<void> {
    await this.byType.get(email.type)?.(tx, email, sentAt);
  }
}

const NOT_CONNECTED: FailureSummary = {
  code: 'not_configured',
  message: 'Google er ikke forbundet: e-mailen kan ikke sendes.',
};

/** Outlasts a send: the look-up of an earlier try, composing and Gmail's answer. */
const SEND_LOCK_MS = 60_000;

/**
 * Sends one recorded OutboundEmail through the tenant's Gmail, at most once.
 *
 * Gmail has no idempotency key, so the e-mail carries a Message-ID made from its row id, and the
 * attempt is counted (committed) before the call. A later attempt first asks Gmail for a message with
 * that Message-ID (`rfc822msgid:`): when the earlier call went through but its answer, or the commit
 * after it, was lost, the e-mail is marked sent instead of being sent again.
 */
@Injectable()
export class EmailSender {
  private readonly logger = new Logger(EmailSender.name);

  constructor(
    private readonly db: TenantPrismaService,
    @Inject(GMAIL_CLIENT) private readonly gmail: GmailClient,
    private readonly credentials: CredentialsService,
    private readonly activities: ActivitiesService,
    private readonly leads: LeadsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly locks: RedisLockService,
    private readonly listeners: EmailSentListeners,
  ) {}

  /**
   * Two runs of one job can overlap (BullMQ hands a job back when its lock lapses while the first run
   * still works); both would read the e-mail as unsent. The lock lets one send; the other retries
   * later and finds it sent.
   */
  send(outboundEmailId: string): Promise<SendOutcome> {
    return this.locks.withLock(`email-send:${outboundEmailId}`, SEND_LOCK_MS, () =>
      this.sendOnce(outboundEmailId),
    );
  }

  private async sendOnce(outboundEmailId: string): Promise<SendOutcome> {
    // The tenant's name (the From line) comes with it: one read instead of two.
    const found = await this.db.client.outboundEmail.findUnique({
      where: { id: outboundEmailId },
      include: { tenant: { select: { name: true } } },
    });
    if (!found || found.status === 'failed') return 'gone';
    const { tenant, ...email } = found;
    if (email.status === 'sent') return 'already_sent';

    const address = await this.gmail.address();
    if (!address) {
      await this.fail(email, NOT_CONNECTED);
      throw new UnrecoverableError('Google is not configured for this tenant');
    }
    const messageId = `<renos-${email.id}@${domainOf(address)}>`;

    try {
      if (email.attempts > 0) {
        const earlier = await this.gmail.findByMessageId(messageId);
        if (earlier) {
          await this.markSent(email, earlier);
          return 'already_sent';
        }
      }
      await this.db.client.outboundEmail.update({
        where: { id: email.id },
        data: { attempts: { increment: 1 } },
      });
      const raw = await this.compose(email, { name: tenant.name, address }, messageId);
      const sent = await this.gmail.send(raw, email.replyThreadId ?? undefined);
      await this.markSent(email, sent);
      await this.credentials.recordSuccess('google');
      return 'sent';
    } catch (error) {
      if (!isIntegrationError(error, 'Gmail', 'Google')) throw error;
      if (error.kind === 'not_configured') {
        await this.fail(email, NOT_CONNECTED);
        throw giveUp(error);
      }
      // Gmail's own words go to the log with the job's failure; people see the summary of its kind.
      const failure = failureOf(error);
      if (error.kind === 'needs_attention') {
        await this.credentials.recordFailure('google', failure, { needsAttention: true });
        await this.fail(email, {
          code: failure.code,
          message: 'Gmail-adgangen er tilbagekaldt: e-mailen blev ikke sendt.',
        });
        throw giveUp(error, `Gmail access revoked: ${error.message}`);
      }
      if (error.kind === 'give_up') {
        await this.fail(email, {
          code: failure.code,
          message: 'Gmail afviste e-mailen: den blev ikke sendt.',
        });
        throw giveUp(error, `Gmail rejected the e-mail: ${error.message}`);
      }
      await this.credentials.recordFailure('google', failure);
      throw error;
    }
  }

  private compose(
    email: OutboundEmail,
    from: { name: string; address: string },
    messageId: string,
  ): Promise<Buffer> {
    const composer = new MailComposer({
      from,
      to: email.to,
      subject: email.subject,
      text: email.body,
      messageId,
      date: new Date(),
      attachments: attachmentsOf(email).map((file) => ({
        filename: file.filename,
        contentType: file.contentType,
        content: Buffer.from(file.contentBase64, 'base64'),
      })),
      ...(email.inReplyTo ? { inReplyTo: email.inReplyTo, references: email.inReplyTo } : {}),
    });
    return composer.compile().build();
  }

  private async markSent(email: OutboundEmail, sent: GmailMessageRef): Promise<void> {
    const now = new Date();
    await this.unitOfWork.run(async ({ tx, invalidatesCache }) => {
      // The lead's response time and status feed cached figures. Declared before the early return, as
      // the invalidation always followed this write, a repeated one (nothing updated) included.
      invalidatesCache();
      const updated = await tx.outboundEmail.updateMany({
        where: { id: email.id, status: 'pending' },
        data: {
          status: 'sent',
          sentAt: now,
          gmailMessageId: sent.id,
          gmailThreadId: sent.threadId,
          lastError: null,
        },
      });
      if (updated.count === 0) return;
      await this.activities.record(tx, {
        type: 'email',
        title: `E-mail sendt: ${email.subject}`,
        description: `Til ${email.to}`,
        status: 'success',
        leadId: email.leadId,
        bookingId: email.subjectType === 'booking' ? email.subjectId : null,
        invoiceId: email.subjectType === 'invoice' ? email.subjectId : null,
        metadata: { outboundEmailId: email.id, type: email.type, gmailMessageId: sent.id },
      });
      await this.listeners.notify(tx, email, now);
      if (email.type === 'lead_response' && email.leadId) {
        await this.leads.markResponseSent(tx, email.leadId, now);
        await this.leads.applySystemMove(tx, email.leadId, 'response_sent', null);
      }
    });
  }

  /** `failure`: our summary, never Gmail's own text (the job's failure line in the log has that). */
  private async fail(email: OutboundEmail, failure: FailureSummary): Promise<void> {
    await this.db.transaction(async (tx) => {
      const updated = await tx.outboundEmail.updateMany({
        where: { id: email.id, status: 'pending' },
        data: { status: 'failed', lastError: failure.message },
      });
      if (updated.count === 0) return;
      await this.activities.record(tx, {
        type: 'email',
        title: `E-mail ikke sendt: ${email.subject}`,
        description: failure.message,
        status: 'error',
        leadId: email.leadId,
        bookingId: email.subjectType === 'booking' ? email.subjectId : null,
        invoiceId: email.subjectType === 'invoice' ? email.subjectId : null,
        metadata: { outboundEmailId: email.id, type: email.type, failureCode: failure.code },
      });
    });
    this.logger.warn({ message: 'E-mail not sent', outboundEmailId: email.id, code: failure.code });
  }
}

/** The files stored with the e-mail (none for most). */
function attachmentsOf(email: OutboundEmail): EmailAttachment[] {
  return Array.isArray(email.attachments) ? (email.attachments as unknown as EmailAttachment[]) : [];
}

function domainOf(address: string): string {
  return address.split('@')[1] ?? 'renos.invalid';
}
