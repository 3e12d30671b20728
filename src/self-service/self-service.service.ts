import { Injectable } from '@nestjs/common';

import { BookingOverlapError, BookingChangedError } from '../bookings/bookings.errors.js';
import {
  BookingSelfService,
  type BookingWithLead,
  type CancellationFee,
  type SelfServiceSource,
} from '../bookings/self-service.service.js';
import { AvailabilityService, type Slot } from '../calendar/availability.service.js';
import { TenantContextService } from '../core/database/tenant-context.js';
import { formatDateTime, formatKroner } from '../core/format/danish.js';
import { Decimal, toMoneyString, withVat } from '../core/money/money.js';
import { Clock } from '../core/time/clock.js';
import { UnitOfWork, type Work } from '../core/unit-of-work/unit-of-work.js';
import type { Booking } from '../generated/prisma/client.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { TenantProfileService, type TenantProfile } from '../tenants/tenant-profile.service.js';
import { MeetingActionDto, MeetingOptionsDto } from './dto/self-service.dto.js';
import {
  BookingNotChangeableError,
  NotASeriesVisitError,
  TimeNoLongerFreeError,
} from './self-service.errors.js';

const HOUR_MS = 3600_000;
/** Free times the booking page offers; an SMS (FLYT) offers three, like the first offer. */
export const PAGE_OPTIONS = 6;
export const SMS_OPTIONS = 3;

/** Work the SMS grammar does in the same transaction (record the inbound text, finish its event). */
export type InTransaction = (work: Work, booking: Booking) => Promise<void>;

/**
 * The customer's own changes to a booking (issue "customer self-service"): confirm, cancel (free until
 * the tenant's notice, then with the tenant's fee on the invoice) and move to an offered free time,
 * from the booking link (the meeting token, the tenant taken from the booking it names) or by SMS
 * (AFLYS, FLYT: the SMS module calls the same methods in the tenant of the number texted).
 *
 * Each action is idempotent: repeated after it succeeded it answers the same state and sends nothing
 * (the row's compare-and-set decides between two at once). Each is recorded on the lead's timeline,
 * tells staff through a notification, moves the calendar event (`calendar.sync-booking`) and confirms
 * to the customer by SMS and e-mail (`sms.booking-notice`, which keeps opt-out and quiet hours).
 */
@Injectable()
export class SelfServiceService {
  constructor(
    private readonly bookings: BookingSelfService,
    private readonly context: TenantContextService,
    private readonly unitOfWork: UnitOfWork,
    private readonly availability: AvailabilityService,
    private readonly notifications: NotificationsService,
    private readonly profiles: TenantProfileService,
    private readonly clock: Clock,
  ) {}

  // The booking link --------------------------------------------------------------------------------

  confirmByLink(meetingToken: string): Promise<MeetingActionDto> {
    return this.asCustomer(meetingToken, (booking, profile) =>
      this.confirm(booking, profile, 'meeting_link'),
    );
  }

  cancelByLink(meetingToken: string): Promise<MeetingActionDto> {
    return this.asCustomer(meetingToken, (booking, profile) => this.cancel(booking, profile, 'meeting_link'));
  }

  rescheduleByLink(meetingToken: string, startsAt: string): Promise<MeetingActionDto> {
    return this.asCustomer(meetingToken, (booking, profile) =>
      this.reschedule(booking, profile, new Date(startsAt), 'meeting_link'),
    );
  }

  /**
   * One visit of a recurring series left out: the visit is cancelled on the same terms as a
   * cancellation (free until the notice, then the fee), and the series goes on. The materialiser never
   * makes a date that has a visit in any status again, so the skipped date stays skipped.
   */
  skipByLink(meetingToken: string): Promise<MeetingActionDto> {
    return this.asCustomer(meetingToken, (booking, profile) => {
      if (booking.seriesId === null) throw new NotASeriesVisitError();
      return this.cancel(booking, profile, 'meeting_link');
    });
  }

  optionsByLink(meetingToken: string): Promise<MeetingOptionsDto> {
    return this.asCustomer(meetingToken, async (booking) => {
      const slots = await this.options(booking, PAGE_OPTIONS);
      return Object.assign(new MeetingOptionsDto(), {
        options: slots.map((slot) => ({
          startsAt: slot.startsAt.toISOString(),
          endsAt: slot.endsAt.toISOString(),
        })),
      });
    });
  }

