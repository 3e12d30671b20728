import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

import { ActivitiesService } from '../activities/activities.service.js';
import { AvailabilityService, type Slot } from '../calendar/availability.service.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { Decimal } from '../core/money/money.js';
import { formatShortDateTime } from '../core/format/danish.js';
import { DomainError } from '../core/http/domain-error.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import { LockBusyError, RedisLockService } from '../core/redis/redis-lock.service.js';
import { UnitOfWork, type Work } from '../core/unit-of-work/unit-of-work.js';
import type { Lead, SlotOffer } from '../generated/prisma/client.js';
import type { LeadStatus } from '../generated/prisma/enums.js';
import type { Principal } from '../auth/principal.js';
import { LeadsService } from '../leads/leads.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { TenantProfileService, type TenantProfile } from '../tenants/tenant-profile.service.js';
import { BookingOptionsResultDto } from './dto/sms.dto.js';
import {
  LeadHasNoHoursError,
  LeadHasNoPhoneError,
  LeadNotOfferableError,
  RecipientOptedOutError,
} from './sms.errors.js';
import { SmsRepository } from './sms.repository.js';
import { SmsService } from './sms.service.js';
import { quietHoursEndAfter, startOfTenantDay } from './text/quiet-hours.js';
import { noSlotsText, offerText } from './text/sms-texts.js';
import { Clock } from '../core/time/clock.js';

/** Leads that may be offered times: not yet booked, done or lost. */
export const OFFERABLE: readonly LeadStatus[] = ['new', 'contacted'];
/** With holds off (holdMinutes 0) an offer holds nothing, but the customer may still answer it this long. */
export const UNHELD_ANSWER_WINDOW_MS = 24 * 3600 * 1000;

/**
 * Why an offer is being sent:
 * - `job`: the intake's `sms.offer` (a second run for a lead with an open offer does nothing);
 * - `manual`: POST /leads/:id/send-booking-options (replaces an open offer; refuses what cannot be sent);
 * - `retry`: the customer answered and their time was gone (sent at once, quiet hours or not: they
 *   just wrote to us).
 */
export type OfferMode = 'job' | 'manual' | 'retry';

export interface OfferOptions {
  mode: OfferMode;
  actorUserId?: string | null;
  /** Work to do in the offer's transaction (the reply job records the inbound text there). */
  inTransaction?: (tx: ScopedTransaction, lead: Lead) => Promise<void>;
}

export type OfferOutcome =
  | { outcome: 'sent'; smsMessageId: string; slots: Slot[] }
  | { outcome: 'deferred'; sendAt: Date; reason: 'quiet_hours' | 'daily_cap' }
  | { outcome: 'no_slots'; smsMessageId: string | null }
  | { outcome: 'skipped'; reason: string };

/** Whether the customer may still answer this offer (held and unexpired, or unheld and recent). */
export function isAnswerable(offer: SlotOffer, holdMinutes: number, now: Date): boolean {
  if (offer.status !== 'offered' || offer.startsAt <= now) return false;
  if (offer.expiresAt > now) return true;
  return holdMinutes === 0 && offer.createdAt.getTime() + UNHELD_ANSWER_WINDOW_MS > now.getTime();
}

/** Tries of one offer when other offers keep taking the chosen times (then the job retries later). */
const MAX_OFFER_ROUNDS = 3;
/** Reading availability (Google free/busy, 20 s at most) and holding the times. */
const OFFER_LOCK_MS = 60_000;
const OFFER_LOCK_WAIT_MS = 30_000;

class SlotsTakenMeanwhileError extends Error {
  constructor() {
    super('Another offer took one of the chosen times meanwhile');
    this.name = 'SlotsTakenMeanwhileError';
  }
}

/**
 * The SMS offer (docs/architecture.md, step 3): three free slots from availability, held as SlotOffers until
 * the tenant's hold ends, texted in Danish. Never to an opted-out number, never in quiet hours (the job
 * is written again for when they end), never past the daily cap (it waits for the next day, and the
 * timeline says so).
 */
