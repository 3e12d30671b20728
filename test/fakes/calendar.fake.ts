import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import {
  bearerToken,
  Delays,
  FailureQueue,
  FakeHttpServer,
  type FakeRequest,
  type RunningFake,
  sendEmpty,
  sendJson,
} from './http.js';

/**
 * Google Calendar API v3 as googleapis calls it with `google.calendar({ version: 'v3', auth, rootUrl })`:
 *   POST   /calendar/v3/calendars/{calendarId}/events            events.insert (client `id` allowed, base32hex)
 *   GET    /calendar/v3/calendars/{calendarId}/events/{eventId}  events.get
 *   PATCH  /calendar/v3/calendars/{calendarId}/events/{eventId}  events.patch
 *   PUT    /calendar/v3/calendars/{calendarId}/events/{eventId}  events.update
 *   DELETE /calendar/v3/calendars/{calendarId}/events/{eventId}  events.delete → 204; again → 410 deleted
 *   POST   /calendar/v3/freeBusy                                 freebusy.query
 * Errors use Calendar's envelope `{ error: { errors: [{ domain, reason, message }], code, message } }`.
 */

export type CalendarMethod =
  'events.insert' | 'events.get' | 'events.patch' | 'events.update' | 'events.delete' | 'freebusy.query';

export interface CalendarEvent {
  kind: 'calendar#event';
  etag: string;
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  htmlLink: string;
  created: string;
  updated: string;
  summary?: string;
  description?: string;
  location?: string;
  creator: { email: string };
  organizer: { email: string; self: boolean };
  start: { dateTime?: string; date?: string; timeZone?: string };
  end: { dateTime?: string; date?: string; timeZone?: string };
  iCalUID: string;
  sequence: number;
  transparency?: 'opaque' | 'transparent';
  reminders: { useDefault: boolean };
  eventType: string;
  [field: string]: unknown;
}

export interface CalendarCall {
  method: CalendarMethod | 'unknown';
  httpMethod: string;
  path: string;
  calendarId?: string;
  eventId?: string;
  query: Record<string, string>;
  body: unknown;
  accessToken?: string;
  status?: number;
  at: Date;
}

export interface BusyInterval {
  start: string | Date;
  end: string | Date;
}

export interface CalendarFakeOptions {
  /** The account whose calendars these are (creator/organizer of inserted events). */
  owner?: string;
  requireAuth?: boolean;
}

const BASE32HEX_ID = /^[a-v0-9]{5,1024}$/;

export function calendarError(
  code: number,
  message: string,
  reason: string,
): {
  error: { errors: { domain: string; reason: string; message: string }[]; code: number; message: string };
} {
  return { error: { errors: [{ domain: 'global', reason, message }], code, message } };
}

const DEFAULT_ERRORS: Record<number, [string, string]> = {
  400: ['Bad Request', 'badRequest'],
  401: ['Invalid Credentials', 'authError'],
  403: ['Rate Limit Exceeded', 'rateLimitExceeded'],
  404: ['Not Found', 'notFound'],
  409: ['The requested identifier already exists.', 'duplicate'],
  410: ['Resource has been deleted', 'deleted'],
  429: ['Rate Limit Exceeded', 'rateLimitExceeded'],
  500: ['Backend Error', 'backendError'],
  503: ['Backend Error', 'backendError'],
};

export class CalendarFake {
  private readonly http = new FakeHttpServer('calendar', (req, res) => this.handle(req, res));
  private readonly calendars = new Map<string, Map<string, CalendarEvent>>();
  private readonly busy = new Map<string, { start: number; end: number }[]>();
  private readonly missing = new Set<string>();
  private readonly failures = new FailureQueue<CalendarMethod>();
  private readonly delays = new Delays<CalendarMethod>();
  private readonly drops = new Map<CalendarMethod, number>();
  private readonly callLog: CalendarCall[] = [];
  private readonly owner: string;

  constructor(private readonly options: CalendarFakeOptions = {}) {
    this.owner = options.owner ?? 'info@rendetalje.dk';
  }

