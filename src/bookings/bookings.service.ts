import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { MANAGER_ROLES } from '../auth/auth.decorators.js';
import { isStaff, type Principal } from '../auth/principal.js';
import { isLiveBooking } from '../core/domain/booking-status.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { formatHours } from '../core/format/danish.js';
import { amountFor, Decimal } from '../core/money/money.js';
import type { BookingNoticeKind } from '../core/queue/jobs.js';
import { UnitOfWork, type Work } from '../core/unit-of-work/unit-of-work.js';
import type { Booking, Lead, Prisma } from '../generated/prisma/client.js';
import type { BookingStatus } from '../generated/prisma/enums.js';
import { InvoicesService } from '../invoices/invoices.service.js';
import { LeadsService } from '../leads/leads.service.js';
import { TenantProfileService } from '../tenants/tenant-profile.service.js';
import { BookingPlacement, leadHours, type Claim } from './booking-placement.service.js';
import { BookingQueries } from './booking-queries.service.js';
import { describeTime, endOf, HOUR_MS } from './booking-time.js';
import { BookingsRepository, type BookingChange } from './bookings.repository.js';
import {
  BookingChangedError,
  BookingFieldError,
  BookingForbiddenError,
  BookingNotLiveError,
  BookingOverlapError,
  BookingTransitionError,
  UseCompleteError,
} from './bookings.errors.js';
import type { CompleteBookingDto, CreateBookingDto, UpdateBookingDto } from './dto/booking-input.dto.js';
import { BookingDto } from './dto/booking.dto.js';
import { Clock } from '../core/time/clock.js';

export type { Claim } from './booking-placement.service.js';

/** How long a customer has to confirm a booking made from a lead's requested time. */
export const MEETING_TOKEN_TTL_MS = 48 * 3600 * 1000;

/**
 * The status moves a client may ask for (docs/architecture.md, Data model). Completion is not among them: it
 * needs the hours worked and has its own action. `expired` is the schedule's move only.
 */
const TRANSITIONS: Readonly<Record<BookingStatus, readonly BookingStatus[]>> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['in_progress', 'cancelled'],
  in_progress: ['cancelled'],
  completed: [],
  cancelled: [],
  expired: [],
};
const COMPLETABLE: readonly BookingStatus[] = ['confirmed', 'in_progress'];

export interface PlacedBooking {
  booking: Booking;
  meetingToken: string;
}

/**
 * The team's Google Calendar follows the booking (docs/architecture.md, step 7): confirmed → event, moved →
 * patched, cancelled → deleted. Relayed after the change commits. (A pending booking that expires never
 * had an event, so expiry writes none.)
 */
const syncCalendar = (work: Work, bookingId: string) =>
  work.enqueue('calendar.sync-booking', { tenantId: work.tenantId, bookingId });

/**
 * The customer hears of a change staff made (docs/architecture.md, step 7): an SMS and an e-mail, once
 * per change; the SMS module sends them (it sits above bookings, so the job is written by name). The
 * dedup id names the change, so the same change written twice is queued once; the texts and e-mails
 * themselves are unique per change in PostgreSQL.
 */
const notifyCustomer = (work: Work, booking: Booking, kind: BookingNoticeKind) =>
  work.enqueue(
    'sms.booking-notice',
    { tenantId: work.tenantId, bookingId: booking.id, kind, revision: booking.revision },
    { dedupId: `booking-notice:${booking.id}:${kind}:${booking.revision}` },
  );

/**
 * Changing bookings: creating them (the three ways in share `BookingPlacement`), moving, status moves
 * and completion. Reads are `BookingQueries`, the expiry schedule `BookingExpiry`. Every change writes
 * its activity in its unit of work and refreshes the tenant's cached figures after commit.
 */
