import { Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { formatKroner } from '../core/format/danish.js';
import { amountFor, toMoneyString, withVat, type Money } from '../core/money/money.js';
import { Clock } from '../core/time/clock.js';
import type { Work } from '../core/unit-of-work/unit-of-work.js';
import type { Booking, Lead } from '../generated/prisma/client.js';
import { InvoicesService } from '../invoices/invoices.service.js';
import { LeadsService } from '../leads/leads.service.js';
import { BookingPlacement, type Claim } from './booking-placement.service.js';
import { describeTime } from './booking-time.js';
import { BookingsRepository, type TokenTarget } from './bookings.repository.js';
import { BookingChangedError, BookingOverlapError, MeetingNotFoundError } from './bookings.errors.js';

/** Where the customer's change came from: the booking link, or a text to the SMS number. */
export type SelfServiceSource = 'meeting_link' | 'sms';

export type BookingWithLead = Booking & { lead: Lead };

/** A late cancellation's fee: excl. VAT as the invoice line holds it, and the notice it missed. */
export interface CancellationFee {
  feeExclVat: Money;
  vatRate: Money;
  hours: number;
}

const SOURCE_WORDS: Readonly<Record<SelfServiceSource, string>> = {
  meeting_link: 'via bookinglinket',
  sms: 'på SMS',
};

/**
 * The booking rows of a customer's own changes (confirm, cancel, move), each inside the caller's unit
 * of work: the compare-and-set on the row, the lead's system move, the timeline, the calendar job and
 * the customer's notice (`sms.booking-notice`, which respects opt-out and quiet hours). The orchestration
 * (tenant from the link, availability, staff notification) sits above, in the self-service feature, as
 * availability lives in the calendar module, which depends on this one.
 */
@Injectable()
export class BookingSelfService {
  constructor(
    private readonly repository: BookingsRepository,
    private readonly placement: BookingPlacement,
    private readonly system: SystemPrismaService,
    private readonly leads: LeadsService,
    private readonly activities: ActivitiesService,
    private readonly invoices: InvoicesService,
    private readonly clock: Clock,
  ) {}

  /**
   * The booking a link names, before the tenant is known. 404 (MeetingNotFoundError) exactly as the
   * read route: unknown, deleted (or its lead), expired, completed, or pending past its confirmation
   * deadline. A cancelled booking is returned: repeating a cancellation answers with the same state.
   */
  async target(meetingToken: string): Promise<TokenTarget> {
    // Tokens are base64url; anything else cannot match and is not worth a query.
    if (!/^[A-Za-z0-9_-]{16,200}$/.test(meetingToken)) throw new MeetingNotFoundError();
    const row = await this.system.transaction('meeting-token', (tx) =>
      this.repository.findTokenTarget(meetingToken, tx),
    );
    if (!row || row.lead.deletedAt) throw new MeetingNotFoundError();
    if (row.status === 'expired' || row.status === 'completed') throw new MeetingNotFoundError();
    const deadlinePassed =
      row.tokenExpiresAt !== null && row.tokenExpiresAt.getTime() <= this.clock.now().getTime();
    if (row.status === 'pending' && deadlinePassed) throw new MeetingNotFoundError();
    return row;
  }

  /** The booking with its lead (tenant context), or 404 as for a link that never existed. */
  async load(tenantId: string, bookingId: string, work?: Work): Promise<BookingWithLead> {
    const booking = await this.repository.findWithLead(tenantId, bookingId, work?.tx);
    if (!booking) throw new MeetingNotFoundError();
    return booking;
  }

  /**
   * The fee a cancelled booking was charged (incl. VAT, "312.50"), read back from its invoice: a
   * cancelled booking only has one from a late cancellation by the customer.
   */
  async chargedFee(tenantId: string, bookingId: string): Promise<string | null> {
    return toMoneyString(await this.repository.invoiceTotal(tenantId, bookingId));
  }

  /** The customer's next booking not yet begun, by the phone number on its lead (AFLYS, FLYT). */
  async nextByPhone(tenantId: string, phone: string): Promise<BookingWithLead | null> {
    const next = await this.repository.nextLiveByPhone(tenantId, phone, this.clock.now());
    return next ? this.repository.findWithLead(tenantId, next.id) : null;
  }

  /** Pending → confirmed; the lead is booked, the event made, the customer told. */
  async confirm(work: Work, current: BookingWithLead, source: SelfServiceSource): Promise<Booking> {
    const row = await this.repository.updateIfUnchanged(
      work.tenantId,
      current.id,
      current,
      { status: 'confirmed', confirmedAt: this.clock.now() },
      work.tx,
    );
    if (!row) throw new BookingChangedError();
    await this.record(work, row, source, {
      title: 'Kunden bekræftede bookingen',
      description: `Bekræftet ${SOURCE_WORDS[source]}`,
      status: 'success',
      metadata: { action: 'confirm', from: current.status },
    });
    await this.leads.applySystemMove(work.tx, row.leadId, 'booking_confirmed', null);
    await this.afterChange(work, row, 'confirmed');
    return row;
  }

  /**
   * Pending or confirmed → cancelled. A late one (`fee`) puts the fee line on the booking's draft
   * invoice in this same transaction, with the VAT priced as every invoice line is.
   */
  async cancel(
    work: Work,
    current: BookingWithLead,
    fee: CancellationFee | null,
    source: SelfServiceSource,
  ): Promise<{ booking: Booking; invoiceId: string | null }> {
    const row = await this.repository.updateIfUnchanged(
      work.tenantId,
      current.id,
      current,
      { status: 'cancelled', cancelledAt: this.clock.now() },
      work.tx,
    );
    if (!row) throw new BookingChangedError();
    let invoiceId: string | null = null;
    let feeNote = 'Aflysningen er gratis';
    if (fee) {
      const draft = await this.invoices.draftCancellationFee(
        work.tx,
        row.id,
        {
          description: `Gebyr for sen aflysning (mindre end ${fee.hours === 1 ? '1 time' : `${fee.hours} timer`} før)`,
          feeExclVat: fee.feeExclVat,
        },
        null,
      );
      const gross = formatKroner(withVat(fee.feeExclVat, fee.vatRate));
      if (draft) {
        invoiceId = draft.invoice.id;
        work.relayAfterCommit(draft.outboxIds);
        feeNote = `Sen aflysning: gebyr på ${gross} inkl. moms lagt på fakturakladden`;
      } else {
        // The booking was invoiced already: the fee needs a person, who can add it to that invoice.
        feeNote = `Sen aflysning: gebyret på ${gross} inkl. moms skal lægges på fakturaen manuelt`;
      }
    }
    await this.record(work, row, source, {
      title: 'Kunden aflyste bookingen',
      description: `Aflyst ${SOURCE_WORDS[source]}. ${feeNote}`,
      status: 'warning',
      metadata: {
        action: 'cancel',
        from: current.status,
        lateFeeExclVat: fee ? toMoneyString(fee.feeExclVat) : null,
        invoiceId,
      },
    });
    await this.leads.applySystemMove(work.tx, row.leadId, 'bookings_ended', null);
    await this.afterChange(work, row, 'customer_cancelled', fee);
    return { booking: row, invoiceId };
  }

  /**
   * A confirmed (or pending) booking moved to a free time the customer picked: revision + 1, a fresh
   * reminder, the team's time claimed under the overlap guard (the caller runs this through
   * `guardOverlap`: two customers picking the same time get one booking and one BookingOverlapError).
   * A pending booking picked a time, which confirms it.
   */
  async move(
    work: Work,
    current: BookingWithLead,
    slot: { teamId: string; startsAt: Date; endsAt: Date },
    claim: (claim: Claim) => void,
    source: SelfServiceSource,
    timezone: string,
  ): Promise<Booking> {
    const { tx, tenantId } = work;
    await this.placement.assertTeamBookable(tenantId, slot.teamId, tx);
    const overlap = await this.repository.findOverlap(tenantId, slot.teamId, slot, current.id, tx);
    if (overlap) throw new BookingOverlapError(slot.teamId, overlap.id);
    claim({ ...slot, excludeId: current.id });
    const durationHours = current.durationHours;
    const confirming = current.status === 'pending';
    const row = await this.repository.updateIfUnchanged(
      tenantId,
      current.id,
      current,
      {
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        teamId: slot.teamId,
        totalAmount: amountFor(durationHours, current.hourlyRate),
        revision: current.revision + 1,
        reminderSentAt: null,
        ...(confirming ? { status: 'confirmed' as const, confirmedAt: this.clock.now() } : {}),
      },
      tx,
    );
    if (!row) throw new BookingChangedError();
    await this.record(work, row, source, {
      title: 'Kunden flyttede bookingen',
      description: `Flyttet ${SOURCE_WORDS[source]} til ${describeTime(row, timezone)} (fra ${describeTime(current, timezone)})`,
      status: 'info',
      metadata: {
        action: 'reschedule',
        revision: row.revision,
        from: { startsAt: current.startsAt.toISOString(), teamId: current.teamId },
        to: { startsAt: row.startsAt.toISOString(), teamId: row.teamId },
      },
    });
    if (confirming) await this.leads.applySystemMove(tx, row.leadId, 'booking_confirmed', null);
    await this.afterChange(work, row, 'customer_moved');
    return row;
  }

  /** See `BookingPlacement.guardOverlap`. */
  guardOverlap<T>(write: (claim: (claim: Claim) => void) => Promise<T>): Promise<T> {
    return this.placement.guardOverlap(write);
  }

  /** The change on the lead's timeline: the customer's own doing, with where it came from. */
  private record(
    work: Work,
    row: Booking,
    source: SelfServiceSource,
    entry: {
      title: string;
      description: string;
      status: 'success' | 'warning' | 'info';
      metadata: Record<string, unknown>;
    },
  ): Promise<void> {
    return this.activities.record(work.tx, {
      type: 'booking',
      title: entry.title,
      description: entry.description,
      status: entry.status,
      customerId: row.customerId,
      leadId: row.leadId,
      bookingId: row.id,
      actorUserId: null,
      metadata: { ...entry.metadata, by: 'customer', source },
    });
  }

  /**
   * The team's calendar follows the booking, and the customer is told once per change: the dedup id
   * names the booking, the kind and the revision, as for the notices of changes by staff.
   */
  private async afterChange(
    work: Work,
    row: Booking,
    kind: 'confirmed' | 'customer_moved' | 'customer_cancelled',
    fee: CancellationFee | null = null,
  ): Promise<void> {
    await work.enqueue('calendar.sync-booking', { tenantId: work.tenantId, bookingId: row.id });
    await work.enqueue(
      'sms.booking-notice',
      {
        tenantId: work.tenantId,
        bookingId: row.id,
        kind,
        revision: row.revision,
        fee: fee ? { inclVat: toMoneyString(withVat(fee.feeExclVat, fee.vatRate))!, hours: fee.hours } : null,
      },
      { dedupId: `booking-notice:${row.id}:${kind}:${row.revision}` },
    );
    work.invalidatesCache();
  }
}
