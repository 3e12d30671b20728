import { Injectable } from '@nestjs/common';

import { MANAGER_ROLES } from '../auth/auth.decorators.js';
import { isStaff, type Principal } from '../auth/principal.js';
import { BookingChangedError, BookingForbiddenError } from '../bookings/bookings.errors.js';
import { BookingsService } from '../bookings/bookings.service.js';
import { endOf } from '../bookings/booking-time.js';
import { paginated } from '../core/http/pagination.js';
import { ActivitiesService } from '../activities/activities.service.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { formatDay } from '../core/format/danish.js';
import { amountFor, Decimal } from '../core/money/money.js';
import { Clock } from '../core/time/clock.js';
import { zonedTime } from '../core/time/tenant-time.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import type { Booking, BookingSeries, Prisma } from '../generated/prisma/client.js';
import { InvoicesService } from '../invoices/invoices.service.js';
import type { InvoiceDto } from '../invoices/dto/invoice.dto.js';
import { LeadsService } from '../leads/leads.service.js';
import { TenantProfileService } from '../tenants/tenant-profile.service.js';
import { BookingSeriesRepository, type SeriesChange } from './booking-series.repository.js';
import {
  SeriesEndedError,
  SeriesFieldError,
  SeriesNotFoundError,
  SeriesVisitNotFoundError,
  SeriesVisitsClashError,
} from './booking-series.errors.js';
import type {
  CreateSeriesDto,
  MonthlyInvoiceDto,
  PauseSeriesDto,
  SeriesQueryDto,
  UpdateSeriesDto,
} from './dto/series-input.dto.js';
import { SeriesDto, type SeriesPageDto } from './dto/series.dto.js';
import { addDays } from './recurrence.js';
import { SeriesMaterialiser } from './series-materialiser.service.js';
import { dateColumn, dayIn, isoDay } from './series-rules.js';

const SCOPE_TEXT = {
  this: 'Ét besøg',
  following: 'Dette og følgende besøg',
  all: 'Alle kommende besøg',
} as const;

function frequencyText(series: BookingSeries): string {
  const unit = series.frequency === 'monthly' ? 'måned' : 'uge';
  return series.interval === 1 ? `hver ${unit}` : `hver ${series.interval}. ${unit}`;
}

/** A series day as Danish text: "18. oktober 2027" (date columns hold midnight UTC of the day). */
const danishDay = (day: Date | string): string =>
  formatDay(typeof day === 'string' ? dateColumn(day) : day, 'UTC');

/** "hver 2. uge kl. 10.00 fra 18. oktober 2027", for the timeline. */
const describeRule = (series: BookingSeries): string =>
  `${frequencyText(series)} kl. ${series.startTime.replace(':', '.')} fra ${danishDay(series.startsOn)}` +
  (series.endsOn ? ` til ${danishDay(series.endsOn)}` : '');

/** How many upcoming visits a series' detail shows. */
const UPCOMING_VISITS = 20;

/**
 * Recurring cleaning (fast rengøring): creating a series with its first visits, the dashboard's reads,
 * edits of one visit, the following ones or all, pause, resume and end. The visits themselves are
 * bookings, made by `SeriesMaterialiser` and changed through the bookings feature, so every rule of a
 * booking (overlap, calendar, reminders, customer notices, invoicing) holds for them as well.
 */
@Injectable()
export class BookingSeriesService {
  constructor(
    private readonly repository: BookingSeriesRepository,
    private readonly materialiser: SeriesMaterialiser,
    private readonly bookings: BookingsService,
    private readonly leads: LeadsService,
    private readonly invoices: InvoicesService,
    private readonly profile: TenantProfileService,
    private readonly unitOfWork: UnitOfWork,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly clock: Clock,
    private readonly activities: ActivitiesService,
  ) {}

  private get tenantId(): string {
    return this.tenantPrisma.tenantId;
  }

  // Creating ----------------------------------------------------------------------------------------