@Injectable()
export class BookingsService {
  constructor(
    private readonly repository: BookingsRepository,
    private readonly placement: BookingPlacement,
    private readonly queries: BookingQueries,
    private readonly unitOfWork: UnitOfWork,
    private readonly invoices: InvoicesService,
    private readonly leads: LeadsService,
    private readonly activities: ActivitiesService,
    private readonly profile: TenantProfileService,
    private readonly clock: Clock,
    private readonly tenantPrisma: TenantPrismaService,
  ) {}

  // Creating ----------------------------------------------------------------------------------------

  /**
   * Staff book a lead by hand: the booking is confirmed at once and the lead becomes booked. The lead
   * is read once, locked, in the unit of work (a visible-lead read before it would be the same row
   * again), so the checks below and the lead's move see the lead as it is until the commit.
   */
  async create(principal: Principal, dto: CreateBookingDto): Promise<BookingDto> {
    const startsAt = new Date(dto.startsAt);
    const tenant = await this.profile.current();

    const booking = await this.placement.guardOverlap((claim) =>
      this.unitOfWork.run(async (work) => {
        const lead = await this.leads.lockVisible(work.tx, dto.leadId, principal);
        const assignedUserId = this.assigneeFor(principal, dto.assignedUserId, lead.assignedUserId);
        const durationHours =
          dto.durationHours !== undefined ? new Decimal(dto.durationHours) : leadHours(lead);
        if (dto.assignedUserId) await this.assertMember(work.tenantId, dto.assignedUserId, work.tx);
        const { booking: created } = await this.placement.place(
          work.tx,
          tenant,
          {
            lead,
            startsAt,
            endsAt: endOf(startsAt, durationHours),
            durationHours,
            teamId: dto.teamId,
            assignedUserId,
            status: 'confirmed',
            // Never shown for a booking staff made: the customer confirms nothing, so it never expires.
            tokenExpiresAt: null,
            activity: {
              title: 'Booking oprettet',
              describe: (time) => `Booket og bekræftet: ${time}`,
              status: 'success',
              actorUserId: principal.userId,
            },
          },
          claim,
        );
        await syncCalendar(work, created.id);
        await notifyCustomer(work, created, 'confirmed');
        work.invalidatesCache();
        return created;
      }),
    );
    return BookingDto.from(booking);
  }

  /**
   * A new lead's requested time, inside the transaction that creates the lead (POST /leads with
   * `scheduledAt`): a pending booking on the first free team, with the customer's meeting token, which
   * expires unless the booking is confirmed within 48 hours. The lead stays `new` until then.
   * The caller runs this through `guardOverlap` so a concurrent claim answers 409 as well.
   */
  async placePendingBooking(
    tx: ScopedTransaction,
    lead: Lead,
    startsAt: Date,
    actorUserId: string | null,
    claim: (claim: Claim) => void,
  ): Promise<PlacedBooking> {
    const tenant = await this.profile.current();
    const durationHours = leadHours(lead);
    return this.placement.place(
      tx,
      tenant,
      {
        lead,
        startsAt,
        endsAt: endOf(startsAt, durationHours),
        durationHours,
        assignedUserId: lead.assignedUserId,
        status: 'pending',
        tokenExpiresAt: new Date(this.clock.now().getTime() + MEETING_TOKEN_TTL_MS),
        activity: {
          title: 'Booking oprettet',
          describe: (time) => `Afventer bekræftelse: ${time}`,
          status: 'info',
          actorUserId,
        },
      },
      claim,
    );
  }

  /**
   * The slot a customer chose by SMS (docs/architecture.md, step 4), inside the caller's transaction: a
   * confirmed booking on the offered team and time, its activity, and the lead booked. Throws
   * BookingOverlapError when the team's time was taken meanwhile (the caller offers fresh times); the
   * caller runs it through `guardOverlap` so the exclusion constraint's refusal reads the same.
   */
  async confirmFromOffer(
    tx: ScopedTransaction,
    lead: Lead,
    slot: { teamId: string; startsAt: Date; endsAt: Date },
    claim: (claim: Claim) => void,
  ): Promise<Booking> {
    const tenant = await this.profile.current();
    const durationHours = new Decimal(slot.endsAt.getTime() - slot.startsAt.getTime()).dividedBy(HOUR_MS);
    const { booking } = await this.placement.place(
      tx,
      tenant,
      {
        lead,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        durationHours,
        teamId: slot.teamId,
        assignedUserId: lead.assignedUserId,
        status: 'confirmed',
        // The customer confirmed by choosing the time: the link never expires.
        tokenExpiresAt: null,
        activity: {
          title: 'Booket via SMS',
          describe: (time) => `Kunden valgte ${time}`,
          status: 'success',
          actorUserId: null,
          source: 'sms',
        },
      },
      claim,
    );
    return booking;
  }

