import { randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { findSqlState } from '../core/http/database-errors.js';
import { amountFor } from '../core/money/money.js';
import type { Booking, Lead, Prisma } from '../generated/prisma/client.js';
import type { ActivityStatus } from '../generated/prisma/enums.js';
import { LeadsService } from '../leads/leads.service.js';
import type { TenantProfile } from '../tenants/tenant-profile.service.js';
import { BookingsRepository } from './bookings.repository.js';
import {
  BookingFieldError,
  BookingOverlapError,
  BookingTeamNotFoundError,
  NoTeamFreeError,
  TeamInactiveError,
} from './bookings.errors.js';
import { bookableHours, describeTime } from './booking-time.js';

/** The time and team a write is about to claim; kept so a database refusal can name the collision. */
export interface Claim {
  teamId: string;
  startsAt: Date;
  endsAt: Date;
  excludeId?: string;
}

/** A booking about to be placed on a team's time: the three ways in (staff, POST /leads, SMS) differ only here. */
export interface NewBooking {
  lead: Lead;
  startsAt: Date;
  endsAt: Date;
  durationHours: Prisma.Decimal;
  /** The team asked for (it must be bookable and free); without it, the first free active team. */
  teamId?: string;
  assignedUserId: string | null;
  /** `confirmed` books the lead as well; `pending` waits for the customer until `tokenExpiresAt`. */
  status: 'pending' | 'confirmed';
  tokenExpiresAt: Date | null;
  /** A visit of a recurring series: its series, the rule's date it stands for, and its price when fixed. */
  series?: { id: string; occursOn: Date; fixedPrice: Prisma.Decimal | null };
  /** The timeline's line; its description ends in the booking's time. */
  activity: {
    title: string;
    describe: (time: string) => string;
    status: ActivityStatus;
    actorUserId: string | null;
    source?: 'sms';
  };
}

const newMeetingToken = () => randomBytes(32).toString('base64url');

/**
 * Placing a booking on a team's time, the one way all three creation paths share: the team chosen
 * and checked, the claim recorded for the overlap guard, the amounts at the tenant's rate, the row
 * with its customer's meeting token, its activity, and for a confirmed booking the lead booked.
 *
 * The team's time is guarded twice: a query inside the transaction gives a helpful 409 naming the
 * colliding booking, and the exclusion constraint `bookings_team_no_overlap` decides between writers
 * that arrive together (`guardOverlap` answers its 23P01 as the same 409).
 */
@Injectable()
export class BookingPlacement {
  constructor(
    private readonly repository: BookingsRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly leads: LeadsService,
    private readonly activities: ActivitiesService,
  ) {}

  /** Inside the caller's transaction; run it through `guardOverlap` with the `claim` it gives. */
  async place(
    tx: ScopedTransaction,
    tenant: TenantProfile,
    booking: NewBooking,
    claim: (claim: Claim) => void,
  ): Promise<{ booking: Booking; meetingToken: string }> {
    const { lead, activity } = booking;
    const range = { startsAt: booking.startsAt, endsAt: booking.endsAt };
    const teamId = await this.chooseTeam(tenant.id, range, booking.teamId, tx);
    claim({ teamId, ...range });
    const meetingToken = newMeetingToken();
    const created = await this.repository.create(
      tenant.id,
      {
        leadId: lead.id,
        customerId: lead.customerId,
        teamId,
        assignedUserId: booking.assignedUserId,
        ...range,
        durationHours: booking.durationHours,
        hourlyRate: tenant.hourlyRate,
        totalAmount: booking.series?.fixedPrice ?? amountFor(booking.durationHours, tenant.hourlyRate),
        status: booking.status,
        meetingToken,
        tokenExpiresAt: booking.tokenExpiresAt,
        confirmedAt: booking.status === 'confirmed' ? new Date() : null,
        ...(booking.series ? { seriesId: booking.series.id, occursOn: booking.series.occursOn } : {}),
      },
      tx,
    );
    await this.activities.record(tx, {
      type: 'booking',
      title: activity.title,
      description: activity.describe(describeTime(created, tenant.timezone)),
      status: activity.status,
      customerId: created.customerId,
      leadId: created.leadId,
      bookingId: created.id,
      actorUserId: activity.actorUserId,
      metadata: { teamId, status: created.status, ...(activity.source ? { source: activity.source } : {}) },
    });
    // The lead row itself: when the caller locked it in this transaction, the move neither locks nor
    // reads it again.
    if (booking.status === 'confirmed')
      await this.leads.applySystemMove(tx, lead, 'booking_confirmed', activity.actorUserId);
    return { booking: created, meetingToken };
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

  async assertTeamBookable(tenantId: string, teamId: string, tx: ScopedTransaction): Promise<void> {
    const team = await this.repository.findTeam(tenantId, teamId, tx);
    if (!team) throw new BookingTeamNotFoundError();
    if (!team.active) throw new TeamInactiveError(teamId);
  }

  /**
   * The given team if it is free, else the first active team (by name) free for the whole range, chosen
   * by one query. Only when none is free are the teams walked one by one, to name each collision (or to
   * take a team freed meanwhile).
   */
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
    const free = await this.repository.firstFreeTeam(tenantId, range, tx);
    if (free) return free;
    const conflicts: Array<{ teamId: string; conflictingBookingId: string }> = [];
    for (const team of await this.repository.activeTeams(tenantId, tx)) {
      const overlap = await this.repository.findOverlap(tenantId, team.id, range, undefined, tx);
      if (!overlap) return team.id;
      conflicts.push({ teamId: team.id, conflictingBookingId: overlap.id });
    }
    throw new NoTeamFreeError(range.startsAt, range.endsAt, conflicts);
  }
}

/** The lead's estimate as the booking's length; a lead without one needs the length given. */
export function leadHours(lead: Lead): Prisma.Decimal {
  if (!lead.estimatedHours || lead.estimatedHours.lte(0)) {
    throw new BookingFieldError(
      'durationHours',
      'durationHours is required: the lead has no estimated hours',
    );
  }
  return bookableHours(lead.estimatedHours);
}