  /** A series for a lead (or a customer's latest lead), with the visits of the tenant's horizon. */
  async create(principal: Principal, dto: CreateSeriesDto): Promise<SeriesDto> {
    const lead = await this.leadFor(principal, dto);
    if (dto.endsOn !== undefined && dto.endsOn < dto.startsOn)
      throw new SeriesFieldError('endsOn', 'endsOn must not be before startsOn');
    if (dto.rule.frequency === 'weekly' && dto.rule.weekOfMonth !== undefined)
      throw new SeriesFieldError('rule.weekOfMonth', 'rule.weekOfMonth is for monthly series only');
    const tenant = await this.profile.current();
    const series = await this.unitOfWork.run(async (work) => {
      if (dto.teamId) await this.bookings.assertTeamBookable(dto.teamId, work.tx);
      const created = await this.repository.create(
        work.tenantId,
        {
          leadId: lead.id,
          customerId: lead.customerId,
          teamId: dto.teamId ?? null,
          startsOn: dateColumn(dto.startsOn),
          startTime: dto.startTime,
          durationHours: new Decimal(dto.durationHours),
          frequency: dto.rule.frequency,
          interval: dto.rule.interval,
          weekdays: dto.rule.weekdays ?? [],
          weekOfMonth: dto.rule.weekOfMonth ?? null,
          endsOn: dto.endsOn ? dateColumn(dto.endsOn) : null,
          fixedPrice: dto.fixedPrice !== undefined ? new Decimal(dto.fixedPrice) : null,
          hourlyRate: tenant.hourlyRate,
          invoicing: dto.invoicing ?? null,
          notes: dto.notes ?? null,
        },
        work.tx,
      );
      await this.timeline(
        work.tx,
        created,
        principal.userId,
        'Fast rengøring oprettet',
        describeRule(created),
      );
      return created;
    });
    const visits = await this.materialiser.materialise(series);
    return SeriesDto.from(series, visits);
  }

  private async leadFor(principal: Principal, dto: CreateSeriesDto) {
    if (dto.leadId) return this.leads.findVisible(dto.leadId, principal);
    if (!dto.customerId) throw new SeriesFieldError('leadId', 'leadId or customerId is required');
    const lead = await this.repository.latestLeadOf(this.tenantId, dto.customerId);
    if (!lead) throw new SeriesFieldError('customerId', 'The customer has no lead to book the series on');
    return this.leads.findVisible(lead.id, principal);
  }

  // Reading -----------------------------------------------------------------------------------------

  async list(query: SeriesQueryDto): Promise<SeriesPageDto> {
    const page = await this.repository.page(
      this.tenantId,
      { customerId: query.customerId, status: query.status, teamId: query.teamId },
      { skip: query.skip, take: query.pageSize },
    );
    return paginated(query, page, (series) => SeriesDto.from(series));
  }

  /** The series with its upcoming live visits. */
  async get(seriesId: string): Promise<SeriesDto> {
    const series = await this.find(seriesId);
    return SeriesDto.from(series, await this.upcoming(series.id));
  }

  private async upcoming(seriesId: string): Promise<Booking[]> {
    const now = this.clock.now().getTime();
    const visits = await this.bookings.liveSeriesVisits(seriesId, null);
    return visits.filter((visit) => visit.startsAt.getTime() > now).slice(0, UPCOMING_VISITS);
  }

  private async find(seriesId: string): Promise<BookingSeries> {
    const series = await this.repository.find(this.tenantId, seriesId);
    if (!series) throw new SeriesNotFoundError();
    return series;
  }

  private async findChangeable(principal: Principal, seriesId: string): Promise<BookingSeries> {
    if (isStaff(principal)) throw new BookingForbiddenError('Only admins and managers can change a series');
    const series = await this.find(seriesId);
    if (series.status === 'ended') throw new SeriesEndedError(series.id);
    return series;
  }

  // Editing -----------------------------------------------------------------------------------------