  /** See `BookingPlacement.guardOverlap`: a write claiming a team's time answers a collision as 409. */
  guardOverlap<T>(write: (claim: (claim: Claim) => void) => Promise<T>): Promise<T> {
    return this.placement.guardOverlap(write);
  }

  // Changing ----------------------------------------------------------------------------------------

  /** Moves (time, length, team: revision + 1, new end and amount), reassigns, or edits notes. */
  async update(principal: Principal, bookingId: string, dto: UpdateBookingDto): Promise<BookingDto> {
    const current = await this.queries.findVisible(principal, bookingId);
    if (dto.assignedUserId !== undefined && isStaff(principal) && dto.assignedUserId !== principal.userId) {
      throw new BookingForbiddenError('Staff can assign bookings to themselves only');
    }
    const startsAt = dto.startsAt !== undefined ? new Date(dto.startsAt) : current.startsAt;
    const durationHours =
      dto.durationHours !== undefined ? new Decimal(dto.durationHours) : current.durationHours;
    const teamId = dto.teamId ?? current.teamId;
    const moving =
      startsAt.getTime() !== current.startsAt.getTime() ||
      !durationHours.equals(current.durationHours) ||
      teamId !== current.teamId;
    if (moving && !isLiveBooking(current.status)) throw new BookingNotLiveError(current.status);

    const change: BookingChange = {};
    if (moving) {
      Object.assign(change, {
        startsAt,
        endsAt: endOf(startsAt, durationHours),
        durationHours,
        teamId,
        totalAmount: amountFor(durationHours, current.hourlyRate),
        revision: current.revision + 1,
        // A new time needs its own reminder: the one sent was about the old time.
        ...(startsAt.getTime() !== current.startsAt.getTime() ? { reminderSentAt: null } : {}),
      });
    }
    if (dto.assignedUserId !== undefined && dto.assignedUserId !== current.assignedUserId) {
      change.assignedUserId = dto.assignedUserId;
    }
    if (dto.notes !== undefined && dto.notes !== current.notes) change.notes = dto.notes;
    if (Object.keys(change).length === 0) return BookingDto.from(current);

    const timezone = moving ? (await this.profile.current()).timezone : 'UTC';
    const updated = await this.placement.guardOverlap((claim) =>
      this.unitOfWork.run(async (work) => {
        const { tx, tenantId } = work;
        if (typeof change.assignedUserId === 'string')
          await this.assertMember(tenantId, change.assignedUserId, tx);
        if (moving) {
          const range = { startsAt, endsAt: change.endsAt as Date };
          if (teamId !== current.teamId) await this.placement.assertTeamBookable(tenantId, teamId, tx);
          const overlap = await this.repository.findOverlap(tenantId, teamId, range, current.id, tx);
          if (overlap) throw new BookingOverlapError(teamId, overlap.id);
          claim({ teamId, ...range, excludeId: current.id });
        }
        const row = await this.repository.updateIfUnchanged(tenantId, current.id, current, change, tx);
        if (!row) throw new BookingChangedError();
        await this.activities.record(tx, {
          type: 'booking',
          title: moving ? 'Booking flyttet' : 'Booking opdateret',
          description: moving
            ? `Flyttet til ${describeTime(row, timezone)} (fra ${describeTime(current, timezone)})`
            : `Ændret: ${Object.keys(change).join(', ')}`,
          status: 'info',
          customerId: row.customerId,
          leadId: row.leadId,
          bookingId: row.id,
          actorUserId: principal.userId,
          metadata: moving
            ? {
                revision: row.revision,
                from: {
                  startsAt: current.startsAt.toISOString(),
                  endsAt: current.endsAt.toISOString(),
                  teamId: current.teamId,
                },
                to: {
                  startsAt: row.startsAt.toISOString(),
                  endsAt: row.endsAt.toISOString(),
                  teamId: row.teamId,
                },
              }
            : { fields: Object.keys(change) },
        });
        // The event shows the time, team and notes.
        if (moving || change.notes !== undefined) await syncCalendar(work, row.id);
        // A pending booking is not the customer's yet (they confirm it themselves): only a confirmed one.
        if (moving && row.status === 'confirmed') await notifyCustomer(work, row, 'moved');
        work.invalidatesCache();
        return row;
      }),
    );
    return BookingDto.from(updated);
  }