  // The actions, for the link and the SMS grammar (tenant context) ----------------------------------

  /** The customer's next booking not yet begun, by the number they text from (AFLYS, FLYT). */
  nextByPhone(phone: string): Promise<BookingWithLead | null> {
    return this.bookings.nextByPhone(this.context.get().tenantId, phone);
  }

  /** The booking with its lead in the current tenant (the SMS grammar's reschedule offers name it). */
  load(bookingId: string): Promise<BookingWithLead> {
    return this.bookings.load(this.context.get().tenantId, bookingId);
  }

  async confirm(
    booking: BookingWithLead,
    profile: TenantProfile,
    source: SelfServiceSource,
  ): Promise<MeetingActionDto> {
    if (booking.status === 'confirmed') return MeetingActionDto.from(booking, null);
    if (booking.status !== 'pending') throw new BookingNotChangeableError(booking.status, 'confirm');
    const row = await this.repeatable(booking, 'confirmed', () =>
      this.unitOfWork.run(async (work) => {
        const confirmed = await this.bookings.confirm(work, booking, source);
        await this.tellStaff(work, booking, confirmed, 'confirm', profile, []);
        return confirmed;
      }),
    );
    return MeetingActionDto.from(row, null);
  }

  /**
   * Free until `freeCancellationHours` before the start; later, a confirmed booking's cancellation
   * puts the tenant's fee (if any) on the booking's draft invoice. A booking never confirmed costs
   * nothing: the customer had not accepted the time.
   */
  async cancel(
    booking: BookingWithLead,
    profile: TenantProfile,
    source: SelfServiceSource,
    inTransaction?: InTransaction,
  ): Promise<MeetingActionDto> {
    if (booking.status === 'cancelled') {
      // Repeated (or cancelled by staff): the same state, with the fee as it was charged, if one was.
      return MeetingActionDto.from(booking, await this.bookings.chargedFee(booking.tenantId, booking.id));
    }
    if (booking.status !== 'pending' && booking.status !== 'confirmed')
      throw new BookingNotChangeableError(booking.status, 'cancel');
    const fee = this.feeFor(booking, profile, this.clock.now());
    const row = await this.repeatable(booking, 'cancelled', () =>
      this.unitOfWork.run(async (work) => {
        const { booking: cancelled } = await this.bookings.cancel(work, booking, fee, source);
        const feeLine = fee
          ? [`Sen aflysning: gebyr på ${formatKroner(withVat(fee.feeExclVat, fee.vatRate))} inkl. moms`]
          : ['Aflyst i god tid: intet gebyr'];
        await this.tellStaff(work, booking, cancelled, 'cancel', profile, feeLine);
        await inTransaction?.(work, cancelled);
        return cancelled;
      }),
    );
    return MeetingActionDto.from(row, this.feeInclVat(fee));
  }

  /** The free times the booking can move to (held offers and the notice respected), earliest first. */
  async options(booking: BookingWithLead, count: number): Promise<Slot[]> {
    if (booking.status !== 'pending' && booking.status !== 'confirmed')
      throw new BookingNotChangeableError(booking.status, 'reschedule');
    const slots = await this.availability.offer(booking.durationHours.toNumber(), count + 1);
    return slots.filter((slot) => slot.startsAt.getTime() !== booking.startsAt.getTime()).slice(0, count);
  }