  /**
   * A change of time, length, team or price for the visit on `fromDate` (this), the visits from
   * `fromDate` on and the series (following), or every future visit and the series (all). The team's
   * time is checked for every visit first: if any would collide, nothing changes and the 409 names
   * them all. Then all change in one transaction, each with its calendar event and customer notice.
   */
  async update(principal: Principal, seriesId: string, dto: UpdateSeriesDto): Promise<SeriesDto> {
    let series = await this.findChangeable(principal, seriesId);
    if (dto.scope !== 'all' && !dto.fromDate)
      throw new SeriesFieldError('fromDate', `fromDate is required for scope "${dto.scope}"`);
    if (dto.scope !== 'all' && (dto.invoicing !== undefined || dto.endsOn !== undefined))
      throw new SeriesFieldError('scope', 'invoicing and endsOn change the whole series: use scope "all"');
    if (dto.scope === 'this' && dto.fixedPrice !== undefined)
      throw new SeriesFieldError(
        'fixedPrice',
        'fixedPrice changes the series: use scope "following" or "all"',
      );
    const tenant = await this.profile.current();
    const now = this.clock.now();

    // "This and following": the dates before fromDate keep the series as it was, so they are made now
    // (with the old time) before the series changes; the dates after it are made with the new one.
    if (dto.scope === 'following') await this.materialiser.materialise(series, addDays(dto.fromDate!, -1));

    const visits = await this.visitsInScope(series, dto, now);
    if (dto.scope === 'this' && visits.length === 0) throw new SeriesVisitNotFoundError();
    const fixedPrice =
      dto.fixedPrice !== undefined
        ? new Decimal(dto.fixedPrice)
        : dto.scope === 'this'
          ? null
          : series.fixedPrice;
    const moves = visits
      .map((visit) => {
        const startsAt = dto.startTime
          ? zonedTime(dayIn(visit.startsAt, tenant.timezone), dto.startTime, tenant.timezone)
          : visit.startsAt;
        const durationHours =
          dto.durationHours !== undefined ? new Decimal(dto.durationHours) : visit.durationHours;
        const teamId = dto.teamId ?? visit.teamId;
        const totalAmount = fixedPrice ?? amountFor(durationHours, visit.hourlyRate);
        return { visit, to: { startsAt, durationHours, teamId, totalAmount } };
      })
      .filter(
        ({ visit, to }) =>
          to.startsAt.getTime() !== visit.startsAt.getTime() ||
          !to.durationHours.equals(visit.durationHours) ||
          to.teamId !== visit.teamId ||
          !to.totalAmount.equals(visit.totalAmount),
      );

    await this.unitOfWork.run(async (work) => {
      if (dto.teamId) await this.bookings.assertTeamBookable(dto.teamId, work.tx);
    });
    await this.assertNoClash(moves);

    series = await this.bookings.guardOverlap((claim) =>
      this.unitOfWork.run(async (work) => {
        for (const { visit, to } of moves) {
          const moved = await this.bookings.moveSeriesVisit(work, visit, to, principal.userId, claim);
          if (!moved) throw new BookingChangedError();
        }
        await this.timeline(
          work.tx,
          series,
          principal.userId,
          'Fast rengøring ændret',
          `${SCOPE_TEXT[dto.scope]}${dto.fromDate ? ` fra ${danishDay(dto.fromDate)}` : ''}: ${moves.length} besøg ændret`,
        );
        if (dto.scope === 'this') return series;
        const change: SeriesChange = {};
        if (dto.startTime !== undefined) change.startTime = dto.startTime;
        if (dto.durationHours !== undefined) change.durationHours = new Decimal(dto.durationHours);
        if (dto.teamId !== undefined) change.teamId = dto.teamId;
        if (dto.fixedPrice !== undefined) change.fixedPrice = new Decimal(dto.fixedPrice);
        if (dto.invoicing !== undefined) change.invoicing = dto.invoicing;
        if (dto.endsOn !== undefined) {
          change.endsOn = dateColumn(dto.endsOn);
          const after = await this.bookings.liveSeriesVisits(
            series.id,
            dateColumn(addDays(dto.endsOn, 1)),
            work.tx,
          );
          await this.bookings.cancelSeriesVisits(
            work,
            after,
            `Serien slutter ${danishDay(dto.endsOn)}`,
            principal.userId,
            true,
          );
        }
        return Object.keys(change).length > 0
          ? this.repository.update(work.tenantId, series.id, change, work.tx)
          : series;
      }),
    );
    // A later end date, or a new time, may leave dates of the horizon without their visit yet.
    await this.materialiser.materialise(series);
    return SeriesDto.from(series, await this.upcoming(series.id));
  }

  /** The live future visits an edit is about. */
  private async visitsInScope(series: BookingSeries, dto: UpdateSeriesDto, now: Date): Promise<Booking[]> {
    const from = dto.scope === 'all' ? null : dateColumn(dto.fromDate!);
    const visits = (await this.bookings.liveSeriesVisits(series.id, from)).filter(
      (visit) => visit.startsAt.getTime() > now.getTime(),
    );
    if (dto.scope !== 'this') return visits;
    return visits.filter((visit) => visit.occursOn && isoDay(visit.occursOn) === dto.fromDate);
  }

  /** Every visit's new time checked against the team's other bookings, before anything changes. */
  private async assertNoClash(
    moves: ReadonlyArray<{
      visit: Booking;
      to: { startsAt: Date; durationHours: Prisma.Decimal; teamId: string };
    }>,
  ): Promise<void> {
    const clashes: Array<{
      bookingId: string;
      occursOn: string | null;
      startsAt: string;
      clashingBookingId: string;
    }> = [];
    const moving = new Set(moves.map(({ visit }) => visit.id));
    for (const { visit, to } of moves) {
      const range = { startsAt: to.startsAt, endsAt: endOf(to.startsAt, to.durationHours) };
      const clash = await this.bookings.findClash(undefined, to.teamId, range, visit.id);
      // Another visit of the same edit is moving too; the database's constraint still guards the pair.
      if (clash && !moving.has(clash.id)) {
        clashes.push({
          bookingId: visit.id,
          occursOn: visit.occursOn ? isoDay(visit.occursOn) : null,
          startsAt: to.startsAt.toISOString(),
          clashingBookingId: clash.id,
        });
      }
    }
    if (clashes.length > 0) throw new SeriesVisitsClashError(clashes);
  }

