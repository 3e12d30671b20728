/**
 * The port to the team calendars (docs/architecture.md, Layers: outside services behind ports): what the
 * calendar features need from Google Calendar, in our words. One adapter (GoogleCalendarGateway) speaks the
 * vendor's API and maps its errors to IntegrationError (provider "Google Kalender"), so the services decide
 * retry / give up / needs attention without knowing HTTP: `retry` for outages, rate limits and timeouts;
 * `needs_attention` for refused credentials, or (`accessDenied`) a calendar the account may not use;
 * `not_found` for a missing calendar or event (`gone` when Google says it was deleted); `conflict` for an
 * event id that exists already; `give_up` for a request refused as malformed.
 */

import type { IntegrationError } from '../integration-error.js';

export const CALENDAR_GATEWAY = Symbol('CalendarGateway');

export interface BusyInterval {
  start: Date;
  end: Date;
}

/** What a calendar event of a booking carries; times are instants, shown in `timeZone`. */
export interface CalendarEventInput {
  summary: string;
  description: string;
  location: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  /** Private extended properties: lets anyone looking at the event find the booking. */
  bookingId: string;
  revision: number;
}

/** A calendar connection of the current tenant, with its credentials already resolved. */
export interface CalendarClient {
  /** Busy times per calendar in [from, to); a calendar Google could not read answers an error instead. */
  freeBusy(
    calendarIds: readonly string[],
    from: Date,
    to: Date,
  ): Promise<Map<string, BusyInterval[] | IntegrationError>>;
  /** Creates the event with our id; throws `conflict` when an event with that id exists. */
  insertEvent(calendarId: string, eventId: string, event: CalendarEventInput): Promise<void>;
  /** Sets the event's fields to `event` (and undeletes it); throws `not_found` when missing. */
  patchEvent(calendarId: string, eventId: string, event: CalendarEventInput): Promise<void>;
  /** Deletes the event; throws `not_found` when it is not there. */
  deleteEvent(calendarId: string, eventId: string): Promise<void>;
}

export interface CalendarGateway {
  /** The current tenant's calendar connection, or null when the tenant has not connected Google. */
  connect(): Promise<CalendarClient | null>;
}
