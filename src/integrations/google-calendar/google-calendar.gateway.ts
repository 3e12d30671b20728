import { Injectable } from '@nestjs/common';
// Calendar's own package (googleapis' index would load every Google API: about 110 MB of RSS).
import { calendar as calendarApi, type calendar_v3 } from '@googleapis/calendar';

import { AppConfig } from '../../core/config/app-config.js';
import type { GoogleCredentials } from '../credentials/credentials.providers.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { ClientCache, googleCredentialsKey, googleOAuthClient } from '../credentials/google-oauth.js';
import { IntegrationError, type IntegrationErrorInit } from '../integration-error.js';
import {
  type BusyInterval,
  type CalendarClient,
  type CalendarEventInput,
  type CalendarGateway,
} from './calendar.gateway.js';

/** A hanging Google call must fail the job (which retries), not hold a worker slot forever. */
const REQUEST_TIMEOUT_MS = 20_000;
/** Google answers free/busy for at most 90 days per query; a long horizon is asked in pieces. */
const FREEBUSY_SPAN_MS = 60 * 24 * 3600_000;
/** OAuth clients kept per tenant, so an access token is reused until it expires rather than fetched per call. */
const MAX_CACHED_CLIENTS = 200;

interface VendorError {
  status?: number;
  code?: string | number;
  message?: string;
  response?: { status?: number; data?: unknown };
}

/** The token endpoint's refusals that only new credentials can fix. */
const CREDENTIAL_ERRORS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

/** Maps what googleapis (gaxios) throws to our kinds; the message names no secret. */
export function toCalendarError(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const vendor = (error ?? {}) as VendorError;
  const status = vendor.response?.status ?? (typeof vendor.status === 'number' ? vendor.status : undefined);
  const data = vendor.response?.data as
    { error?: string | { message?: string; errors?: Array<{ reason?: string }> } } | undefined;
  const oauthError = typeof data?.error === 'string' ? data.error : undefined;
  const apiError = typeof data?.error === 'object' ? data.error : undefined;
  const reason = apiError?.errors?.[0]?.reason;
  const message = `Google Calendar: ${apiError?.message ?? oauthError ?? vendor.message ?? 'request failed'}`;
  const failure = (kind: IntegrationError['kind'], extra: Partial<IntegrationErrorInit> = {}) =>
    calendarError(kind, message, { httpStatus: status, vendorCode: oauthError ?? reason, ...extra });
  if (oauthError && CREDENTIAL_ERRORS.has(oauthError)) return failure('needs_attention');
  if (status === undefined) return failure('retry');
  if (status === 401) return failure('needs_attention');
  if (status === 403)
    return reason && RATE_LIMIT_REASONS.has(reason)
      ? failure('retry')
      : failure('needs_attention', { accessDenied: true });
  if (status === 404) return failure('not_found');
  if (status === 409) return failure('conflict');
  if (status === 410) return failure('not_found', { gone: true });
  if (status === 408 || status === 429 || status >= 500) return failure('retry');
  return failure('give_up');
}

function calendarError(
  kind: IntegrationError['kind'],
  message: string,
  extra: Partial<IntegrationErrorInit> = {},
): IntegrationError {
  return new IntegrationError({ provider: 'Google Kalender', kind, message, ...extra });
}

function eventBody(eventId: string | undefined, event: CalendarEventInput): calendar_v3.Schema$Event {
  return {
    ...(eventId ? { id: eventId } : {}),
    status: 'confirmed',
    summary: event.summary,
    description: event.description,
    location: event.location,
    start: { dateTime: event.startsAt.toISOString(), timeZone: event.timeZone },
    end: { dateTime: event.endsAt.toISOString(), timeZone: event.timeZone },
    transparency: 'opaque',
    extendedProperties: {
      private: { renosBookingId: event.bookingId, renosRevision: String(event.revision) },
    },
  };
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toCalendarError(error);
  }
}

class GoogleCalendarClient implements CalendarClient {
  constructor(private readonly api: calendar_v3.Calendar) {}

  async freeBusy(
    calendarIds: readonly string[],
    from: Date,
    to: Date,
  ): Promise<Map<string, BusyInterval[] | IntegrationError>> {
    const result = new Map<string, BusyInterval[] | IntegrationError>(
      calendarIds.map((id) => [id, [] as BusyInterval[]]),
    );
    for (let start = from.getTime(); start < to.getTime(); start += FREEBUSY_SPAN_MS) {
      const end = Math.min(start + FREEBUSY_SPAN_MS, to.getTime());
      const { data } = await call(() =>
        this.api.freebusy.query({
          requestBody: {
            timeMin: new Date(start).toISOString(),
            timeMax: new Date(end).toISOString(),
            items: calendarIds.map((id) => ({ id })),
          },
        }),
      );
      for (const id of calendarIds) {
        const busySoFar = result.get(id);
        if (busySoFar instanceof IntegrationError) continue;
        const entry = data.calendars?.[id];
        const problem = entry?.errors?.[0]?.reason;
        if (!entry || problem) {
          const message = `Google Calendar: calendar ${id} could not be read (${problem ?? 'missing'})`;
          const extra = { vendorCode: problem ?? null };
          result.set(
            id,
            problem === 'notFound'
              ? calendarError('not_found', message, extra)
              : problem === 'backendError'
                ? calendarError('retry', message, extra)
                : calendarError('needs_attention', message, { ...extra, accessDenied: true }),
          );
          continue;
        }
        for (const busy of entry.busy ?? []) {
          if (busy.start && busy.end)
            busySoFar?.push({ start: new Date(busy.start), end: new Date(busy.end) });
        }
      }
    }
    return result;
  }

  async insertEvent(calendarId: string, eventId: string, event: CalendarEventInput): Promise<void> {
    await call(() => this.api.events.insert({ calendarId, requestBody: eventBody(eventId, event) }));
  }

  async patchEvent(calendarId: string, eventId: string, event: CalendarEventInput): Promise<void> {
    await call(() =>
      this.api.events.patch({ calendarId, eventId, requestBody: eventBody(undefined, event) }),
    );
  }

  async deleteEvent(calendarId: string, eventId: string): Promise<void> {
    await call(() => this.api.events.delete({ calendarId, eventId }));
  }
}

/**
 * The Google Calendar adapter: googleapis' calendar v3 with the tenant's OAuth credentials (stored ones,
 * or the environment's for the seeded tenant), pointed at GOOGLE_API_BASE_URL / GOOGLE_OAUTH_TOKEN_URL
 * when those are set (tests, demo).
 */
@Injectable()
export class GoogleCalendarGateway implements CalendarGateway {
  private readonly clients = new ClientCache<GoogleCalendarClient>(MAX_CACHED_CLIENTS);

  constructor(
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
  ) {}

  async connect(): Promise<CalendarClient | null> {
    const resolved = await this.credentials.resolveCredentials('google');
    if (!resolved) return null;
    return this.clients.get(
      googleCredentialsKey(resolved),
      () => new GoogleCalendarClient(this.build(resolved.credentials)),
    );
  }

  private build(credentials: GoogleCredentials): calendar_v3.Calendar {
    const { apiBaseUrl } = this.config.google;
    const auth = googleOAuthClient(credentials, this.config);
    return calendarApi({
      version: 'v3',
      auth,
      timeout: REQUEST_TIMEOUT_MS,
      ...(apiBaseUrl ? { rootUrl: apiBaseUrl.endsWith('/') ? apiBaseUrl : `${apiBaseUrl}/` } : {}),
    });
  }
}
