import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';

import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { UNKNOWN_CUSTOMER_NAME } from '../core/format/danish.js';
import { Clock } from '../core/time/clock.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { EmailService } from '../email/email.service.js';
import type { Lead, Prisma } from '../generated/prisma/client.js';
import type { LeadSource } from '../generated/prisma/enums.js';
import { LeadsService } from '../leads/leads.service.js';
import { quietHoursEndAfter, startOfTenantDay } from '../sms/text/quiet-hours.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { TenantProfileService, type TenantProfile } from '../tenants/tenant-profile.service.js';
import type { OwnContacts } from './extraction/contacts.js';
import type { LeadExtraction } from './extraction/lead-fields.js';
import { needsAttention, type AttentionVerdict } from './extraction/validate.js';
import { LeadExtractor } from './lead-extractor.service.js';
import { leadReplyVariables, type ReplyPlan } from './lead-reply.js';
import type { LeadEmail } from './parsers/label-parser.js';
import { GmailRepository, isUniqueViolation } from './gmail.repository.js';

/** Where a mail came from, for dedup and for answering in its thread. */
export interface MailOrigin {
  /** The Gmail message id; null for pasted text. */
  sourceMessageId: string | null;
  threadId: string | null;
  /** The mail's Message-ID header, for In-Reply-To. */
  rfcMessageId: string | null;
  /** The From address (lower case). */
  senderEmail: string | null;
  /** Overrides the source the extraction detected (pasted text). */
  source?: LeadSource;
}

export interface IntakeResult {
  lead: Lead;
  created: boolean;
  /** The customer's open lead this one joined; it carries the reply and the offer, so none went out. */
  conversationLeadId: string | null;
  extraction: LeadExtraction;
  attention: AttentionVerdict;
  replyQueued: boolean;
  smsOfferQueued: boolean;
}

/**
 * From a lead mail to a lead (docs/architecture.md, steps 1, 2 and 5): extraction, then one transaction
 * with the customer, the lead, its activity, the reply e-mail and — when the extraction is confident —
 * the SMS offer. The Gmail import and `POST /leads/intake` share it, so pasted text and mail behave
 * the same. A second import of one Gmail message stops at the unique sourceMessageId. A lead of a
 * customer who already has an open lead joins it (LeadCreation): no second reply and no second offer.
 */
@Injectable()
export class LeadIntakePipeline {
  private readonly logger = new Logger(LeadIntakePipeline.name);

  constructor(
    private readonly db: TenantPrismaService,
    private readonly extractor: LeadExtractor,
    private readonly leads: LeadsService,
    private readonly email: EmailService,
    private readonly unitOfWork: UnitOfWork,
    private readonly profiles: TenantProfileService,
    private readonly repository: GmailRepository,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
  ) {}

  /** The extraction alone, as the lead would get it: `POST /ai/extract`. Creates nothing. */
  async preview(
    mail: LeadEmail,
    known?: TenantProfile,
  ): Promise<{ extraction: LeadExtraction; attention: AttentionVerdict }> {
    const profile = known ?? (await this.profiles.current());
    const extraction = await this.extractor.extract(mail, {
      rules: profile.extractionRules,
      own: await this.ownContacts(),
    });
    return { extraction, attention: needsAttention(extraction, profile.extractionRules.minimumConfidence) };
  }

