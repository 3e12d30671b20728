import { Injectable, Logger } from '@nestjs/common';

import { BookingsService } from '../bookings/bookings.service.js';
import { BookingOverlapError, NoTeamFreeError } from '../bookings/bookings.errors.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { findSqlState } from '../core/http/database-errors.js';
import { formatDateTime } from '../core/format/danish.js';
import { Clock } from '../core/time/clock.js';
import { zonedTime } from '../core/time/tenant-time.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import type { Booking, BookingSeries } from '../generated/prisma/client.js';
import { LeadsService } from '../leads/leads.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { TenantProfileService, type TenantProfile } from '../tenants/tenant-profile.service.js';
import { BookingSeriesRepository } from './booking-series.repository.js';
import { addDays, occurrences, type RecurrenceRule, type WeekdayName } from './recurrence.js';
import { closedReason, dateColumn, dayIn, isoDay, seriesRules, type SeriesRules } from './series-rules.js';

/** How many days past its date a visit may be moved before it is skipped after all. */
const MAX_MOVE_DAYS = 14;

export const ruleOf = (series: BookingSeries): RecurrenceRule => ({
  frequency: series.frequency,
  interval: series.interval,
  weekdays: series.weekdays as WeekdayName[],
  weekOfMonth: series.weekOfMonth,
  startsOn: isoDay(series.startsOn),
  endsOn: series.endsOn ? isoDay(series.endsOn) : null,
});

/**
 * Makes the visits of recurring series ahead of time (the hourly schedule, a new series, a resume): each
 * date of the rule within the tenant's horizon becomes an ordinary confirmed booking, placed by the
 * bookings feature (team, overlap guard, calendar event, reminder).
 *
 * Idempotent however often it runs or retries, and with two instances at once: a date that has a visit
 * (any status: a cancelled or skipped one too) is never made again, and the unique (seriesId, occursOn)
 * decides between two runs that place the same date together (the loser's transaction rolls back).
 *
 * A date that is closed (a Danish public holiday, the tenant's closed days) or where the team is busy
 * is not dropped silently: by the tenant's rule it moves to the next working day with the team free, or
 * is skipped (recorded as a cancelled visit); either way staff get a notification and the customer an
 * SMS and e-mail through the booking notices.
 */
@Injectable()
export class SeriesMaterialiser {
  private readonly logger = new Logger(SeriesMaterialiser.name);

  constructor(
    private readonly repository: BookingSeriesRepository,
    private readonly bookings: BookingsService,
    private readonly leads: LeadsService,
    private readonly notifications: NotificationsService,
    private readonly profile: TenantProfileService,
    private readonly unitOfWork: UnitOfWork,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly system: SystemPrismaService,
    private readonly clock: Clock,
  ) {}

  /** The schedule's fan-out: tenants with active or paused series (system path). */
  tenantsWithRunningSeries(): Promise<string[]> {
    return this.system.transaction('schedule-fan-out', (tx) => this.repository.tenantsWithRunningSeries(tx));
  }

  /** Every running series of the current tenant; the number of visits made. */
  async materialiseTenant(): Promise<number> {
    let made = 0;
    for (const series of await this.repository.running(this.tenantPrisma.tenantId)) {
      made += (await this.materialise(series)).length;
    }
    return made;
  }

  /**
   * The series' visits up to the tenant's horizon (or `through`, when later), from today on; answers
   * the visits made by this call (none when everything was there).
   */
  async materialise(series: BookingSeries, through?: string): Promise<Booking[]> {
    if (series.status === 'ended' || series.deletedAt) return [];
    const tenant = await this.profile.current();
    const rules = seriesRules(await this.repository.seriesRules(tenant.id));
    const now = this.clock.now();
    const today = dayIn(now, tenant.timezone);
    const horizonEnd = addDays(today, rules.horizonWeeks * 7);
    const until = through && through > horizonEnd ? through : horizonEnd;
    const series_ = await this.liftEndedPause(series, today);
    const existing = await this.bookings.seriesDates(series.id);
    const made: Booking[] = [];
    for (const date of occurrences(ruleOf(series_), today, until)) {
      if (existing.has(date) || isPaused(series_, date)) continue;
      if (zonedTime(date, series.startTime, tenant.timezone).getTime() <= now.getTime()) continue;
      const visit = await this.placeDate(series_, date, tenant, rules);
      if (visit) made.push(visit);
    }
    if (made.length > 0)
      this.logger.log({ message: 'Series visits made', seriesId: series.id, visits: made.length });
    return made;
  }

