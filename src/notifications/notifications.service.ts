import { Injectable, Logger } from '@nestjs/common';

import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { paginated } from '../core/http/pagination.js';
import { Clock } from '../core/time/clock.js';
import { UnitOfWork, type Work } from '../core/unit-of-work/unit-of-work.js';
import { EmailService } from '../email/email.service.js';
import type { IntegrationProvider } from '../generated/prisma/enums.js';
import type { ProviderFailureCode } from '../integrations/credentials/provider-failure-code.js';
import { providerFailure, type ProviderName } from '../integrations/provider-failure.js';
import {
  NotificationDto,
  type NotificationPageDto,
  type NotificationQueryDto,
} from './dto/notification.dto.js';
import {
  integrationTitle,
  invoiceNotDeliveredTitle,
  leadAttentionTitle,
  notificationEmail,
  offerUnansweredTitle,
  seriesVisitMovedTitle,
  smsFailedTitle,
  unreadableReplyTitle,
  who,
  type LeadAttentionCause,
} from './notification-texts.js';
import { NotificationNotFoundError } from './notifications.errors.js';
import { NotificationsRepository, type NotificationInput } from './notifications.repository.js';

export type { LeadAttentionCause } from './notification-texts.js';

/** The lead a notification is about, as the caller has it. */
export interface AboutLead {
  id: string;
  customerName: string;
  customerPhone: string | null;
}

const PROVIDER_NAMES: Record<IntegrationProvider, ProviderName> = {
  google: 'Google',
  twilio: 'Twilio',
  billy: 'Billy',
  gemini: 'Gemini',
};