  start(): Promise<RunningFake> {
    return this.http.start();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  get url(): string {
    return this.http.url;
  }

  /** The googleapis per-service `rootUrl` (GOOGLE_API_BASE_URL). */
  get rootUrl(): string {
    return `${this.http.url}/`;
  }

  // ------------------------------------------------------------ control API

  /** Replaces the configured busy times of a calendar (inserted events count as busy too). */
  setBusy(calendarId: string, intervals: BusyInterval[]): void {
    this.busy.set(
      calendarId,
      intervals.map((i) => ({ start: new Date(i.start).getTime(), end: new Date(i.end).getTime() })),
    );
  }

  addBusy(calendarId: string, interval: BusyInterval): void {
    const list = this.busy.get(calendarId) ?? [];
    list.push({ start: new Date(interval.start).getTime(), end: new Date(interval.end).getTime() });
    this.busy.set(calendarId, list);
  }

  /** freebusy.query answers `{ errors: [{ domain: 'global', reason: 'notFound' }], busy: [] }` for it. */
  markNotFound(calendarId: string): void {
    this.missing.add(calendarId);
  }

  /** Events of a calendar (including cancelled ones, i.e. deleted, unless `live`). */
  events(calendarId = 'primary', options: { live?: boolean } = {}): CalendarEvent[] {
    const events = [...(this.calendars.get(calendarId)?.values() ?? [])];
    return options.live ? events.filter((e) => e.status !== 'cancelled') : events;
  }

  event(calendarId: string, eventId: string): CalendarEvent | undefined {
    return this.calendars.get(calendarId)?.get(eventId);
  }

  calls(method?: CalendarMethod): CalendarCall[] {
    return this.callLog.filter((c) => method === undefined || c.method === method);
  }

  /** The next `times` calls of `method` answer `status` (googleapis retries GET/PUT/DELETE 5xx/429 itself). */
  failNext(
    method: CalendarMethod | '*',
    status: number,
    body?: unknown,
    options: { times?: number; headers?: Record<string, string> } = {},
  ): void {
    const [message, reason] = DEFAULT_ERRORS[status] ?? ['Error', 'unknown'];
    this.failures.add(method, {
      status,
      body: body ?? calendarError(status, message, reason),
      headers: options.headers ?? {},
      remaining: options.times ?? 1,
    });
  }

  /** Forgets failures still waiting to be answered (a test that injected more than it used). */
  clearFailures(): void {
    this.failures.clear();
  }

  /**
   * The next `times` calls of `method` are carried out, but their answer is lost: the connection is cut
   * instead (a timeout or reset after Google acted). What a retry must survive without duplicating.
   */
  dropNextResponse(method: CalendarMethod, times = 1): void {
    this.drops.set(method, (this.drops.get(method) ?? 0) + times);
  }

  delay(ms: number, method: CalendarMethod | '*' = '*'): void {
    this.delays.set(ms, method);
  }

  reset(): void {
    this.calendars.clear();
    this.busy.clear();
    this.missing.clear();
    this.failures.clear();
    this.delays.clear();
    this.drops.clear();
    this.callLog.length = 0;
  }

  // ------------------------------------------------------------ internals

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    const eventsPath = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(req.path);
    let method: CalendarMethod | 'unknown' = 'unknown';
    if (req.path === '/calendar/v3/freeBusy' && req.method === 'POST') method = 'freebusy.query';
    else if (eventsPath && !eventsPath[2] && req.method === 'POST') method = 'events.insert';
    else if (eventsPath?.[2]) {
      method =
        (
          {
            GET: 'events.get',
            PATCH: 'events.patch',
            PUT: 'events.update',
            DELETE: 'events.delete',
          } as const
        )[req.method as 'GET' | 'PATCH' | 'PUT' | 'DELETE'] ?? 'unknown';
    }
    let body: unknown;
    try {
      body = req.json();
    } catch {
      body = req.text();
    }
    const call: CalendarCall = {
      method,
      httpMethod: req.method,
      path: req.path,
      calendarId: eventsPath ? decodeURIComponent(eventsPath[1]) : undefined,
      eventId: eventsPath?.[2] ? decodeURIComponent(eventsPath[2]) : undefined,
      query: Object.fromEntries(req.query),
      body,
      accessToken: bearerToken(req.headers),
      at: new Date(),
    };
    this.callLog.push(call);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      call.status = status;
      const drops = method === 'unknown' ? 0 : (this.drops.get(method) ?? 0);
      if (drops > 0 && status < 300) {
        this.drops.set(method as CalendarMethod, drops - 1);
        call.status = 0;
        res.destroy();
        return;
      }
      if (status === 204) sendEmpty(res, 204, headers);
      else sendJson(res, status, payload, headers);
    };
    if (method === 'unknown') return reply(404, calendarError(404, 'Not Found', 'notFound'));
    await this.delays.wait(method);
    if (!call.accessToken && this.options.requireAuth !== false) {
      return reply(401, calendarError(401, 'Login Required.', 'required'), {
        'www-authenticate': 'Bearer realm="https://accounts.google.com/"',
      });
    }
    const failure = this.failures.take(method);
    if (failure) return reply(failure.status, failure.body, failure.headers);
    if (typeof body === 'string') return reply(400, calendarError(400, 'Parse Error', 'parseError'));

