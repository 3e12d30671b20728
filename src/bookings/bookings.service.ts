import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

import { ActivitiesService } from '../activities/activities.service.js';
import { MANAGER_ROLES } from '../auth/auth.decorators.js';
import { isStaff, type Principal } from '../auth/principal.js';
import { TenantCacheService } from '../core/cache/tenant-cache.service.js';
import { isLiveBooking } from '../core/domain/booking-status.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { findSqlState } from '../core/http/database-errors.js';
import { paginated, parseSort } from '../core/http/pagination.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import { amountFor, Decimal, type DecimalInput } from '../core/money/money.js';
import { parseRangeBoundary } from '../core/time/tenant-time.js';
import type { Booking, Lead, Prisma } from '../generated/prisma/client.js';
import type { BookingStatus } from '../generated/prisma/enums.js';
import { InvoicesService } from '../invoices/invoices.service.js';
import { LeadsService } from '../leads/leads.service.js';
import { TenantProfileService } from '../tenants/tenant-profile.service.js';
import { BookingsRepository, type BookingChange } from './bookings.repository.js';
import {
  BookingChangedError,
  BookingFieldError,
  BookingForbiddenError,
  BookingNotFoundError,
  BookingNotLiveError,
  BookingOverlapError,
  BookingTeamNotFoundError,
  BookingTransitionError,
  MeetingNotFoundError,
  NoTeamFreeError,
  TeamInactiveError,
  UseCompleteError,
} from './bookings.errors.js';
import {
  BOOKING_SORT_FIELDS,
  type BookingQueryDto,
  type CompleteBookingDto,
  type CreateBookingDto,
  type UpdateBookingDto,
} from './dto/booking-input.dto.js';
import { BookingDto, MeetingViewDto, type BookingPageDto } from './dto/booking.dto.js';
import { Clock } from '../core/time/clock.js';

/** How long a customer has to confirm a booking made from a lead's requested time. */
export const MEETING_TOKEN_TTL_MS = 48 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;
/** How many expired bookings one tenant's run handles; the next run (5 minutes later) takes the rest. */
const EXPIRY_BATCH = 500;

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

/** The time and team a write is about to claim; kept so a database refusal can name the collision. */
export interface Claim {
  teamId: string;
  startsAt: Date;
  endsAt: Date;
  excludeId?: string;
}

export interface PlacedBooking {
  booking: Booking;
  meetingToken: string;
}

const endOf = (startsAt: Date, hours: DecimalInput) =>
  new Date(startsAt.getTime() + new Decimal(hours).times(HOUR_MS).toNumber());
/** A lead's estimate as a bookable duration: rounded up to the half hour, as availability does. */
const bookableHours = (hours: Prisma.Decimal) => new Decimal(hours).times(2).ceil().dividedBy(2);
const newMeetingToken = () => randomBytes(32).toString('base64url');

/**
 * Bookings: a lead's job placed on one team's time. The team's time is guarded twice: a query inside
 * the transaction gives a helpful 409 naming the colliding booking, and the exclusion constraint
 * `bookings_team_no_overlap` decides between writers that arrive together (its 23P01 is answered as
 * the same 409). Every change writes its activity in its transaction and refreshes the tenant's cached
 * figures after commit.
 */
