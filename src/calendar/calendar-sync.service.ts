import { Inject, Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { BookingsService } from '../bookings/bookings.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { formatDateTime, formatHours, formatPhone, formatTime } from '../core/format/danish.js';
import { RedisLockService } from '../core/redis/redis-lock.service.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { isIntegrationError } from '../integrations/integration-error.js';
import { TenantProfileService } from '../tenants/tenant-profile.service.js';
import { calendarOf } from './availability.service.js';
import {
  CALENDAR_GATEWAY,
  type CalendarClient,
  type CalendarEventInput,
  type CalendarGateway,
} from '../integrations/google-calendar/calendar.gateway.js';
import { CalendarRepository, type BookingForSync } from './calendar.repository.js';

/**
 * The event id of a booking's revision (docs/architecture.md, step 4): Google accepts client ids in base32hex
 * (0-9, a-v). The UUID's hex digits and the decimal revision are both in that alphabet, and the hex
 * part has a fixed length, so the id is unambiguous, and the same booking revision always gets the
 * same id: a retried insert meets its own earlier success as a 409.
 */
export function calendarEventId(bookingId: string, revision: number): string {
  return `${bookingId.replace(/-/g, '').toLowerCase()}${revision}`;
}

export type SyncOutcome = 'inserted' | 'updated' | 'deleted' | 'unchanged';

/** The tenant has not connected Google, yet a team calendar should show the booking. */
export class CalendarNotConnectedError extends Error {
  constructor() {
    super('Google is not connected: the booking was not put in the calendar');
    this.name = 'CalendarNotConnectedError';
  }
}

/**
 * Bookings that belong in a calendar: the team is doing (or did) the job at that time. A completed
 * booking keeps its event, brought up to date if a move was still waiting to be synced.
 */
const IN_CALENDAR = new Set(['confirmed', 'in_progress', 'completed']);
/**
 * One sync of one booking at a time; the lock outlives the slowest sync (a move is up to three Google
 * calls of 20 s, googleapis retrying idempotent ones, plus a token refresh).
 */
const SYNC_LOCK_MS = 5 * 60_000;

const isMissing = (error: unknown) =>
  isIntegrationError(error, 'Google Kalender') && error.kind === 'not_found';

/**
 * Makes a team's Google Calendar event match its booking (the `calendar.sync-booking` job). Idempotent:
 * it reads the booking's current state and converges to it, so running it twice, or after a lost
 * response, leaves one event. Syncs of one booking are serialised by a Redis lock, so a confirm and a
 * quick move cannot both insert.
 */
@Injectable()
export class CalendarSyncService {
  constructor(
    private readonly repository: CalendarRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly profile: TenantProfileService,
    private readonly activities: ActivitiesService,
    private readonly bookings: BookingsService,
    private readonly credentials: CredentialsService,
    private readonly locks: RedisLockService,
    @Inject(CALENDAR_GATEWAY) private readonly gateway: CalendarGateway,
  ) {}

  /**
   * Makes the calendar match the booking. One sync per booking at a time (a Redis lock, not a database
   * transaction: Google may take its time, and a pooled connection must not wait with it); the booking is
   * read and the result written in short transactions. A change made during a sync wrote its own job,
   * which runs once this one lets go.
   */
  async sync(bookingId: string): Promise<SyncOutcome> {
    const tenantId = this.tenantPrisma.tenantId;
    // Credentials are read outside any transaction: inside one, the scoped client sees no rows.
    const client = await this.gateway.connect();
    const profile = await this.profile.current();
    const lock = `calendar-sync:${tenantId}:${bookingId}`;
    const outcome = await this.locks.withLock(lock, SYNC_LOCK_MS, async () => {
      const booking = await this.tenantPrisma.transaction((tx) =>
        this.repository.findBookingForSync(tenantId, bookingId, tx),
      );
      if (!booking) return 'unchanged';
      const wanted = !booking.deletedAt && IN_CALENDAR.has(booking.status);
      if (!wanted && !booking.googleCalendarEventId) return 'unchanged';
      if (!client) throw new CalendarNotConnectedError();
      return wanted ? this.put(client, booking, profile.timezone) : this.remove(client, booking);
    });
    if (outcome !== 'unchanged') await this.credentials.recordSuccess('google');
    return outcome;
  }

  /**
   * Records on the booking's timeline why its calendar event could not be made (in its own
   * transaction), once per booking and reason: a tenant without Google is told, not told at every move.
   */
  async recordFailure(bookingId: string, reason: string): Promise<void> {
    const tenantId = this.tenantPrisma.tenantId;
    const entry = { title: 'Kalenderen er ikke opdateret', description: reason };
    await this.tenantPrisma.transaction(async (tx) => {
      const booking = await this.repository.findBookingForSync(tenantId, bookingId, tx);
      if (!booking || (await this.repository.hasActivity(tenantId, bookingId, entry, tx))) return;
      await this.activities.record(tx, {
        type: 'booking',
        ...entry,
        status: 'warning',
        customerId: booking.customerId,
        leadId: booking.leadId,
        bookingId: booking.id,
        actorUserId: null,
        metadata: { revision: booking.revision, status: booking.status },
      });
    });
  }

  private async put(client: CalendarClient, booking: BookingForSync, timezone: string): Promise<SyncOutcome> {
    const tenantId = this.tenantPrisma.tenantId;
    const target = calendarOf(booking.team);
    const event = eventFor(booking, timezone);
    const stored = booking.googleCalendarEventId;

    if (stored && booking.googleCalendarId === target) {
      try {
        await client.patchEvent(target, stored, event);
        return 'updated';
      } catch (error) {
        // Removed from Google for good by someone: the booking still stands, so it gets a new event.
        if (!isMissing(error)) throw error;
      }
    } else if (stored && booking.googleCalendarId) {
      // Moved to a team with another calendar: the old team's calendar must not keep the job.
      await client.deleteEvent(booking.googleCalendarId, stored).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
    }

    const eventId = calendarEventId(booking.id, booking.revision);
    try {
      await client.insertEvent(target, eventId, event);
    } catch (error) {
      if (!(isIntegrationError(error, 'Google Kalender') && error.kind === 'conflict')) throw error;
      // Our id already exists: an earlier attempt inserted it and its answer was lost (or the event was
      // deleted since). Patching sets every field again and undeletes it.
      await client.patchEvent(target, eventId, event);
    }
    await this.tenantPrisma.transaction(async (tx) => {
      await this.bookings.recordCalendarEvent(
        tx,
        { id: booking.id, tenantId },
        { calendarId: target, eventId },
      );
      await this.activities.record(tx, {
        type: 'booking',
        title: 'Lagt i kalenderen',
        description: `${booking.team.name}: ${describe(booking, timezone)}`,
        status: 'success',
        customerId: booking.customerId,
        leadId: booking.leadId,
        bookingId: booking.id,
        actorUserId: null,
        metadata: { calendarId: target, eventId, revision: booking.revision },
      });
    });
    return 'inserted';
  }

  private async remove(client: CalendarClient, booking: BookingForSync): Promise<SyncOutcome> {
    const eventId = booking.googleCalendarEventId as string;
    const calendarId = booking.googleCalendarId ?? calendarOf(booking.team);
    try {
      await client.deleteEvent(calendarId, eventId);
    } catch (error) {
      // Already gone (a second run, a retry after a lost answer, or deleted by hand): the goal is met.
      if (isMissing(error)) return 'unchanged';
      throw error;
    }
    // The ids stay on the booking: they name the (now deleted) event, which Google still shows as cancelled.
    await this.tenantPrisma.transaction((tx) =>
      this.activities.record(tx, {
        type: 'booking',
        title: 'Fjernet fra kalenderen',
        description: `Bookingen er ${booking.deletedAt ? 'slettet' : (STATUS_NAME[booking.status] ?? booking.status)}`,
        status: 'info',
        customerId: booking.customerId,
        leadId: booking.leadId,
        bookingId: booking.id,
        actorUserId: null,
        metadata: { calendarId, eventId },
      }),
    );
    return 'deleted';
  }
}

const STATUS_NAME: Record<string, string> = {
  cancelled: 'aflyst',
  expired: 'udløbet',
  pending: 'ikke bekræftet',
};

function describe(booking: { startsAt: Date; endsAt: Date }, timezone: string): string {
  return `${formatDateTime(booking.startsAt, timezone)}–${formatTime(booking.endsAt, timezone)}`;
}

/** The event as the team sees it in its calendar (Danish; the business's own calendar, so it names the customer). */
function eventFor(booking: BookingForSync, timezone: string): CalendarEventInput {
  const { lead } = booking;
  const description = [
    `Kunde: ${lead.customerName}`,
    lead.customerPhone ? `Telefon: ${formatPhone(lead.customerPhone)}` : null,
    `Opgave: ${lead.serviceType}, ${formatHours(booking.durationHours)}`,
    `Hold: ${booking.team.name}`,
    booking.notes ? `Noter: ${booking.notes}` : null,
    `RenOS booking ${booking.id}`,
  ]
    .filter((line): line is string => line !== null)
    .join('\n');
  return {
    summary: `${lead.serviceType}: ${lead.customerName}`,
    description,
    location: `${lead.address}, ${lead.postalCode} ${lead.city}`,
    startsAt: booking.startsAt,
    endsAt: booking.endsAt,
    timeZone: timezone,
    bookingId: booking.id,
    revision: booking.revision,
  };
}
