import { Injectable, Logger, Inject } from '@nestjs/common';

import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { IntegrationError } from '../integrations/integration-error.js';
import { failureOf } from '../integrations/provider-failure.js';
import type { Team } from '../generated/prisma/client.js';
import { TenantProfileService, type TenantProfile } from '../tenants/tenant-profile.service.js';
import {
  bookableHours,
  bookableWindow,
  freeSlots,
  pickOffer,
  type Interval,
  type Slot,
  type TeamBusy,
} from './availability.js';
import { CALENDAR_GATEWAY, type CalendarGateway } from '../integrations/google-calendar/calendar.gateway.js';
import { CalendarUnavailableError, CalendarTeamNotFoundError } from './calendar.errors.js';
import { CalendarRepository } from './calendar.repository.js';
import { Clock } from '../core/time/clock.js';

export type { Slot } from './availability.js';

export interface AvailabilityQuery {
  from: Date;
  to: Date;
  durationHours: number;
  teamId?: string;
  /**
   * Leaves this lead's own held offers out of the busy times, so a slot offered to the lead can be
   * re-checked for that lead (its hold must not block the customer who holds it).
   */
  exceptLeadId?: string;
  /**
   * For a slot already offered and held: the minimum notice was met when it was offered, and a
   * customer who answers within the hold keeps it even if the day has come closer since.
   */
  ignoreNotice?: boolean;
}

/** The calendar a team's events and busy times live in; a team without its own uses the account's. */
export const calendarOf = (team: { googleCalendarId: string | null }): string =>
  team.googleCalendarId ?? 'primary';

const HOUR_MS = 3600_000;
const MINUTE_MS = 60_000;

/**
 * Free slots of the current tenant (docs/architecture.md, step 6): the pure `freeSlots` fed with the
 * tenant's rules and, per team, its Google Calendar busy times, live bookings and held offers. Without
 * Google connected, bookings and offers alone decide.
 */
@Injectable()
export class AvailabilityService {
  private readonly logger = new Logger(AvailabilityService.name);

  constructor(
    private readonly repository: CalendarRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly profile: TenantProfileService,
    private readonly credentials: CredentialsService,
    @Inject(CALENDAR_GATEWAY) private readonly gateway: CalendarGateway,
    private readonly clock: Clock,
  ) {}

  /** Free slots of the current tenant (tenant context) in [from, to), per active team (or one team). */
  async available(query: AvailabilityQuery): Promise<Slot[]> {
    const current = await this.profile.current();
    const profile = query.ignoreNotice
      ? { ...current, slotRules: { ...current.slotRules, minimumNoticeDays: 0 } }
      : current;
    return this.compute(profile, query, this.clock.now());
  }

  /**
   * The offer: up to `count` (default 3) non-overlapping slots within the tenant's notice/horizon, on
   * different days where possible, earliest first. [] when nothing is free in the horizon.
   */
  async offer(durationHours: number, count = 3): Promise<Slot[]> {
    const profile = await this.profile.current();
    const now = this.clock.now();
    const window = bookableWindow(profile, now);
    const slots = await this.compute(profile, { from: window.start, to: window.end, durationHours }, now);
    return pickOffer(slots, count, profile.timezone);
  }

  private async compute(profile: TenantProfile, query: AvailabilityQuery, now: Date): Promise<Slot[]> {
    const tenantId = this.tenantPrisma.tenantId;
    const teams = await this.teamsFor(tenantId, query.teamId);
    if (teams.length === 0) return [];
    const window = bookableWindow(profile, now);
    const from = new Date(Math.max(query.from.getTime(), window.start.getTime()));
    const to = new Date(Math.min(query.to.getTime(), window.end.getTime()));
    if (from >= to) return [];

    // Everything that could touch a slot starting in [from, to): up to a job's length and the buffer beyond.
    const bufferMs = Math.max(0, profile.slotRules.bufferMinutes ?? 0) * MINUTE_MS;
    const range: Interval = {
      start: new Date(from.getTime() - bufferMs),
      end: new Date(to.getTime() + bookableHours(query.durationHours) * HOUR_MS + bufferMs),
    };
    const teamIds = teams.map((team) => team.id);
    const [bookings, offers, calendars] = await Promise.all([
      this.repository.liveBookings(tenantId, teamIds, range),
      this.repository.heldOffers(tenantId, teamIds, range, now, query.exceptLeadId),
      this.calendarBusy(teams, range),
    ]);

    const busy: TeamBusy[] = [];
    for (const team of teams) {
      const calendar = calendars?.get(calendarOf(team));
      // A calendar Google could not read gives its team no slots: a guess could double-book the team.
      if (calendar instanceof IntegrationError) continue;
      busy.push({
        teamId: team.id,
        busy: [
          ...(calendar ?? []),
          ...bookings.filter((row) => row.teamId === team.id),
          ...offers.filter((row) => row.teamId === team.id),
        ],
      });
    }
    return freeSlots(profile, busy, { from, to, durationHours: query.durationHours, now });
  }

  private async teamsFor(tenantId: string, teamId: string | undefined): Promise<Team[]> {
    if (!teamId) return this.repository.activeTeams(tenantId);
    const team = await this.repository.findTeam(tenantId, teamId);
    if (!team) throw new CalendarTeamNotFoundError();
    // An inactive team takes no new work, so it has no free slots.
    return team.active ? [team] : [];
  }

  /** Busy times per calendar id; null when the tenant has not connected Google. */
  private async calendarBusy(
    teams: readonly Team[],
    range: Interval,
  ): Promise<Map<string, Interval[] | IntegrationError> | null> {
    const client = await this.gateway.connect();
    if (!client) return null;
    const calendarIds = [...new Set(teams.map(calendarOf))];
    let result: Map<string, Interval[] | IntegrationError>;
    try {
      result = await client.freeBusy(calendarIds, range.start, range.end);
    } catch (error) {
      const problem =
        error instanceof IntegrationError
          ? error
          : new IntegrationError({ provider: 'Google Kalender', kind: 'retry', message: String(error) });
      // The vendor's words go to the log only; admins and the timeline get the summary of its kind.
      this.logger.warn({
        message: 'Team calendars could not be read',
        kind: problem.kind,
        error: problem.message,
      });
      if (problem.kind !== 'retry') {
        await this.credentials.recordFailure('google', failureOf(problem), { needsAttention: true });
      }
      throw new CalendarUnavailableError(
        problem.kind === 'needs_attention' && !problem.accessDenied
          ? 'Google refused the credentials'
          : 'Google Calendar did not answer',
        problem,
      );
    }
    for (const [calendarId, busy] of result) {
      if (!(busy instanceof IntegrationError)) continue;
      this.logger.warn({
        message: 'A team calendar could not be read',
        calendarId,
        kind: busy.kind,
        error: busy.message,
      });
      await this.credentials.recordFailure('google', failureOf(busy), {
        needsAttention: busy.kind !== 'retry',
      });
    }
    return result;
  }
}