@Injectable()
export class BookingsService {
  constructor(
    private readonly repository: BookingsRepository,
    private readonly invoices: InvoicesService,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly system: SystemPrismaService,
    private readonly leads: LeadsService,
    private readonly activities: ActivitiesService,
    private readonly profile: TenantProfileService,
    private readonly cache: TenantCacheService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  // Reads -------------------------------------------------------------------------------------------

  async list(principal: Principal, query: BookingQueryDto): Promise<BookingPageDto> {
    const orderBy = parseSort(query.sort, BOOKING_SORT_FIELDS, { field: 'startsAt', direction: 'asc' });
    const timezone = query.from || query.to ? (await this.profile.current()).timezone : 'UTC';
    const page = await this.repository.page(
      this.tenantPrisma.tenantId,
      {
        status: query.status,
        teamId: query.teamId,
        leadId: query.leadId,
        from: query.from ? parseRangeBoundary(query.from, timezone, 'from') : undefined,
        to: query.to ? parseRangeBoundary(query.to, timezone, 'to') : undefined,
        visibleTo: isStaff(principal) ? principal.userId : undefined,
      },
      orderBy,
      { skip: query.skip, take: query.pageSize },
    );
    return paginated(query, page, BookingDto.from);
  }

  async get(principal: Principal, bookingId: string): Promise<BookingDto> {
    return BookingDto.from(await this.findVisible(principal, bookingId));
  }

  /**
   * The customer's booking link: by token over the system path, answering only the public fields, and
   * only while the booking is live. A link outlives its use (forwarded mails, shared screens), so once
   * the booking is cancelled, expired, done or deleted (or its lead is) the link answers 404 exactly
   * like a token that never existed: not even that it once showed an address. A pending booking's link
   * dies at its confirmation deadline, before the expiry schedule gets to it; a confirmed one's lives
   * on, as the customer was told it would.
   */
  async meetingView(meetingToken: string): Promise<MeetingViewDto> {
    // Tokens are base64url; anything else cannot match and is not worth a query.
    if (!/^[A-Za-z0-9_-]{16,200}$/.test(meetingToken)) throw new MeetingNotFoundError();
    const row = await this.system.transaction('meeting-token', (tx) =>
      this.repository.findByMeetingToken(meetingToken, tx),
    );
    const now = new Date();
    if (!row || row.lead.deletedAt || !isLiveBooking(row.status)) throw new MeetingNotFoundError();
    const deadlinePassed = row.tokenExpiresAt !== null && row.tokenExpiresAt.getTime() <= now.getTime();
    if (row.status === 'pending' && deadlinePassed) throw new MeetingNotFoundError();
    // The deadline is for confirming: a confirmed booking past it is not expired.
    const deadline = row.status === 'pending' ? row.tokenExpiresAt : null;
    return MeetingViewDto.from({ ...row, tokenExpiresAt: deadline }, row.lead, now);
  }

  // Creating ----------------------------------------------------------------------------------------

  /** Staff book a lead by hand: the booking is confirmed at once and the lead becomes booked. */
  async create(principal: Principal, dto: CreateBookingDto): Promise<BookingDto> {
    const lead = await this.leads.findVisible(dto.leadId, principal);
    const assignedUserId = this.assigneeFor(principal, dto.assignedUserId, lead.assignedUserId);
    const durationHours =
      dto.durationHours !== undefined ? new Decimal(dto.durationHours) : this.leadHours(lead);
    const startsAt = new Date(dto.startsAt);
    const range = { startsAt, endsAt: endOf(startsAt, durationHours) };
    const tenant = await this.profile.current();
    const tenantId = tenant.id;
    const outboxIds: string[] = [];

    const booking = await this.guardOverlap(async (claim) => {
      return this.tenantPrisma.transaction(async (tx) => {
        if (dto.assignedUserId) await this.assertMember(tenantId, dto.assignedUserId, tx);
        const teamId = await this.chooseTeam(tenantId, range, dto.teamId, tx);
        claim({ teamId, ...range });
        const now = new Date();
        const created = await this.repository.create(
          tenantId,
          {
            leadId: lead.id,
            customerId: lead.customerId,
            teamId,
            assignedUserId,
            ...range,
            durationHours,
            hourlyRate: tenant.hourlyRate,
            totalAmount: amountFor(durationHours, tenant.hourlyRate),
            status: 'confirmed',
            // Never shown for a booking staff made: the customer confirms nothing, so it never expires.
            meetingToken: newMeetingToken(),
            tokenExpiresAt: null,
            confirmedAt: now,
          },
          tx,
        );
        await this.activities.record(tx, {
          type: 'booking',
          title: 'Booking oprettet',
          description: `Booket og bekræftet: ${describeTime(created, tenant.timezone)}`,
          status: 'success',
          customerId: created.customerId,
          leadId: created.leadId,
          bookingId: created.id,
          actorUserId: principal.userId,
          metadata: { teamId, status: created.status },
        });
        await this.leads.applySystemMove(tx, lead.id, 'booking_confirmed', principal.userId);
        outboxIds.push(await this.syncCalendar(tx, tenantId, created.id));
        return created;
      });
    });
    this.outbox.relay(outboxIds);
    await this.cache.invalidate(tenantId);
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
    const durationHours = this.leadHours(lead);
    const range = { startsAt, endsAt: endOf(startsAt, durationHours) };
    const teamId = await this.chooseTeam(tenant.id, range, undefined, tx);
    claim({ teamId, ...range });
    const meetingToken = newMeetingToken();
    const booking = await this.repository.create(
      tenant.id,
      {
        leadId: lead.id,
        customerId: lead.customerId,
        teamId,
        assignedUserId: lead.assignedUserId,
        ...range,
        durationHours,
        hourlyRate: tenant.hourlyRate,
        totalAmount: amountFor(durationHours, tenant.hourlyRate),
        status: 'pending',
        meetingToken,
        tokenExpiresAt: new Date(this.clock.now().getTime() + MEETING_TOKEN_TTL_MS),
        confirmedAt: null,
      },
      tx,
    );
    await this.activities.record(tx, {
      type: 'booking',
      title: 'Booking oprettet',
      description: `Afventer bekræftelse: ${describeTime(booking, tenant.timezone)}`,
      status: 'info',
      customerId: booking.customerId,
      leadId: booking.leadId,
      bookingId: booking.id,
      actorUserId,
      metadata: { teamId, status: booking.status },
    });
    return { booking, meetingToken };
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
    await this.assertTeamBookable(tenant.id, slot.teamId, tx);
    const overlap = await this.repository.findOverlap(tenant.id, slot.teamId, slot, undefined, tx);
    if (overlap) throw new BookingOverlapError(slot.teamId, overlap.id);
    claim(slot);
    const durationHours = new Decimal(slot.endsAt.getTime() - slot.startsAt.getTime()).dividedBy(HOUR_MS);
    const booking = await this.repository.create(
      tenant.id,
      {
        leadId: lead.id,
        customerId: lead.customerId,
        teamId: slot.teamId,
        assignedUserId: lead.assignedUserId,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        durationHours,
        hourlyRate: tenant.hourlyRate,
        totalAmount: amountFor(durationHours, tenant.hourlyRate),
        status: 'confirmed',
        // The customer confirmed by choosing the time: the link never expires.
        meetingToken: newMeetingToken(),
        tokenExpiresAt: null,
        confirmedAt: new Date(),
      },
      tx,
    );
    await this.activities.record(tx, {
      type: 'booking',
      title: 'Booket via SMS',
      description: `Kunden valgte ${describeTime(booking, tenant.timezone)}`,
      status: 'success',
      customerId: booking.customerId,
      leadId: booking.leadId,
      bookingId: booking.id,
      actorUserId: null,
      metadata: { teamId: slot.teamId, status: booking.status, source: 'sms' },
    });
    await this.leads.applySystemMove(tx, lead.id, 'booking_confirmed', null);
    return booking;
  }

  // Changing ----------------------------------------------------------------------------------------

  /** Moves (time, length, team: revision + 1, new end and amount), reassigns, or edits notes. */
  async update(principal: Principal, bookingId: string, dto: UpdateBookingDto): Promise<BookingDto> {
    const current = await this.findVisible(principal, bookingId);
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

    const tenantId = this.tenantPrisma.tenantId;
    const timezone = moving ? (await this.profile.current()).timezone : 'UTC';
    const outboxIds: string[] = [];
    const updated = await this.guardOverlap((claim) =>
      this.tenantPrisma.transaction(async (tx) => {
        if (typeof change.assignedUserId === 'string')
          await this.assertMember(tenantId, change.assignedUserId, tx);
        if (moving) {
          const range = { startsAt, endsAt: change.endsAt as Date };
          if (teamId !== current.teamId) await this.assertTeamBookable(tenantId, teamId, tx);
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
        if (moving || change.notes !== undefined)
          outboxIds.push(await this.syncCalendar(tx, tenantId, row.id));
        return row;
      }),
    );
    this.outbox.relay(outboxIds);
    await this.cache.invalidate(tenantId);
    return BookingDto.from(updated);
  }

  /**
   * confirm, start or cancel (docs/architecture.md, Data model); completion has its own action with the
   * hours.
   */
  async changeStatus(principal: Principal, bookingId: string, to: BookingStatus): Promise<BookingDto> {
    const current = await this.findVisible(principal, bookingId);
    if (to === 'cancelled' && !MANAGER_ROLES.includes(principal.role)) {
      throw new BookingForbiddenError('Only admins and managers can cancel a booking');
    }
    if (to === 'completed' && COMPLETABLE.includes(current.status))
      throw new UseCompleteError(current.status);
    if (!TRANSITIONS[current.status].includes(to)) {
      throw new BookingTransitionError(current.status, to, TRANSITIONS[current.status]);
    }

    const tenantId = this.tenantPrisma.tenantId;
    const now = new Date();
    const change: BookingChange = { status: to };
    if (to === 'confirmed') change.confirmedAt = now;
    if (to === 'cancelled') change.cancelledAt = now;
    const outboxIds: string[] = [];

    const updated = await this.tenantPrisma.transaction(async (tx) => {
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
      if (to === 'confirmed' || to === 'cancelled')
        outboxIds.push(await this.syncCalendar(tx, tenantId, row.id));
      return row;
    });
    this.outbox.relay(outboxIds);
    await this.cache.invalidate(tenantId);
    return BookingDto.from(updated);
  }

  /**
   * The job is done: records the hours worked and completes the booking and its lead.
   *
   * With it, the draft invoice (docs/architecture.md, step 8), in this same transaction, after the booking
   * row is updated, so a completed booking never lacks its invoice.
   */
  async complete(principal: Principal, bookingId: string, dto: CompleteBookingDto): Promise<BookingDto> {
    const current = await this.findVisible(principal, bookingId);
    if (!COMPLETABLE.includes(current.status)) {
      throw new BookingTransitionError(current.status, 'completed', TRANSITIONS[current.status]);
    }
    const tenantId = this.tenantPrisma.tenantId;
    const hoursWorked = new Decimal(dto.hoursWorked);

    const invoiceJobs: string[] = [];
    const updated = await this.tenantPrisma.transaction(async (tx) => {
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
        description: `Udført: ${hoursWorked.toString()} timer`,
        status: 'success',
        customerId: row.customerId,
        leadId: row.leadId,
        bookingId: row.id,
        actorUserId: principal.userId,
        metadata: { from: current.status, hoursWorked: hoursWorked.toString() },
      });
      await this.leads.applySystemMove(tx, row.leadId, 'booking_completed', principal.userId);
      // The draft invoice in the same transaction: a completed booking never lacks its invoice.
      invoiceJobs.push(...(await this.invoices.draftForCompletedBooking(tx, row.id, principal.userId)));
      return row;
    });
    this.invoices.relay(invoiceJobs);
    await this.cache.invalidate(tenantId);
    return BookingDto.from(updated);
  }