  /**
   * Moves the booking to `startsAt` if that time is free for its length (the booking's own team
   * preferred). Two customers picking the same time: the overlap guard lets one through and the
   * other gets TimeNoLongerFreeError (409 `time_no_longer_free`). Picking the time it already has
   * answers the state, so a repeated request moves nothing twice.
   */
  async reschedule(
    booking: BookingWithLead,
    profile: TenantProfile,
    startsAt: Date,
    source: SelfServiceSource,
    options: { held?: boolean; inTransaction?: InTransaction } = {},
  ): Promise<MeetingActionDto> {
    if (booking.status !== 'pending' && booking.status !== 'confirmed')
      throw new BookingNotChangeableError(booking.status, 'reschedule');
    if (booking.startsAt.getTime() === startsAt.getTime()) return MeetingActionDto.from(booking, null);
    const hours = booking.durationHours.toNumber();
    const free = await this.availability.available({
      from: startsAt,
      to: new Date(startsAt.getTime() + 60_000),
      durationHours: hours,
      exceptLeadId: booking.leadId,
      // A time offered by SMS and answered within its hold keeps it, as the first offer's does.
      ignoreNotice: options.held ?? false,
    });
    const matching = free.filter((slot) => slot.startsAt.getTime() === startsAt.getTime());
    const slot = matching.find((candidate) => candidate.teamId === booking.teamId) ?? matching[0];
    if (!slot) throw new TimeNoLongerFreeError(startsAt);
    try {
      const row = await this.bookings.guardOverlap((claim) =>
        this.unitOfWork.run(async (work) => {
          const moved = await this.bookings.move(
            work,
            booking,
            {
              teamId: slot.teamId,
              startsAt: slot.startsAt,
              endsAt: new Date(slot.startsAt.getTime() + hours * HOUR_MS),
            },
            claim,
            source,
            profile.timezone,
          );
          await this.tellStaff(work, booking, moved, 'reschedule', profile, [
            `Fra: ${formatDateTime(booking.startsAt, profile.timezone)}`,
            `Til: ${formatDateTime(moved.startsAt, profile.timezone)}`,
          ]);
          await options.inTransaction?.(work, moved);
          return moved;
        }),
      );
      return MeetingActionDto.from(row, null);
    } catch (error) {
      if (error instanceof BookingOverlapError) throw new TimeNoLongerFreeError(startsAt);
      if (error instanceof BookingChangedError) {
        // The same customer twice at once: the one that lost finds the time it asked for.
        const now = await this.bookings.load(booking.tenantId, booking.id);
        if (now.startsAt.getTime() === startsAt.getTime()) return MeetingActionDto.from(now, null);
      }
      throw error;
    }
  }

  // Helpers -----------------------------------------------------------------------------------------

  /** Runs `fn` in the tenant of the booking the link names, with the booking and the tenant's rules. */
  private async asCustomer<T>(
    meetingToken: string,
    fn: (booking: BookingWithLead, profile: TenantProfile) => Promise<T>,
  ): Promise<T> {
    const target = await this.bookings.target(meetingToken);
    return this.context.run({ tenantId: target.tenantId }, async () => {
      const booking = await this.bookings.load(target.tenantId, target.id);
      return fn(booking, await this.profiles.current());
    });
  }

  /**
   * A change that lost the row's compare-and-set to the same change at the same moment (a double
   * click) answers the state the winner left; any other change meanwhile is the caller's 409.
   */
  private async repeatable(
    booking: BookingWithLead,
    status: 'confirmed' | 'cancelled',
    change: () => Promise<Booking>,
  ): Promise<Booking> {
    try {
      return await change();
    } catch (error) {
      if (!(error instanceof BookingChangedError)) throw error;
      const now = await this.bookings.load(booking.tenantId, booking.id);
      if (now.status === status) return now;
      throw error;
    }
  }

  /** The fee of a cancellation at `at`, or null: in time, never confirmed, or the tenant charges none. */
  private feeFor(booking: Booking, profile: TenantProfile, at: Date): CancellationFee | null {
    if (profile.lateCancellationFeeOre <= 0 || booking.status !== 'confirmed') return null;
    const freeUntil = booking.startsAt.getTime() - profile.freeCancellationHours * HOUR_MS;
    if (at.getTime() <= freeUntil) return null;
    return {
      feeExclVat: new Decimal(profile.lateCancellationFeeOre).dividedBy(100),
      vatRate: profile.vatRate,
      hours: profile.freeCancellationHours,
    };
  }

  private feeInclVat(fee: CancellationFee | null): string | null {
    return fee ? toMoneyString(withVat(fee.feeExclVat, fee.vatRate)) : null;
  }

  /** The staff notification of the customer's change, once per booking, action and revision. */
  private async tellStaff(
    work: Work,
    before: BookingWithLead,
    after: Booking,
    action: 'confirm' | 'cancel' | 'reschedule',
    profile: TenantProfile,
    details: string[],
  ): Promise<void> {
    const name = before.lead.customerName;
    const when = formatDateTime(before.startsAt, profile.timezone);
    const title = {
      confirm: `${name} har bekræftet bookingen ${when}`,
      cancel: `${name} har aflyst bookingen ${when}`,
      reschedule: `${name} har flyttet bookingen ${when}`,
    }[action];
    await this.notifications.customerChangedBooking(work, {
      bookingId: after.id,
      lead: before.lead,
      title,
      key: `${after.id}:${action}:${after.revision}`,
      details,
    });
  }
}