  async createFromMail(mail: LeadEmail, origin: MailOrigin): Promise<IntakeResult> {
    const tenantId = this.db.tenantId;
    // The same message again is the lead it made, before anything else: above all before it could
    // join that lead's conversation as a second source of itself. The unique sourceMessageId still
    // decides for two imports running at once (the catch below).
    if (origin.sourceMessageId) {
      const existing = await this.repository.findLeadByMessage(origin.sourceMessageId);
      if (existing) return this.alreadyImported(existing.id);
    }
    const profile = await this.profiles.current();
    const { extraction, attention } = await this.preview(mail, profile);
    const email = extraction.customerEmail?.value ?? null;
    const reason = attention.needsAttention ? attention.reason : null;
    const phone = extraction.customerPhone?.value ?? null;
    const hours = extraction.estimatedHours?.value ?? null;
    const plan = email ? await this.replyPlan(profile, { phone, hours, needsPerson: reason !== null }) : null;

    let replyQueued = false;
    let smsOfferQueued = false;
    let lead: Lead;
    let conversationLeadId: string | null = null;
    try {
      lead = await this.unitOfWork.run(async (work) => {
        const tx = work.tx;
        work.invalidatesCache();
        const { lead: created, conversation } = await this.leads.createImported(tx, {
          customerName: extraction.customerName?.value ?? UNKNOWN_CUSTOMER_NAME,
          customerPhone: phone,
          customerEmail: email,
          address: extraction.address?.value ?? '',
          postalCode: extraction.postalCode?.value ?? '',
          city: extraction.city?.value ?? '',
          serviceType: extraction.serviceType?.value ?? '',
          estimatedHours: hours,
          priority: extraction.priority?.value ?? 'medium',
          notes: extraction.notes?.value ?? null,
          source: origin.source ?? extraction.source,
          sourceMessageId: origin.sourceMessageId,
          extraction: extraction as unknown as Prisma.InputJsonValue,
          emailContent: mail.text,
          needsAttentionReason: reason,
          companyName: extraction.companyName?.value ?? null,
          cvr: extraction.cvr?.value ?? null,
        });
        // The customer's open lead has had (or will have) its reply and offer; its timeline names
        // this source, and staff carry on there.
        if (conversation) {
          conversationLeadId = conversation.id;
          return created;
        }
        if (email && plan) {
          // In the customer's own thread only when the customer wrote to us; a portal's mail is answered
          // with a new mail to the customer, never to the portal.
          const fromCustomer = origin.senderEmail !== null && origin.senderEmail === email.toLowerCase();
          const ids = await this.email.enqueue(tx, {
            tenantId,
            subjectType: 'lead',
            subjectId: created.id,
            type: 'lead_response',
            to: email,
            leadId: created.id,
            variables: leadReplyVariables({
              customerName: extraction.customerName?.value ?? null,
              serviceType: created.serviceType,
              address: created.address,
              postalCode: created.postalCode,
              city: created.city,
              estimatedHours: created.estimatedHours,
              hourlyRate: profile.hourlyRate,
              vatRate: profile.vatRate,
              timezone: profile.timezone,
              plan,
              now: this.clock.now(),
            }),
            ...(fromCustomer && origin.threadId ? { replyThreadId: origin.threadId } : {}),
            ...(fromCustomer && origin.rfcMessageId ? { inReplyTo: origin.rfcMessageId } : {}),
          });
          work.relayAfterCommit(ids);
          replyQueued = ids.length > 0;
        }
        if (!reason) {
          await work.enqueue('sms.offer', { tenantId, leadId: created.id });
          smsOfferQueued = true;
        } else {
          await this.notifications.leadNeedsPerson(work, {
            lead: created,
            cause: created.customerPhone ? 'intake_unsure' : 'intake_no_phone',
            key: created.id,
          });
        }
        return created;
      });
    } catch (error) {
      if (origin.sourceMessageId && isUniqueViolation(error)) {
        const existing = await this.repository.findLeadByMessage(origin.sourceMessageId);
        if (existing) return this.alreadyImported(existing.id, { extraction, attention });
      }
      throw error;
    }
    this.logger.log({
      message: 'Lead created from mail',
      tenantId,
      leadId: lead.id,
      extractor: extraction.extractor,
      needsAttention: reason !== null,
      ...(conversationLeadId ? { conversationLeadId } : {}),
    });
    return { lead, created: true, conversationLeadId, extraction, attention, replyQueued, smsOfferQueued };
  }

  /** The lead an earlier import of the same message made, with what that import read. */
  private async alreadyImported(
    leadId: string,
    read?: { extraction: LeadExtraction; attention: AttentionVerdict },
  ): Promise<IntakeResult> {
    const row = await this.db.client.lead.findUniqueOrThrow({ where: { id: leadId } });
    const extraction = read?.extraction ?? (row.extraction as unknown as LeadExtraction);
    return {
      lead: row,
      created: false,
      conversationLeadId: row.conversationLeadId,
      extraction,
      attention: read?.attention ?? {
        needsAttention: row.needsAttention,
        reason: row.needsAttentionReason,
      },
      replyQueued: false,
      smsOfferQueued: false,
    };
  }

  /** The tenant's own addresses and numbers: never the customer's. */
  async ownContacts(): Promise<OwnContacts> {
    const settings = await this.repository.tenantMailSettings();
    const own: OwnContacts = {
      emails: settings.gmailAddress ? [settings.gmailAddress] : [],
      domains: settings.gmailAddress ? [settings.gmailAddress.split('@')[1]!] : [],
      phones: settings.smsNumber ? [settings.smsNumber] : [],
    };
    return own;
  }

  /**
   * What the first reply may promise (docs/architecture.md, step 2): the SMS offer only when it will be
   * sent (a phone, a confident lead with hours, a number that has not opted out), and "om lidt" only
   * outside the quiet hours and under the daily cap; otherwise when it will come, or that we call.
   * The same rules as the offer itself (sms/sms-offer.service.ts), read a moment earlier.
   */
  private async replyPlan(
    profile: TenantProfile,
    lead: { phone: string | null; hours: number | null; needsPerson: boolean },
  ): Promise<ReplyPlan> {
    if (!lead.phone) return { kind: 'write' };
    if (lead.needsPerson || !lead.hours || lead.hours <= 0) return { kind: 'call' };
    if (await this.repository.isOptedOut(lead.phone)) return { kind: 'call' };
    const now = this.clock.now();
    const quietEnd = quietHoursEndAfter(now, profile.smsRules, profile.timezone);
    if (quietEnd) return { kind: 'sms_later', at: quietEnd };
    const sentToday = await this.repository.textsSince(startOfTenantDay(now, profile.timezone));
    if (sentToday >= profile.smsRules.dailyCap) {
      const tomorrow = DateTime.fromJSDate(now, { zone: profile.timezone }).plus({ days: 1 }).startOf('day');
      const at = quietHoursEndAfter(tomorrow.toJSDate(), profile.smsRules, profile.timezone);
      return { kind: 'sms_later', at: at ?? tomorrow.toJSDate() };
    }
    return { kind: 'sms_now' };
  }
}