  // Expiry (the 5-minute schedule) ------------------------------------------------------------------

  /** The tenants with pending bookings past their deadline: the schedule's fan-out, over the system path. */
  tenantsWithExpiredPending(now: Date): Promise<string[]> {
    return this.system.transaction('schedule-fan-out', (tx) =>
      this.repository.tenantsWithExpiredPending(now, tx),
    );
  }

  /**
   * Expires the current tenant's pending bookings past `tokenExpiresAt`. Compare-and-set on `pending`,
   * so a booking confirmed meanwhile is left alone and a second run changes nothing.
   */
  async expirePending(now: Date): Promise<number> {
    const tenantId = this.tenantPrisma.tenantId;
    const expired = await this.tenantPrisma.transaction(async (tx) => {
      const candidates = await this.repository.findExpiredPending(tenantId, now, EXPIRY_BATCH, tx);
      let count = 0;
      for (const booking of candidates) {
        if (!(await this.repository.expireIfPending(tenantId, booking.id, now, tx))) continue;
        count += 1;
        await this.activities.record(tx, {
          type: 'booking',
          title: 'Booking udløbet',
          description: 'Bookingen blev ikke bekræftet i tide',
          status: 'warning',
          customerId: booking.customerId,
          leadId: booking.leadId,
          bookingId: booking.id,
          actorUserId: null,
          metadata: { tokenExpiresAt: booking.tokenExpiresAt?.toISOString() ?? null },
        });
        await this.leads.applySystemMove(tx, booking.leadId, 'bookings_ended', null);
      }
      return count;
    });
    if (expired > 0) await this.cache.invalidate(tenantId);
    return expired;
  }