  /**
   * confirm, start or cancel (docs/architecture.md, Data model); completion has its own action with the
   * hours.
   */
  async changeStatus(principal: Principal, bookingId: string, to: BookingStatus): Promise<BookingDto> {
    const current = await this.queries.findVisible(principal, bookingId);
    if (to === 'cancelled' && !MANAGER_ROLES.includes(principal.role)) {
      throw new BookingForbiddenError('Only admins and managers can cancel a booking');
    }
    if (to === 'completed' && COMPLETABLE.includes(current.status))
      throw new UseCompleteError(current.status);
    if (!TRANSITIONS[current.status].includes(to)) {
      throw new BookingTransitionError(current.status, to, TRANSITIONS[current.status]);
    }

    const now = new Date();
    const change: BookingChange = { status: to };
    if (to === 'confirmed') change.confirmedAt = now;
    if (to === 'cancelled') change.cancelledAt = now;

    const updated = await this.unitOfWork.run(async (work) => {
      const { tx, tenantId } = work;
      const row = await this.repository.updateIfUnchanged(tenantId, current.id, current, change, tx);
      if (!row) throw new BookingChangedError();
      await this.activities.record(tx, {
        type: 'booking',
        ...STATUS_ACTIVITY[to as 'confirmed' | 'in_progress' | 'cancelled'],
        customerId: row.customerId,
        leadId: row.leadId,
        bookingId: row.id,
        actorUserId: principal.userId,
        metadata: { from: current.status, to },
      });
      // The lead follows its bookings; bookings_ended runs after our update, so it sees this one ended.
      if (to === 'confirmed')
        await this.leads.applySystemMove(tx, row.leadId, 'booking_confirmed', principal.userId);
      if (to === 'cancelled')
        await this.leads.applySystemMove(tx, row.leadId, 'bookings_ended', principal.userId);
      if (to === 'confirmed' || to === 'cancelled') await syncCalendar(work, row.id);
      if (to === 'confirmed') await notifyCustomer(work, row, 'confirmed');
      if (to === 'cancelled') await notifyCustomer(work, row, 'cancelled');
      work.invalidatesCache();
      return row;
    });
    return BookingDto.from(updated);
  }