    if (method === 'freebusy.query') return this.freeBusy(body as FreeBusyRequest | undefined, reply);
    const calendarId = call.calendarId as string;
    const calendar = this.calendar(calendarId);
    const input = (body ?? {}) as Partial<CalendarEvent>;
    const now = new Date().toISOString();

    if (method === 'events.insert') {
      const id = input.id ?? randomBytes(13).toString('hex');
      if (!BASE32HEX_ID.test(id))
        return reply(400, calendarError(400, 'Invalid resource id value.', 'invalid'));
      if (calendar.has(id)) {
        return reply(409, calendarError(409, 'The requested identifier already exists.', 'duplicate'));
      }
      const problem = timeProblem(input);
      if (problem) return reply(400, calendarError(400, problem, 'required'));
      const event: CalendarEvent = {
        ...input,
        kind: 'calendar#event',
        etag: etag(),
        id,
        status: input.status ?? 'confirmed',
        htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${calendarId}`).toString('base64url')}`,
        created: now,
        updated: now,
        creator: { email: this.owner },
        organizer: { email: calendarId === 'primary' ? this.owner : calendarId, self: true },
        start: input.start as CalendarEvent['start'],
        end: input.end as CalendarEvent['end'],
        iCalUID: `${id}@google.com`,
        sequence: 0,
        reminders: input.reminders ?? { useDefault: true },
        eventType: 'default',
      };
      calendar.set(id, event);
      return reply(200, event);
    }

    const eventId = call.eventId as string;
    const existing = calendar.get(eventId);
    if (!existing) return reply(404, calendarError(404, 'Not Found', 'notFound'));

    if (method === 'events.get') return reply(200, existing);

    if (method === 'events.delete') {
      if (existing.status === 'cancelled') {
        return reply(410, calendarError(410, 'Resource has been deleted', 'deleted'));
      }
      existing.status = 'cancelled';
      existing.updated = now;
      existing.etag = etag();
      return reply(204, undefined);
    }