  // Pause, resume, end ------------------------------------------------------------------------------

  /** No visits from `from` to `to` (inclusive; open-ended without `to`): those made are cancelled. */
  async pause(principal: Principal, seriesId: string, dto: PauseSeriesDto): Promise<SeriesDto> {
    const series = await this.findChangeable(principal, seriesId);
    if (dto.to !== undefined && dto.to < dto.from)
      throw new SeriesFieldError('to', 'to must not be before from');
    const updated = await this.unitOfWork.run(async (work) => {
      const visits = (await this.bookings.liveSeriesVisits(series.id, dateColumn(dto.from), work.tx)).filter(
        (visit) => dto.to === undefined || (visit.occursOn !== null && isoDay(visit.occursOn) <= dto.to),
      );
      const until = dto.to ? ` til ${danishDay(dto.to)}` : '';
      await this.bookings.cancelSeriesVisits(
        work,
        visits,
        `Serien holder pause fra ${danishDay(dto.from)}${until}`,
        principal.userId,
        true,
      );
      await this.timeline(
        work.tx,
        series,
        principal.userId,
        'Fast rengøring sat på pause',
        `Pause fra ${danishDay(dto.from)}${until}; ${visits.length} besøg aflyst`,
      );
      return this.repository.update(
        work.tenantId,
        series.id,
        {
          status: 'paused',
          pausedFrom: dateColumn(dto.from),
          pausedUntil: dto.to ? dateColumn(dto.to) : null,
        },
        work.tx,
      );
    });
    return SeriesDto.from(updated, await this.upcoming(series.id));
  }

  /** Visits again from now on: the pause is lifted and the horizon's missing dates are made. */
  async resume(principal: Principal, seriesId: string): Promise<SeriesDto> {
    const series = await this.findChangeable(principal, seriesId);
    const updated = await this.unitOfWork.run(async (work) => {
      await this.timeline(
        work.tx,
        series,
        principal.userId,
        'Fast rengøring genoptaget',
        describeRule(series),
      );
      return this.repository.update(
        work.tenantId,
        series.id,
        { status: 'active', pausedFrom: null, pausedUntil: null },
        work.tx,
      );
    });
    await this.materialiser.materialise(updated);
    return SeriesDto.from(updated, await this.upcoming(series.id));
  }

  /** Ends the series today: its future visits are cancelled and their calendar events removed. */
  async end(principal: Principal, seriesId: string): Promise<void> {
    if (!MANAGER_ROLES.includes(principal.role))
      throw new BookingForbiddenError('Only admins and managers can end a series');
    const series = await this.findChangeable(principal, seriesId);
    const tenant = await this.profile.current();
    const now = this.clock.now();
    await this.unitOfWork.run(async (work) => {
      const future = (await this.bookings.liveSeriesVisits(series.id, null, work.tx)).filter(
        (visit) => visit.startsAt.getTime() > now.getTime(),
      );
      await this.bookings.cancelSeriesVisits(work, future, 'Serien er afsluttet', principal.userId, false);
      await this.timeline(
        work.tx,
        series,
        principal.userId,
        'Fast rengøring afsluttet',
        `${future.length} kommende besøg aflyst`,
      );
      await this.repository.update(
        work.tenantId,
        series.id,
        { status: 'ended', endedAt: now, endsOn: dateColumn(dayIn(now, tenant.timezone)) },
        work.tx,
      );
    });
  }

  /** The series' life on its lead's timeline: created, changed, paused, resumed, ended. */
  private timeline(
    tx: ScopedTransaction,
    series: BookingSeries,
    actorUserId: string,
    title: string,
    description: string,
  ): Promise<void> {
    return this.activities.record(tx, {
      type: 'booking',
      title,
      description,
      status: 'info',
      customerId: series.customerId,
      leadId: series.leadId,
      actorUserId,
      metadata: { seriesId: series.id },
    });
  }

  // Invoicing ---------------------------------------------------------------------------------------

  /** The customer's monthly invoice: one line per completed visit of the month invoiced monthly. */
  monthlyInvoice(principal: Principal, dto: MonthlyInvoiceDto): Promise<InvoiceDto> {
    return this.invoices.draftMonthly(principal.userId, dto.customerId, dto.month);
  }
}
