import { Injectable } from '@nestjs/common';

import { LIVE_BOOKING_STATUSES } from '../core/domain/booking-status.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import type { Page } from '../core/http/pagination.js';
import { Prisma, type Booking, type Lead, type Team } from '../generated/prisma/client.js';
import type { BookingStatus } from '../generated/prisma/enums.js';

/** A client to run a query on: a transaction's (tenant-scoped or the system path's) or the scoped client. */
export type Db = Prisma.TransactionClient;

/** Statuses that hold a team's time; the exclusion constraint `bookings_team_no_overlap` uses the same. */

export interface BookingFilter {
  status?: BookingStatus;
  teamId?: string;
  leadId?: string;
  seriesId?: string;
  from?: Date;
  to?: Date;
  /** STAFF see what is assigned to them only: the booking, or the lead it belongs to. */
  visibleTo?: string;
}

export interface NewBooking {
  leadId: string;
  customerId: string | null;
  teamId: string;
  assignedUserId: string | null;
  startsAt: Date;
  endsAt: Date;
  durationHours: Prisma.Decimal;
  hourlyRate: Prisma.Decimal;
  totalAmount: Prisma.Decimal;
  status: BookingStatus;
  meetingToken: string;
  tokenExpiresAt: Date | null;
  confirmedAt: Date | null;
  /** A visit of a recurring series: the series and the date of the rule it stands for. */
  seriesId?: string | null;
  occursOn?: Date | null;
  cancelledAt?: Date | null;
  notes?: string | null;
}

export type BookingChange = Pick<
  Prisma.BookingUncheckedUpdateManyInput,
  | 'status'
  | 'revision'
  | 'startsAt'
  | 'endsAt'
  | 'durationHours'
  | 'teamId'
  | 'totalAmount'
  | 'assignedUserId'
  | 'notes'
  | 'hoursWorked'
  | 'confirmedAt'
  | 'completedAt'
  | 'cancelledAt'
  | 'reminderSentAt'
>;

/** What a customer's link leads to, before the tenant is known. */
export interface TokenTarget {
  id: string;
  tenantId: string;
  status: BookingStatus;
  tokenExpiresAt: Date | null;
  lead: { deletedAt: Date | null };
}

export interface MeetingRow {
  startsAt: Date;
  endsAt: Date;
  status: BookingStatus;
  tokenExpiresAt: Date | null;
  tenantId: string;
  seriesId: string | null;
  lead: { serviceType: string; address: string; city: string; deletedAt: Date | null };
  tenant: { freeCancellationHours: number; lateCancellationFeeOre: number; vatRate: Prisma.Decimal };
}

/**
 * The bookings module's only door to the database. Methods take the tenant first and name it in every
 * filter (the scoped client and row-level security add it again). Soft-deleted bookings are invisible.
 */
@Injectable()
export class BookingsRepository {
  constructor(private readonly tenantPrisma: TenantPrismaService) {}

  private db(db?: Db): Db {
    // The scoped client has the same model API as a transaction client; only its extension differs.
    return db ?? (this.tenantPrisma.client as unknown as ScopedTransaction);
  }

  private static visibility(userId: string | undefined): Prisma.BookingWhereInput {
    return userId ? { OR: [{ assignedUserId: userId }, { lead: { assignedUserId: userId } }] } : {};
  }

  // Teams and users ---------------------------------------------------------------------------------