@Injectable()
export class SmsOfferService {
  constructor(
    private readonly locks: RedisLockService,
    private readonly repository: SmsRepository,
    private readonly db: TenantPrismaService,
    private readonly outbox: OutboxService,
    private readonly activities: ActivitiesService,
    private readonly availability: AvailabilityService,
    private readonly profile: TenantProfileService,
    private readonly sms: SmsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly leads: LeadsService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** POST /leads/:id/send-booking-options: a fresh offer now (or when quiet hours or the cap allow). */
  async sendByHand(principal: Principal, leadId: string): Promise<BookingOptionsResultDto> {
    await this.leads.findVisible(leadId, principal);
    const outcome = await this.offer(leadId, { mode: 'manual', actorUserId: principal.userId });
    const result = Object.assign(new BookingOptionsResultDto(), {
      outcome: outcome.outcome,
      smsMessageId: null,
      slots: [],
      sendAt: null,
    });
    switch (outcome.outcome) {
      case 'sent':
        return Object.assign(result, {
          smsMessageId: outcome.smsMessageId,
          slots: outcome.slots.map((slot, index) => ({
            choice: index + 1,
            startsAt: slot.startsAt.toISOString(),
            endsAt: slot.endsAt.toISOString(),
            teamId: slot.teamId,
          })),
        });
      case 'deferred':
        return Object.assign(result, { sendAt: outcome.sendAt.toISOString() });
      case 'no_slots':
        return Object.assign(result, { smsMessageId: outcome.smsMessageId });
      case 'skipped':
        // Only a lead changed between the checks and the lock gets here: it is no longer offerable.
        throw new LeadNotOfferableError(outcome.reason);
    }
  }

  async offer(leadId: string, options: OfferOptions): Promise<OfferOutcome> {
    const manual = options.mode === 'manual';
    const now = this.clock.now();
    const profile = await this.profile.current();
    const { lead, optedOut, openOffer, sentToday } = await this.checks(leadId, profile, now, options.mode);
    if (!lead || lead.deletedAt) return { outcome: 'skipped', reason: 'lead not found' };
    if (!lead.customerPhone) {
      if (manual) throw new LeadHasNoPhoneError();
      return { outcome: 'skipped', reason: 'no phone' };
    }
    if (!OFFERABLE.includes(lead.status)) {
      if (manual) throw new LeadNotOfferableError(lead.status);
      return { outcome: 'skipped', reason: `lead is ${lead.status}` };
    }
    if (!lead.estimatedHours || lead.estimatedHours.lte(0)) {
      if (manual) throw new LeadHasNoHoursError();
      await this.note(
        lead,
        'SMS ikke sendt',
        'Leadet mangler et timeestimat: der kan ikke findes tider',
        'warning',
      );
      return { outcome: 'skipped', reason: 'no hours' };
    }
    if (optedOut) {
      if (manual) throw new RecipientOptedOutError();
      if (options.mode === 'job')
        await this.note(lead, 'SMS ikke sendt', 'Kunden har afmeldt SMS', 'warning');
      return { outcome: 'skipped', reason: 'opted out' };
    }
    if (openOffer) return { outcome: 'skipped', reason: 'open offer' };

    if (options.mode !== 'retry') {
      const quietEnd = quietHoursEndAfter(now, profile.smsRules, profile.timezone);
      if (quietEnd) return this.defer(lead, quietEnd, 'quiet_hours', profile);
      if (sentToday >= profile.smsRules.dailyCap)
        return this.defer(lead, this.nextDayStart(now, profile), 'daily_cap', profile);
    }

    const hours = new Decimal(lead.estimatedHours).times(2).ceil().dividedBy(2);
    const holdMinutes = profile.slotRules.holdMinutes ?? 1440;
    const choose = async (): Promise<OfferOutcome> => {
      // Availability is read outside the transaction (it may ask Google); in the transaction the chosen
      // times are checked again under the tenant's offer lock, and read again if one was taken.
      for (let round = 1; ; round += 1) {
        const slots = await this.availability.offer(hours.toNumber(), 3);
        try {
          return await this.offerSlots(lead, slots, hours, holdMinutes, profile, now, options);
        } catch (error) {
          if (!(error instanceof SlotsTakenMeanwhileError) || round >= MAX_OFFER_ROUNDS) throw error;
        }
      }
    };
    if (holdMinutes === 0) return choose();
    try {
      // Offers that hold times are made one at a time per tenant (reading and holding together), so
      // offers at the same moment get different times instead of racing for the same earliest ones.
      return await this.locks.withLock(`slot-offers:${this.db.tenantId}`, OFFER_LOCK_MS, choose, {
        waitMs: OFFER_LOCK_WAIT_MS,
      });
    } catch (error) {
      if (manual && (error instanceof LockBusyError || error instanceof SlotsTakenMeanwhileError))
        throw new DomainError('unavailable', 'Other offers are being made right now; try again in a moment');
      throw error;
    }
  }

  private async offerSlots(
    lead: Lead,
    slots: Slot[],
    hours: InstanceType<typeof Decimal>,
    holdMinutes: number,
    profile: TenantProfile,
    now: Date,
    options: OfferOptions,
  ): Promise<OfferOutcome> {
    const tenantId = this.db.tenantId;
    return this.unitOfWork.run(async (work): Promise<OfferOutcome> => {
      const tx = work.tx;
      work.invalidatesCache();
      if (holdMinutes > 0 && slots.length > 0) {
        await this.repository.lockOffers(tenantId, tx);
        if (
          await this.repository.anyHeldOrBooked(
            tenantId,
            lead.id,
            slots,
            now,
            tx,
            profile.slotRules.bufferMinutes ?? 0,
          )
        )
          throw new SlotsTakenMeanwhileError();
      }
      const locked = await this.leads.lockForUpdate(tx, lead.id);
      if (!locked || locked.deletedAt || !OFFERABLE.includes(locked.status))
        return { outcome: 'skipped', reason: 'lead changed' };
      // Two offer jobs for one lead: the second finds the first's offer under the lock and stops.
      if (options.mode === 'job' && (await this.hasOpenOffer(locked, profile, now, tx)))
        return { outcome: 'skipped', reason: 'open offer' };
      await this.repository.withdrawOpenOffers(tenantId, lead.id, tx);
      await options.inTransaction?.(tx, locked);

      if (slots.length === 0) {
        const queued = await this.sms.queueText(work, {
          leadId: lead.id,
          phone: lead.customerPhone!,
          body: noSlotsText(
            { tenantName: profile.name, customerName: lead.customerName },
            await this.repository.smsTemplate(tenantId, 'no_slots', tx),
          ),
          type: 'other',
        });
        await this.leads.flagForAttention(tx, lead.id, 'Ingen ledige tider at tilbyde: ring kunden op');
        await this.notifications.leadNeedsPerson(work, { lead, cause: 'no_slots', key: queued.id });
        await this.activities.record(tx, {
          type: 'sms',
          title: 'Ingen ledige tider',
          description: 'Kunden har fået besked om, at vi ringer op',
          status: 'warning',
          customerId: lead.customerId,
          leadId: lead.id,
          actorUserId: options.actorUserId ?? null,
          metadata: { smsMessageId: queued.id },
        });
        return { outcome: 'no_slots', smsMessageId: queued.id };
      }

      const numbered = slots.map((slot, index) => ({ ...slot, choice: index + 1 }));
      const queued = await this.sms.queueText(work, {
        leadId: lead.id,
        phone: lead.customerPhone!,
        body: offerText(
          {
            customerName: lead.customerName,
            tenantName: profile.name,
            timezone: profile.timezone,
            slots: numbered,
            hours,
            hourlyRate: profile.hourlyRate,
            vatRate: profile.vatRate,
            retry: options.mode === 'retry',
          },
          await this.repository.smsTemplate(tenantId, options.mode === 'retry' ? 'offer_retry' : 'offer', tx),
        ),
        type: 'booking_options',
      });
      // Holds off: the offer expires at once, so availability never counts it as taken.
      const expiresAt = new Date(now.getTime() + holdMinutes * 60_000);
      await this.repository.createOffers(
        tenantId,
        numbered.map((slot) => ({
          leadId: lead.id,
          teamId: slot.teamId,
          smsMessageId: queued.id,
          choice: slot.choice,
          startsAt: slot.startsAt,
          endsAt: slot.endsAt,
          expiresAt,
        })),
        tx,
      );
      await this.leads.markTexted(tx, lead.id, now);
      await this.scheduleFollowUp(work, queued.id, profile, now, holdMinutes > 0 ? expiresAt : null);
      await this.activities.record(tx, {
        type: 'sms',
        title: options.mode === 'retry' ? 'Nye tider sendt på SMS' : 'Tider sendt på SMS',
        description: numbered
          .map((slot) => `${slot.choice}) ${formatShortDateTime(slot.startsAt, profile.timezone)}`)
          .join('\n'),
        status: 'info',
        customerId: lead.customerId,
        leadId: lead.id,
        actorUserId: options.actorUserId ?? null,
        metadata: {
          smsMessageId: queued.id,
          segments: queued.segments,
          encoding: queued.encoding,
          heldUntil: holdMinutes > 0 ? expiresAt.toISOString() : null,
          slots: numbered.map((slot) => ({
            choice: slot.choice,
            startsAt: slot.startsAt.toISOString(),
            endsAt: slot.endsAt.toISOString(),
            teamId: slot.teamId,
          })),
        },
      });
      return { outcome: 'sent', smsMessageId: queued.id, slots: numbered };
    });
  }

  /**
   * The offer's follow-up (SmsOfferFollowUp), due later: its one reminder after the tenant's
   * `offerReminderMinutes` when that comes before the offer lapses, and the check when it lapses (the
   * hold's end; a day after it was sent when holds are off).
   */
  private async scheduleFollowUp(
    work: Work,
    smsMessageId: string,
    profile: TenantProfile,
    now: Date,
    heldUntil: Date | null,
  ): Promise<void> {
    const tenantId = work.tenantId;
    const lapsesAt = heldUntil ?? new Date(now.getTime() + UNHELD_ANSWER_WINDOW_MS);
    if (profile.offerReminderMinutes > 0) {
      const remindAt = new Date(now.getTime() + profile.offerReminderMinutes * 60_000);
      if (remindAt < lapsesAt)
        await work.enqueue('sms.offer-reminder', { tenantId, smsMessageId }, { availableAt: remindAt });
    }
    await work.enqueue('sms.offer-lapsed', { tenantId, smsMessageId }, { availableAt: lapsesAt });
  }

  /**
   * What decides whether an offer is made, read in one transaction (four transactions before, on every
   * lead of the intake): the lead, whether its number opted out, an open offer (jobs only: a manual
   * offer replaces it) and the texts sent today (not for a retry, which ignores the cap).
   */
  private checks(
    leadId: string,
    profile: TenantProfile,
    now: Date,
    mode: OfferMode,
  ): Promise<{ lead: Lead | null; optedOut: boolean; openOffer: boolean; sentToday: number }> {
    const tenantId = profile.id;
    return this.db.transaction(async (tx) => {
      const lead = await this.repository.findLead(tenantId, leadId, tx);
      const phone = lead?.customerPhone;
      if (!lead || !phone) return { lead, optedOut: false, openOffer: false, sentToday: 0 };
      return {
        lead,
        optedOut: await this.repository.isOptedOut(tenantId, phone, tx),
        openOffer: mode === 'job' && (await this.hasOpenOffer(lead, profile, now, tx)),
        sentToday:
          mode === 'retry'
            ? 0
            : await this.repository.countOutboundSince(tenantId, startOfTenantDay(now, profile.timezone), tx),
      };
    });
  }

  private async hasOpenOffer(
    lead: Lead,
    profile: TenantProfile,
    now: Date,
    tx?: ScopedTransaction,
  ): Promise<boolean> {
    const offers = await this.repository.openOffers(profile.id, lead.id, tx);
    return offers.some((offer) => isAnswerable(offer, profile.slotRules.holdMinutes ?? 1440, now));
  }

  /** Writes the offer job again for `sendAt` (the outbox sweeper enqueues it then) and says so on the timeline. */
  private async defer(
    lead: Lead,
    sendAt: Date,
    reason: 'quiet_hours' | 'daily_cap',
    profile: TenantProfile,
  ): Promise<OfferOutcome> {
    const tenantId = profile.id;
    const when = formatShortDateTime(sendAt, profile.timezone);
    await this.db.transaction(async (tx) => {
      await this.outbox.write(
        tx,
        tenantId,
        'sms.offer',
        { tenantId, leadId: lead.id },
        { availableAt: sendAt },
      );
      await this.activities.record(tx, {
        type: 'sms',
        title: 'SMS med tider venter',
        description:
          reason === 'quiet_hours'
            ? `Stille timer: sendes ${when}`
            : `Dagens loft på ${profile.smsRules.dailyCap} SMS er nået: sendes ${when}`,
        status: reason === 'daily_cap' ? 'warning' : 'info',
        customerId: lead.customerId,
        leadId: lead.id,
        metadata: { reason, sendAt: sendAt.toISOString() },
      });
    });
    return { outcome: 'deferred', sendAt, reason };
  }

  /** When tomorrow's texting may start: the end of the quiet hours, or midnight without any. */
  private nextDayStart(now: Date, profile: TenantProfile): Date {
    const tomorrow = DateTime.fromJSDate(now, { zone: profile.timezone }).plus({ days: 1 }).startOf('day');
    return quietHoursEndAfter(tomorrow.toJSDate(), profile.smsRules, profile.timezone) ?? tomorrow.toJSDate();
  }

  private async note(
    lead: Lead,
    title: string,
    description: string,
    status: 'info' | 'warning',
  ): Promise<void> {
    await this.db.transaction((tx) =>
      this.activities.record(tx, {
        type: 'sms',
        title,
        description,
        status,
        customerId: lead.customerId,
        leadId: lead.id,
      }),
    );
  }
}