/**
 * Staff notifications (docs/architecture.md, Notifications): what waits for a person lands in the feed
 * (`GET /notifications`) and, when the tenant has a notification address, in one e-mail there. Each is
 * created in the transaction of the change that caused it, once: the dedup key names the cause (the
 * MessageSid, the text, the lead), so a redelivered webhook or a retried job creates nothing new.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly repository: NotificationsRepository,
    private readonly db: TenantPrismaService,
    private readonly email: EmailService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  // The feed --------------------------------------------------------------------------------------

  async list(query: NotificationQueryDto): Promise<NotificationPageDto> {
    const page = await this.repository.page(
      this.db.tenantId,
      { unread: query.unread },
      query.skip,
      query.pageSize,
    );
    return paginated(query, page, NotificationDto.from);
  }

  /** Read once, read for good: a second call answers the same, with the first time it was read. */
  async markRead(id: string): Promise<NotificationDto> {
    const row = await this.repository.markRead(this.db.tenantId, id, this.clock.now());
    if (!row) throw new NotificationNotFoundError();
    return NotificationDto.from(row);
  }

  // What other features call, in their unit of work --------------------------------------------------

  /** A customer's SMS the reply grammar cannot read ("kan I komme torsdag i stedet?"). */
  unreadableReply(
    work: Work,
    input: { messageSid: string; body: string; phone: string; lead: AboutLead | null },
  ): Promise<boolean> {
    return this.notify(work, {
      kind: 'sms_reply_unreadable',
      title: unreadableReplyTitle(input.body),
      dedupKey: `sms-reply:${input.messageSid}`,
      leadId: input.lead?.id ?? null,
      details: [`Fra: ${who(input.lead?.customerName, input.phone)}`, `SMS: »${input.body.trim()}«`],
    });
  }

  /** A lead waits for a person; `cause` decides the title, `key` what makes it the same one again. */
  leadNeedsPerson(
    work: Work,
    input: { lead: AboutLead; cause: LeadAttentionCause; key: string; reason?: string },
  ): Promise<boolean> {
    return this.notify(work, {
      kind: 'lead_needs_attention',
      title: leadAttentionTitle(input.cause, input.lead.customerName),
      dedupKey: `lead-attention:${input.cause}:${input.key}`,
      leadId: input.lead.id,
      details: [
        `Kunde: ${who(input.lead.customerName, input.lead.customerPhone)}`,
        ...(input.reason ? [`Årsag: ${input.reason}`] : []),
      ],
    });
  }

  /** A text that will not be sent or delivered: failed for good. */
  smsFailed(
    work: Work,
    input: {
      smsMessageId: string;
      phone: string;
      reason: string;
      lead: AboutLead | null;
      bookingId?: string | null;
    },
  ): Promise<boolean> {
    return this.notify(work, {
      kind: 'sms_failed',
      title: smsFailedTitle(who(input.lead?.customerName, input.phone), input.reason),
      dedupKey: `sms-failed:${input.smsMessageId}`,
      leadId: input.lead?.id ?? null,
      bookingId: input.bookingId ?? null,
      details: [],
    });
  }

  /** An SMS offer lapsed unanswered: the lead is to be called. */
  offerUnanswered(work: Work, input: { smsMessageId: string; lead: AboutLead }): Promise<boolean> {
    return this.notify(work, {
      kind: 'offer_unanswered',
      title: offerUnansweredTitle(input.lead.customerName),
      dedupKey: `offer-unanswered:${input.smsMessageId}`,
      leadId: input.lead.id,
      details: [
        `Kunde: ${who(input.lead.customerName, input.lead.customerPhone)}`,
        'Kunden har ikke svaret på de tilbudte tider, og de er nu udløbet.',
      ],
    });
  }

  /**
   * The customer confirmed, cancelled or moved a booking themselves (booking link, AFLYS/FLYT by SMS):
   * staff learn of it as it happens. `key` names the change (booking, what, revision), so a repeated
   * request tells nobody twice.
   */
  customerChangedBooking(
    work: Work,
    input: { bookingId: string; lead: AboutLead; title: string; key: string; details: string[] },
  ): Promise<boolean> {
    return this.notify(work, {
      kind: 'customer_changed_booking',
      title: input.title,
      dedupKey: `customer-change:${input.key}`,
      leadId: input.lead.id,
      bookingId: input.bookingId,
      details: [`Kunde: ${who(input.lead.customerName, input.lead.customerPhone)}`, ...input.details],
    });
  }

  /**
   * An invoice that will not reach the customer as things stand (Billy refused to e-mail it, or there
   * is no address to send it to): the money waits until a person fixes the customer and sends again.
   * Once per delivery of the invoice, however often its job runs.
   */
  invoiceNotDelivered(
    work: Work,
    input: {
      invoice: { id: string; number: string | null; reference: string; customerName: string };
      delivery: number;
      reason: string;
      action: string;
    },
  ): Promise<boolean> {
    const { invoice } = input;
    return this.notify(work, {
      kind: 'invoice_not_delivered',
      title: invoiceNotDeliveredTitle(invoice.number ?? invoice.reference, invoice.customerName, input.reason),
      dedupKey: `invoice-not-delivered:${invoice.id}:${input.delivery}`,
      invoiceId: invoice.id,
      details: [input.action],
    });
  }

  /**
   * A visit of a recurring series could not be on its date (a holiday, a closed day, the team busy) and
   * was moved or skipped by the tenant's rule: staff should know before the customer calls.
   */
  seriesVisitMoved(
    work: Work,
    input: { bookingId: string; lead: AboutLead; from: string; to: string | null; reason: string },
  ): Promise<boolean> {
    return this.notify(work, {
      kind: 'series_visit_moved',
      title: seriesVisitMovedTitle(input.lead.customerName, input.to !== null),
      dedupKey: `series-visit:${input.bookingId}`,
      leadId: input.lead.id,
      bookingId: input.bookingId,
      details: [
        `Kunde: ${who(input.lead.customerName, input.lead.customerPhone)}`,
        `Planlagt: ${input.from}`,
        input.to ? `Flyttet til: ${input.to}` : 'Besøget er sprunget over.',
        `Årsag: ${input.reason}`,
        'Kunden har fået besked på SMS og e-mail.',
      ],
    });
  }

  /**
   * The `notifications.integration-attention` job: an integration's flag went up at `since`. Nothing
   * when an admin has fixed it meanwhile (the flag is down again).
   */
  async integrationNeedsAttention(provider: IntegrationProvider, since: string): Promise<boolean> {
    const state = await this.repository.integrationState(this.db.tenantId, provider);
    if (!state?.needsAttention) return false;
    const name = PROVIDER_NAMES[provider];
    const code = (state.lastErrorCode ?? 'credentials_rejected') as ProviderFailureCode;
    const summary = providerFailure(name, code).message;
    return this.unitOfWork.run((work) =>
      this.notify(work, {
        kind: 'integration_needs_attention',
        title: integrationTitle(name, summary),
        dedupKey: `integration:${provider}:${since}`,
        details: ['Indtil det er rettet, venter det arbejde, der bruger integrationen.'],
      }),
    );
  }

  /** Creates the notification and its e-mail, once per dedup key; true when it was new. */
  private async notify(work: Work, input: NotificationInput & { details: string[] }): Promise<boolean> {
    const { details, ...row } = input;
    const created = await this.repository.create(work.tx, work.tenantId, row);
    if (!created) return false;
    const tenant = await this.repository.tenantContact(work.tx, work.tenantId);
    if (tenant.notificationEmail) {
      const mail = notificationEmail({ title: created.title, details, companyName: tenant.name });
      work.relayAfterCommit(
        await this.email.enqueueWritten(work.tx, {
          tenantId: work.tenantId,
          subjectType: 'notification',
          subjectId: created.id,
          type: 'staff_notification',
          to: tenant.notificationEmail,
          subject: mail.subject,
          body: mail.body,
        }),
      );
    }
    this.logger.log({ message: 'Notification created', kind: created.kind, notificationId: created.id });
    return true;
  }
}