  // Helpers -----------------------------------------------------------------------------------------

  /**
   * The team's Google Calendar follows the booking (docs/architecture.md, step 7): confirmed → event, moved →
   * patched, cancelled → deleted. The job is written in the change's transaction; relay its id after
   * commit. (A pending booking that expires never had an event, so expiry writes none.)
   */
  private syncCalendar(tx: ScopedTransaction, tenantId: string, bookingId: string): Promise<string> {
    return this.outbox.write(tx, tenantId, 'calendar.sync-booking', { tenantId, bookingId });
  }

  /**
   * Runs a write that claims a team's time. If PostgreSQL's exclusion constraint refuses it (another
   * request claimed the time after our check), answers the same 409 as the check, naming the booking
   * that won.
   */
  async guardOverlap<T>(write: (claim: (claim: Claim) => void) => Promise<T>): Promise<T> {
    let claimed: Claim | undefined;
    try {
      return await write((claim) => {
        claimed = claim;
      });
    } catch (error) {
      if (!claimed || findSqlState(error) !== '23P01') throw error;
      const winner = await this.repository.findOverlap(
        this.tenantPrisma.tenantId,
        claimed.teamId,
        claimed,
        claimed.excludeId,
      );
      throw new BookingOverlapError(claimed.teamId, winner?.id ?? null);
    }
  }

