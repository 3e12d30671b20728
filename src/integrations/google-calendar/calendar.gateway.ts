/**
 * The port to the team calendars (docs/architecture.md, Layers: outside services behind ports): what the
 * calendar features need from Google Calendar, in our words. One adapter (GoogleCalendarGateway) speaks the
 * vendor's API and maps its errors to `CalendarGatewayError` kinds, so the services decide retry / give up /
 * needs attention without knowing HTTP.
 */

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

/**
 * - `retry`: the vendor or the network failed for now (5xx, 429, rate limits, timeouts);
 * - `credentials`: the tenant's Google credentials were refused (an admin must reconnect);
 * - `not_found`, `conflict`, `gone`: the calendar or event is missing / already exists / was deleted;
 * - `forbidden`: the account may not use that calendar (an admin must share it or fix the id);
 * - `invalid`: the request was refused as malformed; retrying sends the same thing.
 */
export type CalendarErrorKind =
  'retry' | 'credentials' | 'not_found' | 'conflict' | 'gone' | 'forbidden' | 'invalid';

export class CalendarGatewayError extends Error {
  constructor(
    readonly kind: CalendarErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CalendarGatewayError';
  }
}

/** A calendar connection of the current tenant, with its credentials already resolved. */
export interface CalendarClient {
  /** Busy times per calendar in [from, to); a calendar Google could not read answers an error instead. */
  freeBusy(
    calendarIds: readonly string[],
    from: Date,
    to: Date,
  ): Promise<Map<string, BusyInterval[] | CalendarGatewayError>>;
  /** Creates the event with our id; throws `conflict` when an event with that id exists. */
  insertEvent(calendarId: string, eventId: string, event: CalendarEventInput): Promise<void>;
  /** Sets the event's fields to `event` (and undeletes it); throws `not_found`/`gone` when missing. */
  patchEvent(calendarId: string, eventId: string, event: CalendarEventInput): Promise<void>;
  /** Deletes the event; throws `not_found`/`gone` when it is not there. */
  deleteEvent(calendarId: string, eventId: string): Promise<void>;
}

export interface CalendarGateway {
  /** The current tenant's calendar connection, or null when the tenant has not connected Google. */
  connect(): Promise<CalendarClient | null>;
}