  /** A pause whose last day has passed is over: the series is active again. */
  private async liftEndedPause(series: BookingSeries, today: string): Promise<BookingSeries> {
    if (series.status !== 'paused' || !series.pausedUntil || isoDay(series.pausedUntil) >= today)
      return series;
    return this.unitOfWork.run((work) =>
      this.repository.update(
        work.tenantId,
        series.id,
        { status: 'active', pausedFrom: null, pausedUntil: null },
        work.tx,
      ),
    );
  }

  /**
   * One date of the rule: on its day when open and free, else moved or skipped by the tenant's rule.
   * Null when another run placed the date meanwhile.
   */
  private async placeDate(
    series: BookingSeries,
    date: string,
    tenant: TenantProfile,
    rules: SeriesRules,
  ): Promise<Booking | null> {
    let day = date;
    let reason: string | null = null;
    for (let moved = 0; moved <= MAX_MOVE_DAYS; moved += 1, day = addDays(day, 1)) {
      const closed = closedReason(day, tenant);
      if (closed) {
        reason ??= closed;
        if (rules.onConflict === 'skip') return this.skip(series, date, tenant, reason);
        continue;
      }
      try {
        return await this.placeOn(series, date, day, reason, tenant);
      } catch (error) {
        if (findSqlState(error) === '23505') return null;
        if (!(error instanceof BookingOverlapError) && !(error instanceof NoTeamFreeError)) throw error;
        reason ??= 'holdet har en anden opgave på tidspunktet';
        if (rules.onConflict === 'skip') return this.skip(series, date, tenant, reason);
      }
    }
    return this.skip(
      series,
      date,
      tenant,
      `${reason ?? 'lukket'}, og ingen ledig dag inden for ${MAX_MOVE_DAYS} dage`,
    );
  }

  /** The visit on `day` for the rule's `date` (the same day unless moved), with staff told of a move. */
  private placeOn(
    series: BookingSeries,
    date: string,
    day: string,
    reason: string | null,
    tenant: TenantProfile,
  ): Promise<Booking> {
    return this.bookings.guardOverlap((claim) =>
      this.unitOfWork.run(async (work) => {
        const lead = await this.leads.lockForUpdate(work.tx, series.leadId);
        if (!lead) throw new Error(`Lead ${series.leadId} of series ${series.id} is gone`);
        const visit = await this.bookings.placeSeriesVisit(
          work,
          {
            lead,
            series: { ...series, occursOn: dateColumn(date) },
            startsAt: zonedTime(day, series.startTime, tenant.timezone),
            durationHours: series.durationHours,
            teamId: series.teamId ?? undefined,
            moved: day === date ? null : reason,
          },
          claim,
        );
        if (day !== date) {
          await this.notifications.seriesVisitMoved(work, {
            bookingId: visit.id,
            lead,
            from: formatDateTime(zonedTime(date, series.startTime, tenant.timezone), tenant.timezone),
            to: formatDateTime(visit.startsAt, tenant.timezone),
            reason: reason!,
          });
        }
        work.invalidatesCache();
        return visit;
      }),
    );
  }

  /** The date gets no visit: recorded as skipped, staff and customer told. */
  private async skip(
    series: BookingSeries,
    date: string,
    tenant: TenantProfile,
    reason: string,
  ): Promise<Booking | null> {
    try {
      return await this.unitOfWork.run(async (work) => {
        const lead = await this.leads.lockForUpdate(work.tx, series.leadId);
        if (!lead) throw new Error(`Lead ${series.leadId} of series ${series.id} is gone`);
        const teamId = series.teamId ?? (await this.bookings.activeTeamIds(work.tx))[0];
        if (!teamId) throw new Error('The tenant has no active team');
        const startsAt = zonedTime(date, series.startTime, tenant.timezone);
        const visit = await this.bookings.recordSkippedVisit(work, {
          lead,
          series: { ...series, occursOn: dateColumn(date) },
          startsAt,
          durationHours: series.durationHours,
          teamId,
          reason,
        });
        await this.notifications.seriesVisitMoved(work, {
          bookingId: visit.id,
          lead,
          from: formatDateTime(startsAt, tenant.timezone),
          to: null,
          reason,
        });
        return visit;
      });
    } catch (error) {
      if (findSqlState(error) === '23505') return null;
      throw error;
    }
  }
}

function isPaused(series: BookingSeries, date: string): boolean {
  if (!series.pausedFrom || date < isoDay(series.pausedFrom)) return false;
  return !series.pausedUntil || date <= isoDay(series.pausedUntil);
}