  private async findVisible(principal: Principal, bookingId: string): Promise<Booking> {
    const booking = await this.repository.find(
      this.tenantPrisma.tenantId,
      bookingId,
      isStaff(principal) ? principal.userId : undefined,
    );
    if (!booking) throw new BookingNotFoundError();
    return booking;
  }

  /** The given team if it is free, else the first active team (by name) free for the whole range. */
  private async chooseTeam(
    tenantId: string,
    range: { startsAt: Date; endsAt: Date },
    teamId: string | undefined,
    tx: ScopedTransaction,
  ): Promise<string> {
    if (teamId) {
      await this.assertTeamBookable(tenantId, teamId, tx);
      const overlap = await this.repository.findOverlap(tenantId, teamId, range, undefined, tx);
      if (overlap) throw new BookingOverlapError(teamId, overlap.id);
      return teamId;
    }
    const conflicts: Array<{ teamId: string; conflictingBookingId: string }> = [];
    for (const team of await this.repository.activeTeams(tenantId, tx)) {
      const overlap = await this.repository.findOverlap(tenantId, team.id, range, undefined, tx);
      if (!overlap) return team.id;
      conflicts.push({ teamId: team.id, conflictingBookingId: overlap.id });
    }
    throw new NoTeamFreeError(range.startsAt, range.endsAt, conflicts);
  }

  private async assertTeamBookable(tenantId: string, teamId: string, tx: ScopedTransaction): Promise<void> {
    const team = await this.repository.findTeam(tenantId, teamId, tx);
    if (!team) throw new BookingTeamNotFoundError();
    if (!team.active) throw new TeamInactiveError(teamId);
  }

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

  private leadHours(lead: Lead): Prisma.Decimal {
    if (!lead.estimatedHours || lead.estimatedHours.lte(0)) {
      throw new BookingFieldError(
        'durationHours',
        'durationHours is required: the lead has no estimated hours',
      );
    }
    return bookableHours(lead.estimatedHours);
  }
}

const STATUS_ACTIVITY = {
  confirmed: { title: 'Booking bekræftet', description: 'Bookingen er bekræftet', status: 'success' },
  in_progress: { title: 'Booking påbegyndt', description: 'Holdet er gået i gang', status: 'info' },
  cancelled: { title: 'Booking aflyst', description: 'Bookingen er aflyst', status: 'warning' },
} as const;

/** "fredag 27. marts 2026 kl. 10:00–13:30" in the tenant's zone, for the timeline. */
function describeTime(booking: { startsAt: Date; endsAt: Date }, timezone: string): string {
  const start = DateTime.fromJSDate(booking.startsAt, { zone: timezone }).setLocale('da');
  const end = DateTime.fromJSDate(booking.endsAt, { zone: timezone });
  return `${start.toFormat("cccc d. LLLL yyyy 'kl.' HH:mm")}–${end.toFormat('HH:mm')}`;
}