  /**
   * The job is done: records the hours worked and completes the booking and its lead.
   *
   * With it, the draft invoice (docs/architecture.md, step 8), in this same transaction, after the booking
   * row is updated, so a completed booking never lacks its invoice.
   */
  async complete(principal: Principal, bookingId: string, dto: CompleteBookingDto): Promise<BookingDto> {
    const current = await this.queries.findVisible(principal, bookingId);
    if (!COMPLETABLE.includes(current.status)) {
      throw new BookingTransitionError(current.status, 'completed', TRANSITIONS[current.status]);
    }
    const hoursWorked = new Decimal(dto.hoursWorked);

    const updated = await this.unitOfWork.run(async (work) => {
      const { tx, tenantId } = work;
      const row = await this.repository.updateIfUnchanged(
        tenantId,
        current.id,
        current,
        { status: 'completed', hoursWorked, completedAt: new Date() },
        tx,
      );
      if (!row) throw new BookingChangedError();
      await this.activities.record(tx, {
        type: 'completed',
        title: 'Booking afsluttet',
        description: `Udført: ${formatHours(hoursWorked)}`,
        status: 'success',
        customerId: row.customerId,
        leadId: row.leadId,
        bookingId: row.id,
        actorUserId: principal.userId,
        metadata: { from: current.status, hoursWorked: hoursWorked.toString() },
      });
      await this.leads.applySystemMove(tx, row.leadId, 'booking_completed', principal.userId);
      // The draft invoice in the same transaction: a completed booking never lacks its invoice. A visit of
      // a series invoiced monthly waits for its customer's monthly invoice instead (one line per visit).
      if ((await this.repository.visitInvoicing(tenantId, row.id, tx)) !== 'monthly')
        work.relayAfterCommit(await this.invoices.draftForCompletedBooking(tx, row.id, principal.userId));
      work.invalidatesCache();
      return row;
    });
    return BookingDto.from(updated);
  }

  /**
   * Marks the booking reminded at `at`, inside the caller's transaction (the SMS reminders): a
   * compare-and-set, true only for the one writer that found it still confirmed, unreminded and at the
   * time it read. False: someone reminded, cancelled or moved it meanwhile; send nothing.
   */
  markReminded(tx: ScopedTransaction, booking: Booking, at: Date): Promise<boolean> {
    return this.repository.markReminded(booking.tenantId, booking, at, tx);
  }

  /** Where the calendar sync put the booking's Google event, in the sync's transaction. */
  recordCalendarEvent(
    tx: ScopedTransaction,
    booking: { id: string; tenantId: string },
    event: { calendarId: string; eventId: string } | null,
  ): Promise<void> {
    return this.repository.saveCalendarEvent(booking.tenantId, booking.id, event, tx);
  }

  // Series visits (the booking-series feature calls these in its unit of work) ---------------------

  /**
   * One visit of a recurring series on the team's time, as any other booking: placed by the shared
   * placement (team check, overlap guard, amounts, activity), confirmed, with its calendar event and,
   * through the reminder schedule, its reminder. `moved`: the visit is not on its series date (a holiday,
   * a closed day or a collision moved it), so the customer is told of the new time.
   */
  async placeSeriesVisit(
    work: Work,
    visit: {
      lead: Lead;
      series: { id: string; occursOn: Date; fixedPrice: Prisma.Decimal | null; hourlyRate: Prisma.Decimal };
      startsAt: Date;
      durationHours: Prisma.Decimal;
      teamId?: string;
      moved: string | null;
    },
    claim: (claim: Claim) => void,
  ): Promise<Booking> {
    const tenant = await this.profile.current();
    const { booking } = await this.placement.place(
      work.tx,
      { ...tenant, hourlyRate: visit.series.hourlyRate },
      {
        lead: visit.lead,
        startsAt: visit.startsAt,
        endsAt: endOf(visit.startsAt, visit.durationHours),
        durationHours: visit.durationHours,
        teamId: visit.teamId,
        assignedUserId: visit.lead.assignedUserId,
        status: 'confirmed',
        tokenExpiresAt: null,
        series: { id: visit.series.id, occursOn: visit.series.occursOn, fixedPrice: visit.series.fixedPrice },
        activity: {
          title: 'Besøg i fast rengøring',
          describe: (time) => (visit.moved ? `${time} (flyttet: ${visit.moved})` : time),
          status: visit.moved ? 'warning' : 'info',
          actorUserId: null,
        },
      },
      claim,
    );
    await syncCalendar(work, booking.id);
    if (visit.moved) await notifyCustomer(work, booking, 'moved');
    return booking;
  }

