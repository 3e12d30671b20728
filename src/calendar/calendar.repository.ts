import { Injectable } from '@nestjs/common';

import { LIVE_BOOKING_STATUSES } from '../core/domain/booking-status.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import type { Prisma, Team } from '../generated/prisma/client.js';
import type { BookingStatus } from '../generated/prisma/enums.js';
import type { Interval } from './availability.js';

type Db = Prisma.TransactionClient;

/** Statuses that hold a team's time (the same as the bookings' exclusion constraint). */

export interface TeamBusyRow extends Interval {
  teamId: string;
}

/** What the calendar event of a booking shows and where it lives. */
export interface BookingForSync {
  id: string;
  status: BookingStatus;
  revision: number;
  startsAt: Date;
  endsAt: Date;
  durationHours: Prisma.Decimal;
  notes: string | null;
  deletedAt: Date | null;
  googleCalendarEventId: string | null;
  googleCalendarId: string | null;
  customerId: string | null;
  leadId: string;
  team: { id: string; name: string; googleCalendarId: string | null };
  lead: {
    customerName: string;
    customerPhone: string | null;
    address: string;
    postalCode: string;
    city: string;
    serviceType: string;
  };
}

/** The calendar module's only door to the database (tenant first in every method). */
@Injectable()
export class CalendarRepository {
  constructor(private readonly tenantPrisma: TenantPrismaService) {}

  private db(db?: Db): Db {
    return db ?? (this.tenantPrisma.client as unknown as ScopedTransaction);
  }

  /** Active teams in the order "first free team" walks them (by name), as bookings do. */
  activeTeams(tenantId: string): Promise<Team[]> {
    return this.db().team.findMany({
      where: { tenantId, active: true },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }

  findTeam(tenantId: string, teamId: string): Promise<Team | null> {
    return this.db().team.findUnique({ where: { id_tenantId: { id: teamId, tenantId }, tenantId } });
  }

  /** Live, not deleted bookings of the teams overlapping [from, to). */
  liveBookings(tenantId: string, teamIds: readonly string[], range: Interval): Promise<TeamBusyRow[]> {
    return this.db()
      .booking.findMany({
        where: {
          tenantId,
          teamId: { in: [...teamIds] },
          deletedAt: null,
          status: { in: [...LIVE_BOOKING_STATUSES] },
          startsAt: { lt: range.end },
          endsAt: { gt: range.start },
        },
        select: { teamId: true, startsAt: true, endsAt: true },
      })
      .then((rows) => rows.map((row) => ({ teamId: row.teamId, start: row.startsAt, end: row.endsAt })));
  }

  /**
   * Slots offered by SMS and still held (status offered, not expired) overlapping [from, to). Offers
   * of `exceptLeadId` are left out: a lead's own held slot is free for that lead.
   */
  heldOffers(
    tenantId: string,
    teamIds: readonly string[],
    range: Interval,
    now: Date,
    exceptLeadId?: string,
  ): Promise<TeamBusyRow[]> {
    return this.db()
      .slotOffer.findMany({
        where: {
          tenantId,
          teamId: { in: [...teamIds] },
          status: 'offered',
          expiresAt: { gt: now },
          startsAt: { lt: range.end },
          endsAt: { gt: range.start },
          ...(exceptLeadId ? { leadId: { not: exceptLeadId } } : {}),
        },
        select: { teamId: true, startsAt: true, endsAt: true },
      })
      .then((rows) => rows.map((row) => ({ teamId: row.teamId, start: row.startsAt, end: row.endsAt })));
  }

  /** The booking as the calendar shows it, soft-deleted ones included (their event must go). */
  findBookingForSync(tenantId: string, bookingId: string, tx: Db): Promise<BookingForSync | null> {
    return tx.booking.findFirst({
      where: { id: bookingId, tenantId },
      select: {
        id: true,
        status: true,
        revision: true,
        startsAt: true,
        endsAt: true,
        durationHours: true,
        notes: true,
        deletedAt: true,
        googleCalendarEventId: true,
        googleCalendarId: true,
        customerId: true,
        leadId: true,
        team: { select: { id: true, name: true, googleCalendarId: true } },
        lead: {
          select: {
            customerName: true,
            customerPhone: true,
            address: true,
            postalCode: true,
            city: true,
            serviceType: true,
          },
        },
      },
    });
  }

  /** Whether the booking's timeline already says this (a failure repeated by every change is said once). */
  async hasActivity(
    tenantId: string,
    bookingId: string,
    entry: { title: string; description: string },
    tx: Db,
  ): Promise<boolean> {
    const row = await tx.activity.findFirst({
      where: { tenantId, bookingId, title: entry.title, description: entry.description },
      select: { id: true },
    });
    return row !== null;
  }
}
