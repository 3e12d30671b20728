import { Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { BookingOverlapError, MeetingNotFoundError } from '../bookings/bookings.errors.js';
import { BookingsService } from '../bookings/bookings.service.js';
import { AvailabilityService } from '../calendar/availability.service.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { formatAddress, formatShortDateTime } from '../core/format/danish.js';
import { normalizePhone } from '../core/phone/phone.js';
import { UnitOfWork, type Work } from '../core/unit-of-work/unit-of-work.js';
import { EmailService } from '../email/email.service.js';
import { LeadsService } from '../leads/leads.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { InboundEvent, Lead, SlotOffer } from '../generated/prisma/client.js';
import { TenantProfileService, type TenantProfile } from '../tenants/tenant-profile.service.js';
import type { FailureSummary } from '../integrations/provider-failure.js';
import { TimeNoLongerFreeError } from '../self-service/self-service.errors.js';
import { SelfServiceService, SMS_OPTIONS } from '../self-service/self-service.service.js';
import { isAnswerable, OFFERABLE, SmsOfferService } from './sms-offer.service.js';
import { SmsRepository, type OfferBatch } from './sms.repository.js';
import { SmsService } from './sms.service.js';
import { segmentInfo } from './text/gsm7.js';
import { parseReply, type ReplyMeaning } from './text/reply-parser.js';
import {
  confirmationText,
  helpText,
  noBookingText,
  noSlotsText,
  optInText,
  optOutText,
  rescheduleOptionsText,
} from './text/sms-texts.js';
import { Clock } from '../core/time/clock.js';

/** At most one help text an hour per number: a customer typing freely is not answered every time. */
const HELP_INTERVAL_MS = 3600 * 1000;

/** The slot the customer picked could not be booked: someone else got it, or it ran out. */
class SlotGoneError extends Error {
  constructor(readonly reason: 'taken' | 'expired') {
    super(`slot ${reason}`);
  }
}

interface InboundText {
  event: InboundEvent;
  sid: string;
  phone: string;
  body: string;
}

/** A text that books nothing, with the lead it is about and the tenant it came to. */
interface NonBookingText {
  text: InboundText;
  lead: Lead | null;
  profile: TenantProfile;
}

/**
 * Reads a customer's SMS (docs/architecture.md, step 4), once per MessageSid: the InboundEvent is finished in
 * the same transaction as the effects, so a retried job does nothing twice. A choice books the slot
 * under the lead's lock and the team's lock, re-checked against bookings (and the exclusion
 * constraint), Google busy times and the offer's state; a slot gone meanwhile gets fresh options.
 */
@Injectable()
export class SmsReplyService {
  constructor(
    private readonly repository: SmsRepository,
    private readonly db: TenantPrismaService,
    private readonly unitOfWork: UnitOfWork,
    private readonly activities: ActivitiesService,
    private readonly profile: TenantProfileService,
    private readonly sms: SmsService,
    private readonly offers: SmsOfferService,
    private readonly bookings: BookingsService,
    private readonly leads: LeadsService,
    private readonly availability: AvailabilityService,
    private readonly email: EmailService,
    private readonly notifications: NotificationsService,
    private readonly selfService: SelfServiceService,
    private readonly clock: Clock,
  ) {}

  /**
   * The job gave up on a reply (Google unreachable for every try, …): the customer's text is still
   * kept on the timeline, and the lead waits for a person, who can read it and call back.
   */
  /**
   * `failure`: what went wrong in our words (the lead shows it to everyone who may read the lead);
   * `detail`: the raw reason, kept on the inbound event only, which no route shows.
   */
  async giveUp(inboundEventId: string, failure: FailureSummary, detail: string): Promise<void> {
    const tenantId = this.db.tenantId;
    const event = await this.repository.findInboundEvent(tenantId, inboundEventId);
    if (!event || event.status !== 'received') return;
    const text = this.textOf(event);
    const batch = await this.repository.latestOfferBatch(tenantId, text.phone);
    const lead = await this.leadOf(tenantId, batch, text.phone);
    await this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      work.invalidatesCache();
      const short = detail.slice(0, 300);
      if (!(await this.repository.finishInboundEvent(tenantId, event.id, 'failed', tx, short))) return;
      await this.recordInbound(tx, text, lead, null, 'kunne ikke behandles automatisk');
      if (lead) {
        await this.leads.flagForAttention(tx, lead.id, `SMS-svar kunne ikke behandles: ${failure.message}`);
        await this.notifications.leadNeedsPerson(work, {
          lead,
          cause: 'reply_failed',
          key: text.sid,
          reason: failure.message,
        });
      }
    });
  }

  private textOf(event: InboundEvent): InboundText {
    const params = event.payload as Record<string, string>;
    return {
      event,
      sid: params.MessageSid ?? event.dedupKey,
      phone: normalizePhone(params.From) ?? params.From ?? '',
      body: params.Body ?? '',
    };
  }

  /** The lead a text is about: the one its number was last offered times for, else its number's latest. */
  private async leadOf(tenantId: string, batch: OfferBatch | null, phone: string): Promise<Lead | null> {
    return batch?.leadId
      ? this.repository.findLead(tenantId, batch.leadId)
      : this.repository.latestLeadByPhone(tenantId, phone);
  }

  async handle(inboundEventId: string): Promise<string> {
    const tenantId = this.db.tenantId;
    const event = await this.repository.findInboundEvent(tenantId, inboundEventId);
    if (!event || event.status !== 'received') return 'already handled';
    const text = this.textOf(event);
    const phone = text.phone;
    const profile = await this.profile.current();
    const batch = await this.repository.latestOfferBatch(tenantId, phone);
    const now = this.clock.now();
    const holdMinutes = profile.slotRules.holdMinutes ?? 1440;
    const slots = batch?.slotOffers.filter((offer) => offer.status !== 'withdrawn') ?? [];
    const meaning: ReplyMeaning = parseReply(text.body, slots, profile.timezone);
    const lead = await this.leadOf(tenantId, batch, phone);

    switch (meaning.kind) {
      case 'opt_out':
        await this.optOut({ text, lead, profile }, meaning.keyword);
        return 'opted out';
      case 'opt_in':
        await this.optIn({ text, lead, profile }, meaning.keyword);
        return 'opted in';
      case 'unreadable':
        await this.unreadable({ text, lead, profile }, batch);
        return 'unreadable';
      case 'cancel_booking':
        return this.cancelByText({ text, lead, profile });
      case 'move_booking':
        return this.offerMoves({ text, lead, profile }, 'asked');
      case 'choice': {
        const offer = slots.find((slot) => slot.choice === meaning.choice)!;
        // An answer to FLYT: the times are for moving that booking, not for a new one.
        if (batch?.bookingId) return this.moveByText({ text, lead, profile }, batch, offer, holdMinutes);
        if (
          !lead ||
          lead.deletedAt ||
          !OFFERABLE.includes(lead.status) ||
          batch!.slotOffers.some((slot) => slot.status === 'accepted')
        ) {
          // Already booked (from this offer or by staff), or the lead is gone or lost: the text is kept on
          // the timeline, nothing is booked twice.
          await this.recordOnly(text, lead);
          return 'already booked';
        }
        if (!isAnswerable(offer, holdMinutes, now)) return this.freshOptions(text, lead, 'expired');
        if (!(await this.stillFree(lead, offer))) return this.freshOptions(text, lead, 'taken');
        try {
          await this.book(text, lead, offer, profile);
          return 'booked';
        } catch (error) {
          if (error instanceof SlotGoneError) return this.freshOptions(text, lead, error.reason);
          if (error instanceof BookingOverlapError) return this.freshOptions(text, lead, 'taken');
          throw error;
        }
      }
    }
  }

  // The customer's own changes by SMS (AFLYS, FLYT) ------------------------------------------------

  /**
   * AFLYS: the customer's next booking is cancelled on the same terms as through the link (free until
   * the tenant's notice, then the fee on the invoice); the customer's confirmation goes as the link's
   * does. A number with no upcoming booking is told so.
   */
  private async cancelByText({ text, lead, profile }: NonBookingText): Promise<string> {
    const booking = await this.selfService.nextByPhone(text.phone);
    if (!booking) return this.noBooking({ text, lead, profile });
    await this.selfService.cancel(booking, profile, 'sms', async (work, cancelled) => {
      await this.recordInbound(work.tx, text, booking.lead, cancelled.id);
      await this.repository.finishInboundEvent(work.tenantId, text.event.id, 'processed', work.tx);
    });
    return 'cancelled';
  }

  /**
   * FLYT (`asked`), or a FLYT time gone meanwhile: three free times for the customer's next booking,
   * numbered like the first offer and held the same way. The text carries the booking, so the
   * numeric answer moves it instead of booking anew. Sent at once: the customer just wrote to us.
   */
  private async offerMoves(
    { text, lead, profile }: NonBookingText,
    why: 'asked' | 'taken' | 'expired',
  ): Promise<string> {
    const booking = await this.selfService.nextByPhone(text.phone);
    if (!booking) return this.noBooking({ text, lead, profile });
    const slots = await this.selfService.options(booking, SMS_OPTIONS);
    const now = this.clock.now();
    const holdMinutes = profile.slotRules.holdMinutes ?? 1440;
    await this.unitOfWork.run(async (work) => {
      const { tx, tenantId } = work;
      work.invalidatesCache();
      const note = { asked: undefined, taken: 'Tiden var optaget', expired: 'Tilbuddet var udløbet' }[why];
      await this.recordInbound(tx, text, booking.lead, booking.id, note);
      await this.repository.finishInboundEvent(tenantId, text.event.id, 'processed', tx);
      if (await this.repository.isOptedOut(tenantId, text.phone, tx)) return;
      await this.repository.withdrawOpenOffers(tenantId, booking.leadId, tx);
      if (slots.length === 0) {
        const template = await this.repository.smsTemplate(tenantId, 'no_slots', tx);
        const body = noSlotsText(
          { tenantName: profile.name, customerName: booking.lead.customerName },
          template,
        );
        const queued = await this.sms.queueText(work, {
          leadId: booking.leadId,
          bookingId: booking.id,
          phone: text.phone,
          body,
          type: 'other',
        });
        await this.notifications.leadNeedsPerson(work, {
          lead: booking.lead,
          cause: 'no_slots',
          key: queued.id,
        });
        return;
      }
      const numbered = slots.map((slot, index) => ({ ...slot, choice: index + 1 }));
      const queued = await this.sms.queueText(work, {
        leadId: booking.leadId,
        bookingId: booking.id,
        phone: text.phone,
        body: rescheduleOptionsText(
          {
            tenantName: profile.name,
            timezone: profile.timezone,
            customerName: booking.lead.customerName,
            startsAt: booking.startsAt,
            slots: numbered,
          },
          await this.repository.smsTemplate(tenantId, 'reschedule_options', tx),
        ),
        type: 'booking_options',
      });
      await this.repository.createOffers(
        tenantId,
        numbered.map((slot) => ({
          leadId: booking.leadId,
          teamId: slot.teamId,
          smsMessageId: queued.id,
          choice: slot.choice,
          startsAt: slot.startsAt,
          endsAt: slot.endsAt,
          expiresAt: new Date(now.getTime() + holdMinutes * 60_000),
        })),
        tx,
      );
      await this.activities.record(tx, {
        type: 'sms',
        title: 'Tider til flytning sendt på SMS',
        description: numbered
          .map((slot) => `${slot.choice}) ${formatShortDateTime(slot.startsAt, profile.timezone)}`)
          .join('\n'),
        status: 'info',
        customerId: booking.customerId,
        leadId: booking.leadId,
        bookingId: booking.id,
        metadata: { smsMessageId: queued.id, reason: why },
      });
    });
    return `move options: ${slots.length}`;
  }

  /** The customer's number for a FLYT time: the booking moves there, or fresh times if it is gone. */
  private async moveByText(
    { text, lead, profile }: NonBookingText,
    batch: OfferBatch,
    offer: SlotOffer,
    holdMinutes: number,
  ): Promise<string> {
    const booking = await this.selfService.load(batch.bookingId!).catch((error: unknown) => {
      if (error instanceof MeetingNotFoundError) return null;
      throw error;
    });
    const live = booking && (booking.status === 'pending' || booking.status === 'confirmed');
    if (!booking || !live || batch.slotOffers.some((slot) => slot.status === 'accepted')) {
      // Moved already (this text's twin), cancelled or gone: the text is kept, nothing moves twice.
      await this.recordOnly(text, booking?.lead ?? lead);
      return 'already moved';
    }
    if (!isAnswerable(offer, holdMinutes, this.clock.now()))
      return this.offerMoves({ text, lead, profile }, 'expired');
    try {
      await this.selfService.reschedule(booking, profile, offer.startsAt, 'sms', {
        held: true,
        inTransaction: async (work, moved) => {
          if (!(await this.repository.acceptOffer(work.tenantId, offer.id, moved.id, work.tx)))
            throw new SlotGoneError('taken');
          await this.repository.withdrawOpenOffers(work.tenantId, booking.leadId, work.tx);
          await this.recordInbound(work.tx, text, booking.lead, moved.id);
          await this.repository.finishInboundEvent(work.tenantId, text.event.id, 'processed', work.tx);
        },
      });
      return 'moved';
    } catch (error) {
      if (error instanceof TimeNoLongerFreeError || error instanceof SlotGoneError)
        return this.offerMoves({ text, lead, profile }, 'taken');
      throw error;
    }
  }

  /** AFLYS or FLYT from a number with no upcoming booking: told so, and a person can look. */
  private async noBooking({ text, lead, profile }: NonBookingText): Promise<string> {
    await this.settle(text, lead, async (work) => {
      await this.notifications.unreadableReply(work, {
        messageSid: text.sid,
        body: text.body,
        phone: text.phone,
        lead,
      });
      if (await this.repository.isOptedOut(work.tenantId, text.phone, work.tx)) return;
      const template = await this.repository.smsTemplate(work.tenantId, 'no_booking', work.tx);
      const body = noBookingText({ tenantName: profile.name, customerName: lead?.customerName }, template);
      await this.reply(work, text, lead, body, 'other');
    });
    return 'no booking';
  }

  /** Google's busy times and other offers, outside the transaction (a vendor call); bookings are re-checked under the lock. */
  private async stillFree(lead: Lead, offer: SlotOffer): Promise<boolean> {
    const hours = (offer.endsAt.getTime() - offer.startsAt.getTime()) / 3600_000;
    const free = await this.availability.available({
      from: offer.startsAt,
      to: new Date(offer.startsAt.getTime() + 60_000),
      durationHours: hours,
      teamId: offer.teamId,
      exceptLeadId: lead.id,
      // Offered within the notice, answered within the hold: the customer keeps the time.
      ignoreNotice: true,
    });
    return free.some(
      (slot) => slot.startsAt.getTime() === offer.startsAt.getTime() && slot.teamId === offer.teamId,
    );
  }

  private async book(text: InboundText, lead: Lead, offer: SlotOffer, profile: TenantProfile): Promise<void> {
    const tenantId = profile.id;
    await this.bookings.guardOverlap((claim) =>
      this.unitOfWork.run(async (work) => {
        const tx = work.tx;
        work.invalidatesCache();
        const locked = await this.leads.lockForUpdate(tx, lead.id);
        await this.repository.lockTeam(offer.teamId, tx);
        const current = await this.repository.findOffer(tenantId, offer.id, tx);
        if (!locked || !current || current.status !== 'offered') throw new SlotGoneError('taken');
        const booking = await this.bookings.confirmFromOffer(tx, locked, offer, claim);
        if (!(await this.repository.acceptOffer(tenantId, offer.id, booking.id, tx)))
          throw new SlotGoneError('taken');
        await this.repository.withdrawOpenOffers(tenantId, lead.id, tx);
        await this.recordInbound(tx, text, locked, booking.id);
        await work.enqueue('calendar.sync-booking', { tenantId, bookingId: booking.id });
        const address = formatAddress(locked.address, locked.postalCode, locked.city);
        await this.sms.queueText(work, {
          leadId: lead.id,
          bookingId: booking.id,
          phone: text.phone,
          body: confirmationText(
            {
              tenantName: profile.name,
              customerName: locked.customerName,
              timezone: profile.timezone,
              startsAt: booking.startsAt,
              hours: booking.durationHours,
              address,
            },
            await this.repository.smsTemplate(tenantId, 'booking_confirmation', tx),
          ),
          type: 'confirmation',
        });
        work.relayAfterCommit(
          await this.email.enqueueAboutBooking(tx, {
            tenantId,
            type: 'booking_confirmation',
            booking,
            lead: locked,
            tenant: profile,
          }),
        );
        await this.repository.finishInboundEvent(tenantId, text.event.id, 'processed', tx);
      }),
    );
  }

  private async freshOptions(text: InboundText, lead: Lead, reason: 'taken' | 'expired'): Promise<string> {
    const outcome = await this.offers.offer(lead.id, {
      mode: 'retry',
      inTransaction: async (tx, locked) => {
        await this.recordInbound(
          tx,
          text,
          locked,
          null,
          reason === 'taken' ? 'Tiden var optaget' : 'Tilbuddet var udløbet',
        );
        await this.repository.finishInboundEvent(locked.tenantId, text.event.id, 'processed', tx);
      },
    });
    if (outcome.outcome === 'skipped') {
      // The lead can no longer be offered times (booked meanwhile, lost): the text is still recorded.
      await this.recordOnly(text, lead);
    }
    return `fresh options: ${outcome.outcome}`;
  }

  private async optOut({ text, lead, profile }: NonBookingText, keyword: string): Promise<void> {
    await this.settle(text, lead, async (work) => {
      const added = await this.repository.addOptOut(work.tenantId, text.phone, keyword, work.tx);
      if (lead) await this.repository.withdrawOpenOffers(work.tenantId, lead.id, work.tx);
      await this.recordKeyword(work, text, lead, keyword, {
        title: 'SMS afmeldt',
        description: `Kunden skrev ${keyword}: der sendes ikke flere SMS til ${text.phone}`,
        status: 'warning',
      });
      if (!added) return;
      const template = await this.repository.smsTemplate(work.tenantId, 'opt_out', work.tx);
      await this.reply(work, text, lead, optOutText({ tenantName: profile.name }, template), 'opt_out');
    });
  }

  private async optIn({ text, lead, profile }: NonBookingText, keyword: string): Promise<void> {
    await this.settle(text, lead, async (work) => {
      if (!(await this.repository.removeOptOut(work.tenantId, text.phone, work.tx))) return;
      await this.recordKeyword(work, text, lead, keyword, {
        title: 'SMS tilmeldt igen',
        description: `Kunden skrev ${keyword}`,
        status: 'info',
      });
      const template = await this.repository.smsTemplate(work.tenantId, 'opt_in', work.tx);
      await this.reply(work, text, lead, optInText({ tenantName: profile.name }, template), 'other');
    });
  }

  private async unreadable({ text, lead, profile }: NonBookingText, batch: OfferBatch | null): Promise<void> {
    await this.settle(text, lead, async (work) => {
      // A person reads what the grammar cannot ("kan I komme torsdag i stedet?").
      await this.notifications.unreadableReply(work, {
        messageSid: text.sid,
        body: text.body,
        phone: text.phone,
        lead,
      });
      // Help only where a choice is expected, and at most once an hour per number.
      const open = batch?.slotOffers.filter((offer) => offer.status === 'offered') ?? [];
      if (!lead || open.length === 0) return;
      if (await this.repository.isOptedOut(work.tenantId, text.phone, work.tx)) return;
      const since = new Date(this.clock.now().getTime() - HELP_INTERVAL_MS);
      if (await this.repository.sentOfTypeSince(work.tenantId, text.phone, 'help', since, work.tx)) return;
      const template = await this.repository.smsTemplate(work.tenantId, 'help', work.tx);
      const help = helpText(
        { tenantName: profile.name, customerName: lead.customerName, count: open.length },
        template,
      );
      await this.reply(work, text, lead, help, 'help');
    });
  }

  /**
   * A text that asks for no booking (STOP, START, something unreadable): it is recorded and its event
   * finished in one unit of work, together with what it does.
   */
  private async settle(text: InboundText, lead: Lead | null, effects: (work: Work) => Promise<void>) {
    await this.unitOfWork.run(async (work) => {
      await this.recordInbound(work.tx, text, lead, null);
      await this.repository.finishInboundEvent(work.tenantId, text.event.id, 'processed', work.tx);
      await effects(work);
    });
  }

  /** A STOP or START word on the lead's timeline. */
  private recordKeyword(
    work: Work,
    text: InboundText,
    lead: Lead | null,
    keyword: string,
    entry: { title: string; description: string; status: 'info' | 'warning' },
  ): Promise<void> {
    return this.activities.record(work.tx, {
      type: 'sms',
      ...entry,
      customerId: lead?.customerId ?? null,
      leadId: lead?.id ?? null,
      metadata: { keyword, phone: text.phone },
    });
  }

  /** Our answer to the customer's text, to the number it came from. */
  private async reply(
    work: Work,
    text: InboundText,
    lead: Lead | null,
    body: string,
    type: 'opt_out' | 'help' | 'other',
  ): Promise<void> {
    await this.sms.queueText(work, { leadId: lead?.id ?? null, phone: text.phone, body, type });
  }

  private async recordOnly(text: InboundText, lead: Lead | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.repository.finishInboundEvent(this.db.tenantId, text.event.id, 'processed', tx)))
        return;
      await this.recordInbound(tx, text, lead, null);
    });
  }

  /** The customer's text as an inbound SmsMessage and on the lead's timeline. */
  private async recordInbound(
    tx: ScopedTransaction,
    text: InboundText,
    lead: Lead | null,
    bookingId: string | null,
    note?: string,
  ): Promise<void> {
    const body = text.body.slice(0, 1600);
    await this.repository.createMessage(
      this.db.tenantId,
      {
        direction: 'inbound',
        leadId: lead?.id ?? null,
        bookingId,
        phone: text.phone,
        body,
        type: 'reply',
        status: 'received',
        twilioSid: text.sid,
        segments: Number.parseInt((text.event.payload as Record<string, string>).NumSegments ?? '1', 10) || 1,
        encoding: segmentInfo(body).encoding,
      },
      tx,
    );
    await this.activities.record(tx, {
      type: 'sms',
      title: 'SMS modtaget',
      description: note ? `"${body}" (${note})` : `"${body}"`,
      status: 'info',
      customerId: lead?.customerId ?? null,
      leadId: lead?.id ?? null,
      bookingId,
      metadata: { twilioSid: text.sid, phone: text.phone },
    });
  }
}