  /** The tenant's active teams in the order "first free team" walks them: by name. */
  activeTeams(tenantId: string, db: Db): Promise<Team[]> {
    return db.team.findMany({ where: { tenantId, active: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  }

  /**
   * The first active team (in `activeTeams`' order) with no live booking overlapping [startsAt, endsAt)
   * (as `findOverlap` and the exclusion constraint compare), or null when every team is taken: the team
   * chosen in one statement instead of an overlap query per team.
   */
  async firstFreeTeam(
    tenantId: string,
    range: { startsAt: Date; endsAt: Date },
    db: Db,
  ): Promise<string | null> {
    const rows = await db.$queryRaw<Array<{ id: string }>>`
      SELECT t.id FROM teams t
      WHERE t.tenant_id = ${tenantId}::uuid AND t.active
        AND NOT EXISTS (
          SELECT 1 FROM bookings b
          WHERE b.tenant_id = t.tenant_id AND b.team_id = t.id AND b.deleted_at IS NULL
            AND b.status::text IN (${Prisma.join([...LIVE_BOOKING_STATUSES])})
            AND b.starts_at < ${range.endsAt}::timestamptz AND b.ends_at > ${range.startsAt}::timestamptz
        )
      ORDER BY t.name ASC, t.id ASC
      LIMIT 1`;
    return rows[0]?.id ?? null;
  }

  findTeam(tenantId: string, teamId: string, db: Db): Promise<Team | null> {
    return db.team.findUnique({ where: { id_tenantId: { id: teamId, tenantId }, tenantId } });
  }

  async isMember(tenantId: string, userId: string, db: Db): Promise<boolean> {
    const membership = await db.membership.findUnique({
      where: { tenantId_userId: { tenantId, userId }, tenantId, user: { deletedAt: null } },
      select: { id: true },
    });
    return membership !== null;
  }

  // Bookings ----------------------------------------------------------------------------------------

  /**
   * A live booking of the team overlapping [startsAt, endsAt) (half-open, as the exclusion constraint
   * compares), other than `excludeId`. The earliest one, so the message names what comes first.
   */
  findOverlap(
    tenantId: string,
    teamId: string,
    range: { startsAt: Date; endsAt: Date },
    excludeId?: string,
    db?: Db,
  ): Promise<{ id: string } | null> {
    return this.db(db).booking.findFirst({
      where: {
        tenantId,
        teamId,
        deletedAt: null,
        status: { in: [...LIVE_BOOKING_STATUSES] },
        startsAt: { lt: range.endsAt },
        endsAt: { gt: range.startsAt },
        ...(excludeId ? { id: { not: excludeId } } : {}),
      },
      select: { id: true },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    });
  }

  create(tenantId: string, data: NewBooking, db: Db): Promise<Booking> {
    return db.booking.create({ data: { tenantId, ...data } });
  }

  find(tenantId: string, bookingId: string, visibleTo?: string, db?: Db): Promise<Booking | null> {
    return this.db(db).booking.findFirst({
      where: { id: bookingId, tenantId, deletedAt: null, ...BookingsRepository.visibility(visibleTo) },
    });
  }

  async page(
    tenantId: string,
    filter: BookingFilter,
    orderBy: Prisma.BookingOrderByWithRelationInput[],
    window: { skip: number; take: number },
  ): Promise<Page<Booking>> {
    const where: Prisma.BookingWhereInput = {
      tenantId,
      deletedAt: null,
      status: filter.status,
      teamId: filter.teamId,
      leadId: filter.leadId,
      seriesId: filter.seriesId,
      startsAt: { gte: filter.from, lt: filter.to },
      ...BookingsRepository.visibility(filter.visibleTo),
    };
    // One transaction: the count and the rows see the same snapshot of the tenant's bookings.
    const [rows, total] = await this.tenantPrisma.transaction(
      async (tx) =>
        [
          await tx.booking.findMany({ where, orderBy, skip: window.skip, take: window.take }),
          await tx.booking.count({ where }),
        ] as const,
    );
    return { rows, total };
  }

  /**
   * Compare-and-set: changes the booking only if it still has the status and revision the caller read,
   * so two writers cannot both act on the same state. Answers the changed row, or null if it moved on.
   */
  async updateIfUnchanged(
    tenantId: string,
    bookingId: string,
    expected: { status: BookingStatus; revision: number },
    data: BookingChange,
    db: Db,
  ): Promise<Booking | null> {
    const { count } = await db.booking.updateMany({
      where: {
        id: bookingId,
        tenantId,
        deletedAt: null,
        status: expected.status,
        revision: expected.revision,
      },
      data,
    });
    return count === 1 ? db.booking.findFirst({ where: { id: bookingId, tenantId } }) : null;
  }

  // Series visits -----------------------------------------------------------------------------------

  /** The series dates that already have a visit (any status, deleted too): those are never made again. */
  async seriesDates(tenantId: string, seriesId: string, db?: Db): Promise<Set<string>> {
    const rows = await this.db(db).booking.findMany({
      where: { tenantId, seriesId },
      select: { occursOn: true },
    });
    return new Set(rows.flatMap((row) => (row.occursOn ? [row.occursOn.toISOString().slice(0, 10)] : [])));
  }

  /** A series' live visits from `from` on (by their series date, or all when null), earliest first. */
  liveSeriesVisits(tenantId: string, seriesId: string, from: Date | null, db?: Db): Promise<Booking[]> {
    return this.db(db).booking.findMany({
      where: {
        tenantId,
        seriesId,
        deletedAt: null,
        status: { in: [...LIVE_BOOKING_STATUSES] },
        ...(from ? { occursOn: { gte: from } } : {}),
      },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** How a completed visit is invoiced: its series' own rule, else the tenant's (null: not a series visit). */
  async visitInvoicing(tenantId: string, bookingId: string, db: Db): Promise<string | null> {
    const row = await db.booking.findFirst({
      where: { id: bookingId, tenantId },
      select: { series: { select: { invoicing: true } }, tenant: { select: { seriesRules: true } } },
    });
    if (!row?.series) return null;
    return (
      row.series.invoicing ?? (row.tenant.seriesRules as { invoicing?: string } | null)?.invoicing ?? null
    );
  }

  // Reminders ---------------------------------------------------------------------------------------

  /** Compare-and-set: a booking is reminded once, and only while still confirmed at that time. */
  /** Records where the booking's event is (both null: it has none). Leaves status and revision alone. */
  async saveCalendarEvent(
    tenantId: string,
    bookingId: string,
    event: { calendarId: string; eventId: string } | null,
    db: Db,
  ): Promise<void> {
    await db.booking.updateMany({
      where: { id: bookingId, tenantId },
      data: { googleCalendarId: event?.calendarId ?? null, googleCalendarEventId: event?.eventId ?? null },
    });
  }

  async markReminded(tenantId: string, booking: Booking, at: Date, db: Db): Promise<boolean> {
    const { count } = await db.booking.updateMany({
      where: {
        id: booking.id,
        tenantId,
        status: 'confirmed',
        deletedAt: null,
        reminderSentAt: null,
        startsAt: booking.startsAt,
      },
      data: { reminderSentAt: at },
    });
    return count === 1;
  }

  // Expiry ------------------------------------------------------------------------------------------

  /** The tenants that have pending bookings past their confirmation deadline (system path: fan-out). */
  async tenantsWithExpiredPending(now: Date, system: Db): Promise<string[]> {
    const rows = await system.booking.findMany({
      where: { status: 'pending', deletedAt: null, tokenExpiresAt: { lt: now } },
      distinct: ['tenantId'],
      select: { tenantId: true },
    });
    return rows.map((row) => row.tenantId);
  }

  findExpiredPending(tenantId: string, now: Date, limit: number, db: Db): Promise<Booking[]> {
    return db.booking.findMany({
      where: { tenantId, status: 'pending', deletedAt: null, tokenExpiresAt: { lt: now } },
      orderBy: [{ tokenExpiresAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }

  /** Compare-and-set on `pending`: a booking confirmed a moment ago is left alone. */
  async expireIfPending(tenantId: string, bookingId: string, now: Date, db: Db): Promise<boolean> {
    const { count } = await db.booking.updateMany({
      where: { id: bookingId, tenantId, status: 'pending', deletedAt: null, tokenExpiresAt: { lt: now } },
      data: { status: 'expired' },
    });
    return count === 1;
  }

  // The public booking link -------------------------------------------------------------------------

  /**
   * By the unique token, across tenants (system path 'meeting-token'): only what the view shows, and
   * what decides whether it may still show it (the service's rule).
   */
  findByMeetingToken(meetingToken: string, system: Db): Promise<MeetingRow | null> {
    return system.booking.findFirst({
      where: { meetingToken, deletedAt: null },
      select: {
        startsAt: true,
        endsAt: true,
        status: true,
        tokenExpiresAt: true,
        tenantId: true,
        seriesId: true,
        lead: { select: { serviceType: true, address: true, city: true, deletedAt: true } },
        // The tenant's cancellation terms, which the customer's page states.
        tenant: { select: { freeCancellationHours: true, lateCancellationFeeOre: true, vatRate: true } },
      },
    });
  }

  /** The next live visits of a series after a moment, for the customer's page of one of them. */
  nextSeriesVisits(
    tenantId: string,
    seriesId: string,
    after: Date,
    take: number,
    system: Db,
  ): Promise<{ startsAt: Date; endsAt: Date }[]> {
    return system.booking.findMany({
      where: {
        tenantId,
        seriesId,
        deletedAt: null,
        status: { in: [...LIVE_BOOKING_STATUSES] },
        startsAt: { gt: after },
      },
      select: { startsAt: true, endsAt: true },
      orderBy: { startsAt: 'asc' },
      take,
    });
  }

  // Customer self-service ---------------------------------------------------------------------------

  /**
   * The booking a customer's link names, whatever its status (an action repeated after it succeeded
   * answers with the same state), over the system path: the tenant is not known before it.
   */
  findTokenTarget(meetingToken: string, system: Db): Promise<TokenTarget | null> {
    return system.booking.findFirst({
      where: { meetingToken, deletedAt: null },
      select: {
        id: true,
        tenantId: true,
        status: true,
        tokenExpiresAt: true,
        lead: { select: { deletedAt: true } },
      },
    });
  }

  /** What the booking's invoice totals incl. VAT (a cancelled booking's: its late fee), or null. */
  async invoiceTotal(tenantId: string, bookingId: string, db?: Db): Promise<Prisma.Decimal | null> {
    const invoice = await this.db(db).invoice.findFirst({
      where: { tenantId, bookingId, kind: 'invoice' },
      select: { total: true },
    });
    return invoice?.total ?? null;
  }

  /** The booking with its lead, for the customer's own changes. */
  findWithLead(tenantId: string, bookingId: string, db?: Db): Promise<(Booking & { lead: Lead }) | null> {
    return this.db(db).booking.findFirst({
      where: { id: bookingId, tenantId, deletedAt: null, lead: { deletedAt: null } },
      include: { lead: true },
    });
  }

  /** The next live booking (not yet begun) of the leads with this phone number: what AFLYS and FLYT are about. */
  nextLiveByPhone(tenantId: string, phone: string, now: Date, db?: Db): Promise<{ id: string } | null> {
    return this.db(db).booking.findFirst({
      where: {
        tenantId,
        deletedAt: null,
        // A pending booking past its confirmation deadline is dead to the customer, as its link is.
        OR: [
          { status: 'confirmed' },
          { status: 'pending', OR: [{ tokenExpiresAt: null }, { tokenExpiresAt: { gt: now } }] },
        ],
        startsAt: { gt: now },
        lead: { customerPhone: phone, deletedAt: null },
      },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
  }
}