    // patch (merge) / update (replace)
    const merged =
      method === 'events.patch'
        ? (deepMerge(existing, input) as CalendarEvent)
        : ({
            ...pick(existing, [
              'kind',
              'id',
              'htmlLink',
              'created',
              'creator',
              'organizer',
              'iCalUID',
              'eventType',
            ]),
            ...input,
            reminders: input.reminders ?? { useDefault: true },
            status: input.status ?? 'confirmed',
          } as CalendarEvent);
    const problem = timeProblem(merged);
    if (problem) return reply(400, calendarError(400, problem, 'required'));
    const timeChanged =
      JSON.stringify([merged.start, merged.end]) !== JSON.stringify([existing.start, existing.end]);
    const updated: CalendarEvent = {
      ...merged,
      id: existing.id,
      etag: etag(),
      updated: now,
      sequence: existing.sequence + (timeChanged ? 1 : 0),
    };
    calendar.set(eventId, updated);
    reply(200, updated);
  }

  private calendar(calendarId: string): Map<string, CalendarEvent> {
    let calendar = this.calendars.get(calendarId);
    if (!calendar) {
      calendar = new Map();
      this.calendars.set(calendarId, calendar);
    }
    return calendar;
  }

  private freeBusy(
    body: FreeBusyRequest | undefined,
    reply: (status: number, payload: unknown) => void,
  ): void {
    if (!body?.timeMin) return reply(400, calendarError(400, 'Missing timeMin.', 'required'));
    if (!body.timeMax) return reply(400, calendarError(400, 'Missing timeMax.', 'required'));
    const min = Date.parse(body.timeMin);
    const max = Date.parse(body.timeMax);
    if (Number.isNaN(min) || Number.isNaN(max) || max < min) {
      return reply(400, calendarError(400, 'The specified time range is empty.', 'timeRangeEmpty'));
    }
    // Google refuses spans over 90 days (clients split long ranges); the wording here is approximate.
    if (max - min > 90 * 24 * 3600 * 1000) {
      return reply(400, calendarError(400, 'The requested time range is too long.', 'timeRangeTooLong'));
    }
    const calendars: Record<string, unknown> = {};
    for (const { id } of body.items ?? []) {
      if (this.missing.has(id)) {
        calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
        continue;
      }
      const intervals = [...(this.busy.get(id) ?? [])];
      for (const event of this.calendars.get(id)?.values() ?? []) {
        if (event.status === 'cancelled' || event.transparency === 'transparent') continue;
        const start = eventTime(event.start);
        const end = eventTime(event.end);
        if (start !== undefined && end !== undefined) intervals.push({ start, end });
      }
      const clipped = intervals
        .filter((i) => i.end > min && i.start < max)
        .map((i) => ({ start: Math.max(i.start, min), end: Math.min(i.end, max) }))
        .sort((a, b) => a.start - b.start);
      const merged: { start: number; end: number }[] = [];
      for (const interval of clipped) {
        const last = merged[merged.length - 1];
        if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
        else merged.push({ ...interval });
      }
      calendars[id] = { busy: merged.map((i) => ({ start: rfc3339(i.start), end: rfc3339(i.end) })) };
    }
    reply(200, { kind: 'calendar#freeBusy', timeMin: rfc3339(min), timeMax: rfc3339(max), calendars });
  }
}

interface FreeBusyRequest {
  timeMin?: string;
  timeMax?: string;
  timeZone?: string;
  items?: { id: string }[];
}

function etag(): string {
  return `"${Date.now()}${Math.floor(Math.random() * 1000)}"`;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function eventTime(time: { dateTime?: string; date?: string } | undefined): number | undefined {
  if (!time) return undefined;
  if (time.dateTime) return Date.parse(time.dateTime);
  if (time.date) return Date.parse(`${time.date}T00:00:00Z`);
  return undefined;
}

function timeProblem(event: Partial<CalendarEvent>): string | undefined {
  if (!event.start || eventTime(event.start) === undefined) return 'Missing start time.';
  if (!event.end || eventTime(event.end) === undefined) return 'Missing end time.';
  if ((eventTime(event.end) as number) < (eventTime(event.start) as number))
    return 'The specified time range is empty.';
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Patch semantics: objects merge field by field, arrays and scalars replace. */
function deepMerge(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(target) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key], value) : value;
  }
  return out;
}

function pick<T extends object>(source: T, keys: string[]): Partial<T> {
  return Object.fromEntries(Object.entries(source).filter(([k]) => keys.includes(k))) as Partial<T>;
}