  /**
   * A series date that gets no visit (the tenant skips rather than moves): recorded as a cancelled
   * booking, so the date is accounted for (the next run does not make it again) and the customer is
   * told, by the same notice as any cancellation. It holds no team time and has no calendar event.
   */
  async recordSkippedVisit(
    work: Work,
    visit: {
      lead: Lead;
      series: { id: string; occursOn: Date; hourlyRate: Prisma.Decimal; fixedPrice: Prisma.Decimal | null };
      startsAt: Date;
      durationHours: Prisma.Decimal;
      teamId: string;
      reason: string;
    },
  ): Promise<Booking> {
    const now = this.clock.now();
    const booking = await this.repository.create(
      work.tenantId,
      {
        leadId: visit.lead.id,
        customerId: visit.lead.customerId,
        teamId: visit.teamId,
        assignedUserId: visit.lead.assignedUserId,
        startsAt: visit.startsAt,
        endsAt: endOf(visit.startsAt, visit.durationHours),
        durationHours: visit.durationHours,
        hourlyRate: visit.series.hourlyRate,
        totalAmount: visit.series.fixedPrice ?? amountFor(visit.durationHours, visit.series.hourlyRate),
        status: 'cancelled',
        meetingToken: randomBytes(32).toString('base64url'),
        tokenExpiresAt: null,
        confirmedAt: null,
        cancelledAt: now,
        seriesId: visit.series.id,
        occursOn: visit.series.occursOn,
        notes: `Sprunget over: ${visit.reason}`,
      },
      work.tx,
    );
    await this.activities.record(work.tx, {
      type: 'booking',
      title: 'Besøg i fast rengøring sprunget over',
      description: `${describeTime(booking, (await this.profile.current()).timezone)}: ${visit.reason}`,
      status: 'warning',
      customerId: booking.customerId,
      leadId: booking.leadId,
      bookingId: booking.id,
      actorUserId: null,
      metadata: { seriesId: visit.series.id, reason: visit.reason },
    });
    await notifyCustomer(work, booking, 'cancelled');
    return booking;
  }

  /**
   * Moves one visit of a series (a series edit), inside the caller's unit of work: the same rules as
   * `update` (new end and amount, revision + 1, a fresh reminder, calendar patched, customer told). The
   * caller has checked the team's time for all the visits it changes; `claim` lets the exclusion
   * constraint's refusal answer as a 409 all the same. Null when the visit changed meanwhile.
   */
  async moveSeriesVisit(
    work: Work,
    current: Booking,
    to: { startsAt: Date; durationHours: Prisma.Decimal; teamId: string; totalAmount: Prisma.Decimal },
    actorUserId: string,
    claim: (claim: Claim) => void,
  ): Promise<Booking | null> {
    const endsAt = endOf(to.startsAt, to.durationHours);
    claim({ teamId: to.teamId, startsAt: to.startsAt, endsAt, excludeId: current.id });
    const timeChanged = to.startsAt.getTime() !== current.startsAt.getTime();
    const row = await this.repository.updateIfUnchanged(
      work.tenantId,
      current.id,
      current,
      {
        startsAt: to.startsAt,
        endsAt,
        durationHours: to.durationHours,
        teamId: to.teamId,
        totalAmount: to.totalAmount,
        revision: current.revision + 1,
        ...(timeChanged ? { reminderSentAt: null } : {}),
      },
      work.tx,
    );
    if (!row) return null;
    const timezone = (await this.profile.current()).timezone;
    await this.activities.record(work.tx, {
      type: 'booking',
      title: 'Besøg i fast rengøring ændret',
      description: `${describeTime(row, timezone)} (før ${describeTime(current, timezone)})`,
      status: 'info',
      customerId: row.customerId,
      leadId: row.leadId,
      bookingId: row.id,
      actorUserId,
      metadata: { seriesId: row.seriesId, revision: row.revision, teamId: row.teamId },
    });
    await syncCalendar(work, row.id);
    if (timeChanged && row.status === 'confirmed') await notifyCustomer(work, row, 'moved');
    work.invalidatesCache();
    return row;
  }

