import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

import { ActivitiesService } from '../activities/activities.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { formatShortDateTime } from '../core/format/danish.js';
import { Clock } from '../core/time/clock.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import type { SlotOffer } from '../generated/prisma/client.js';
import { LeadsService } from '../leads/leads.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { TenantProfileService } from '../tenants/tenant-profile.service.js';
import { isAnswerable, OFFERABLE, UNHELD_ANSWER_WINDOW_MS } from './sms-offer.service.js';
import { SmsRepository, type OfferBatch } from './sms.repository.js';
import { SmsService } from './sms.service.js';
import { quietHoursEndAfter, startOfTenantDay } from './text/quiet-hours.js';
import { offerReminderText } from './text/sms-texts.js';

/** Until when the customer may answer this offer: its hold, or a day for an offer that holds nothing. */
export function answerableUntil(
  offer: Pick<SlotOffer, 'expiresAt' | 'createdAt'>,
  holdMinutes: number,
): Date {
  return holdMinutes === 0 ? new Date(offer.createdAt.getTime() + UNHELD_ANSWER_WINDOW_MS) : offer.expiresAt;
}

/**
 * What follows an SMS offer nobody answers (docs/architecture.md, step 3): one reminder text after the
 * tenant's `offerReminderMinutes` (not in quiet hours nor past the daily cap: then it waits, unless the
 * offer lapses first; not to an opted-out number; not when the customer has texted since), and when the offer lapses still unanswered, the lead is flagged for a
 * call and staff are notified. SmsOfferService writes both jobs with the offer, for later
 * (`availableAt`); each does its work once (the reminder mark on the offer, the notification's dedup
 * key) and reads the offer's state when it runs, so an answer, a booking or a newer offer stops it.
 */
@Injectable()
export class SmsOfferFollowUp {
  constructor(
    private readonly repository: SmsRepository,
    private readonly db: TenantPrismaService,
    private readonly unitOfWork: UnitOfWork,
    private readonly profile: TenantProfileService,
    private readonly sms: SmsService,
    private readonly leads: LeadsService,
    private readonly activities: ActivitiesService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** The `sms.offer-reminder` job. */
  async remind(smsMessageId: string): Promise<string> {
    const tenantId = this.db.tenantId;
    const now = this.clock.now();
    const profile = await this.profile.current();
    const holdMinutes = profile.slotRules.holdMinutes ?? 1440;
    const state = await this.unanswered(smsMessageId, holdMinutes, now);
    if (typeof state === 'string') return state;
    const { batch, open, lead } = state;
    if (await this.repository.isOptedOut(tenantId, batch.phone)) return 'opted out';
    const answerBy = answerableUntil(open[0]!, holdMinutes);
    const quietEnd = quietHoursEndAfter(now, profile.smsRules, profile.timezone);
    if (quietEnd) return this.later(smsMessageId, quietEnd, answerBy, 'after the quiet hours');
    const sentToday = await this.repository.countOutboundSince(
      tenantId,
      startOfTenantDay(now, profile.timezone),
    );
    if (sentToday >= profile.smsRules.dailyCap) {
      const tomorrow = DateTime.fromJSDate(now, { zone: profile.timezone }).plus({ days: 1 }).startOf('day');
      const start =
        quietHoursEndAfter(tomorrow.toJSDate(), profile.smsRules, profile.timezone) ?? tomorrow.toJSDate();
      return this.later(smsMessageId, start, answerBy, 'after the daily cap');
    }
    return this.unitOfWork.run(async (work) => {
      if (!(await this.repository.markOfferReminded(tenantId, smsMessageId, now, work.tx)))
        return 'already reminded';
      const queued = await this.sms.queueText(work, {
        leadId: lead.id,
        phone: batch.phone,
        body: offerReminderText(
          {
            customerName: lead.customerName,
            tenantName: profile.name,
            timezone: profile.timezone,
            open: open.map((offer) => offer.choice),
            answerBy,
          },
          await this.repository.smsTemplate(tenantId, 'offer_reminder', work.tx),
        ),
        type: 'offer_reminder',
      });
      await this.activities.record(work.tx, {
        type: 'sms',
        title: 'Påmindelse om tider sendt',
        description: `Kunden har ikke svaret på SMS'en med tider; de kan vælges til ${formatShortDateTime(answerBy, profile.timezone)}`,
        status: 'info',
        customerId: lead.customerId,
        leadId: lead.id,
        metadata: { smsMessageId: queued.id, offerSmsMessageId: smsMessageId },
      });
      return 'reminded';
    });
  }

  /** The reminder written again for `at` (the sweeper enqueues it then), unless the offer lapses first. */
  private async later(smsMessageId: string, at: Date, answerBy: Date, outcome: string): Promise<string> {
    if (at >= answerBy) return 'lapses before it may be sent';
    const tenantId = this.db.tenantId;
    await this.unitOfWork.run((work) =>
      work.enqueue('sms.offer-reminder', { tenantId, smsMessageId }, { availableAt: at }),
    );
    return outcome;
  }

  /** The `sms.offer-lapsed` job: still unanswered when it lapsed, the lead is flagged for a call. */
  async lapse(smsMessageId: string): Promise<string> {
    const now = this.clock.now();
    const profile = await this.profile.current();
    const holdMinutes = profile.slotRules.holdMinutes ?? 1440;
    const batch = await this.repository.offerBatch(this.db.tenantId, smsMessageId);
    if (!batch?.leadId) return 'no offer';
    if (batch.slotOffers.some((offer) => offer.status === 'accepted')) return 'booked';
    if (batch.slotOffers.some((offer) => isAnswerable(offer, holdMinutes, now))) return 'not lapsed yet';
    // Withdrawn: a newer offer replaced it (it has its own follow-up), or the customer opted out.
    if (!batch.slotOffers.some((offer) => offer.status === 'offered')) return 'replaced';
    const lead = await this.repository.findLead(this.db.tenantId, batch.leadId);
    if (!lead || lead.deletedAt || !OFFERABLE.includes(lead.status)) return 'lead moved on';
    return this.unitOfWork.run(async (work) => {
      if (!(await this.notifications.offerUnanswered(work, { smsMessageId, lead }))) return 'already flagged';
      work.invalidatesCache();
      await this.leads.flagForAttention(work.tx, lead.id, 'Intet svar på SMS med tider: ring kunden op');
      await this.activities.record(work.tx, {
        type: 'sms',
        title: 'Intet svar på tider',
        description: 'Tiderne er udløbet uden svar: ring kunden op',
        status: 'warning',
        customerId: lead.customerId,
        leadId: lead.id,
        metadata: { smsMessageId },
      });
      return 'flagged';
    });
  }

  /** The offer, its times still open and its lead, while nobody has answered; else why not. */
  private async unanswered(smsMessageId: string, holdMinutes: number, now: Date) {
    const tenantId = this.db.tenantId;
    const batch: OfferBatch | null = await this.repository.offerBatch(tenantId, smsMessageId);
    if (!batch?.leadId) return 'no offer';
    if (batch.slotOffers.some((offer) => offer.status === 'accepted')) return 'booked';
    const open = batch.slotOffers.filter((offer) => isAnswerable(offer, holdMinutes, now));
    if (open.length === 0) return 'lapsed or replaced';
    if (await this.repository.receivedSince(tenantId, batch.phone, batch.createdAt)) return 'answered';
    const lead = await this.repository.findLead(tenantId, batch.leadId);
    if (!lead || lead.deletedAt || !OFFERABLE.includes(lead.status)) return 'lead moved on';
    return { batch, open, lead };
  }
}