  /**
   * Cancels visits of a series (a pause, or the series ended), inside the caller's unit of work: each
   * cancelled (compare-and-set), its calendar event removed, the lead moved on once. `tell`: the customer
   * is told of each (a pause of a few visits); ending a whole series is one conversation, not many texts.
   */
  async cancelSeriesVisits(
    work: Work,
    visits: readonly Booking[],
    reason: string,
    actorUserId: string,
    tell: boolean,
  ): Promise<number> {
    const now = this.clock.now();
    let cancelled = 0;
    for (const visit of visits) {
      const row = await this.repository.updateIfUnchanged(
        work.tenantId,
        visit.id,
        visit,
        { status: 'cancelled', cancelledAt: now },
        work.tx,
      );
      if (!row) continue;
      cancelled += 1;
      await this.activities.record(work.tx, {
        type: 'booking',
        title: 'Besøg i fast rengøring aflyst',
        description: reason,
        status: 'warning',
        customerId: row.customerId,
        leadId: row.leadId,
        bookingId: row.id,
        actorUserId,
        metadata: { seriesId: row.seriesId, from: visit.status, to: 'cancelled' },
      });
      await syncCalendar(work, row.id);
      if (tell) await notifyCustomer(work, row, 'cancelled');
    }
    if (visits[0]) await this.leads.applySystemMove(work.tx, visits[0].leadId, 'bookings_ended', actorUserId);
    if (cancelled > 0) work.invalidatesCache();
    return cancelled;
  }

  /** Whether the team has a live booking overlapping the range, other than `excludeIds`; its id if so. */
  findClash(
    tx: ScopedTransaction | undefined,
    teamId: string,
    range: { startsAt: Date; endsAt: Date },
    excludeId?: string,
  ): Promise<{ id: string } | null> {
    return this.repository.findOverlap(this.tenantPrisma.tenantId, teamId, range, excludeId, tx);
  }

  /** The series' dates that already have a visit, and its live visits (from a series date on). */
  seriesDates(seriesId: string): Promise<Set<string>> {
    return this.repository.seriesDates(this.tenantPrisma.tenantId, seriesId);
  }

  liveSeriesVisits(seriesId: string, from: Date | null, tx?: ScopedTransaction): Promise<Booking[]> {
    return this.repository.liveSeriesVisits(this.tenantPrisma.tenantId, seriesId, from, tx);
  }

  assertTeamBookable(teamId: string, tx: ScopedTransaction): Promise<void> {
    return this.placement.assertTeamBookable(this.tenantPrisma.tenantId, teamId, tx);
  }

  activeTeamIds(tx: ScopedTransaction): Promise<string[]> {
    return this.repository
      .activeTeams(this.tenantPrisma.tenantId, tx)
      .then((teams) => teams.map((team) => team.id));
  }

  // Helpers -----------------------------------------------------------------------------------------

  private async assertMember(tenantId: string, userId: string, tx: ScopedTransaction): Promise<void> {
    if (!(await this.repository.isMember(tenantId, userId, tx))) {
      throw new BookingFieldError('assignedUserId', 'assignedUserId must be a user of this tenant');
    }
  }

  /**
   * Who the booking is assigned to. STAFF act only on what is theirs (docs/architecture.md, Tenancy), so they
   * may assign a booking to themselves but not hand it to someone else.
   */
  private assigneeFor(
    principal: Principal,
    requested: string | undefined,
    fallback: string | null,
  ): string | null {
    if (requested !== undefined && isStaff(principal) && requested !== principal.userId) {
      throw new BookingForbiddenError('Staff can assign bookings to themselves only');
    }
    return requested ?? fallback ?? (isStaff(principal) ? principal.userId : null);
  }
}

const STATUS_ACTIVITY = {
  confirmed: { title: 'Booking bekræftet', description: 'Bookingen er bekræftet', status: 'success' },
  in_progress: { title: 'Booking påbegyndt', description: 'Holdet er gået i gang', status: 'info' },
  cancelled: { title: 'Booking aflyst', description: 'Bookingen er aflyst', status: 'warning' },
} as const;
