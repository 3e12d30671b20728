import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { CalendarFake, calendarError } from '../../../test/fakes/calendar.fake.js';
import { GoogleOAuthFake } from '../../../test/fakes/google-oauth.fake.js';
import type { AppConfig } from '../../core/config/app-config.js';
import type { CredentialsService } from '../credentials/credentials.service.js';
import { IntegrationError } from '../integration-error.js';
import type { CalendarClient, CalendarEventInput } from './calendar.gateway.js';
import { GoogleCalendarGateway } from './google-calendar.gateway.js';

// The adapter driven through the real googleapis SDK against the fakes: each vendor failure must come
// out as the kind the services act on (retry, give up, needs attention).

const EVENT: CalendarEventInput = {
  summary: 'Hovedrengøring: Mette Hansen',
  description: 'Kunde: Mette Hansen',
  location: 'Vestergade 1, 8000 Aarhus C',
  startsAt: new Date('2030-03-05T09:00:00Z'),
  endsAt: new Date('2030-03-05T12:30:00Z'),
  timeZone: 'Europe/Copenhagen',
  bookingId: '0190f1e2-aaaa-7bbb-8ccc-0123456789ab',
  revision: 1,
};
const EVENT_ID = '0190f1e2aaaa7bbb8ccc0123456789ab1';

async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IntegrationError);
    expect(error).toMatchObject({ provider: 'Google Kalender' });
    return error as IntegrationError;
  }
  throw new Error('expected the call to fail');
}

describe('GoogleCalendarGateway', () => {
  const oauth = new GoogleOAuthFake();
  const calendar = new CalendarFake();
  let refreshToken = '1//gateway-spec';

  beforeAll(() => Promise.all([oauth.start(), calendar.start()]));
  afterAll(() => Promise.all([oauth.close(), calendar.close()]));
  beforeEach(() => calendar.reset());

  function connect(): Promise<CalendarClient | null> {
    const credentials = {
      resolveCredentials: () =>
        Promise.resolve({
          provider: 'google',
          source: 'tenant',
          credentials: { clientId: 'spec', clientSecret: 'secret', refreshToken, gmailAddress: 'a@b.dk' },
        }),
    } as unknown as CredentialsService;
    const config = {
      google: { apiBaseUrl: calendar.url, oauthTokenUrl: oauth.tokenUrl, gmailAddress: 'a@b.dk' },
    } as unknown as AppConfig;
    return new GoogleCalendarGateway(credentials, config).connect();
  }

  it('is not connected without credentials', async () => {
    const credentials = { resolveCredentials: () => Promise.resolve(null) } as unknown as CredentialsService;
    const gateway = new GoogleCalendarGateway(credentials, { google: {} } as unknown as AppConfig);
    expect(await gateway.connect()).toBeNull();
  });

  it('inserts, patches and deletes with our event id, in the tenant zone, carrying the booking', async () => {
    const client = (await connect())!;
    await client.insertEvent('primary', EVENT_ID, EVENT);
    expect(calendar.event('primary', EVENT_ID)).toMatchObject({
      summary: EVENT.summary,
      start: { dateTime: '2030-03-05T09:00:00.000Z', timeZone: 'Europe/Copenhagen' },
      extendedProperties: { private: { renosBookingId: EVENT.bookingId, renosRevision: '1' } },
    });
    expect((await failure(client.insertEvent('primary', EVENT_ID, EVENT))).kind).toBe('conflict');
    await client.patchEvent('primary', EVENT_ID, {
      ...EVENT,
      startsAt: new Date('2030-03-06T09:00:00Z'),
      endsAt: new Date('2030-03-06T12:30:00Z'),
    });
    expect(calendar.event('primary', EVENT_ID)?.start.dateTime).toBe('2030-03-06T09:00:00.000Z');
    await client.deleteEvent('primary', EVENT_ID);
    expect(await failure(client.deleteEvent('primary', EVENT_ID))).toMatchObject({
      kind: 'not_found',
      gone: true,
    });
    expect(await failure(client.deleteEvent('primary', 'nosuchevent1'))).toMatchObject({
      kind: 'not_found',
      gone: false,
    });
    // Patching a deleted event brings it back: how a retried insert's 409 is resolved.
    await client.patchEvent('primary', EVENT_ID, EVENT);
    expect(calendar.event('primary', EVENT_ID)?.status).toBe('confirmed');
  });

  it('maps vendor failures to retry, needs attention (access or credentials) and give up', async () => {
    const client = (await connect())!;
    calendar.failNext('events.insert', 503);
    expect((await failure(client.insertEvent('primary', EVENT_ID, EVENT))).kind).toBe('retry');
    calendar.failNext('events.insert', 429);
    expect((await failure(client.insertEvent('primary', EVENT_ID, EVENT))).kind).toBe('retry');
    calendar.failNext('events.insert', 403);
    expect((await failure(client.insertEvent('primary', EVENT_ID, EVENT))).kind).toBe('retry'); // rateLimitExceeded
    calendar.failNext('events.insert', 403, calendarError(403, 'Forbidden', 'forbidden'));
    expect(await failure(client.insertEvent('primary', EVENT_ID, EVENT))).toMatchObject({
      kind: 'needs_attention',
      accessDenied: true,
    });
    calendar.failNext('events.insert', 401);
    expect(await failure(client.insertEvent('primary', EVENT_ID, EVENT))).toMatchObject({
      kind: 'needs_attention',
      accessDenied: false,
    });
    expect((await failure(client.insertEvent('primary', 'NOT-BASE32HEX', EVENT))).kind).toBe('give_up');
    calendar.dropNextResponse('events.insert');
    expect((await failure(client.insertEvent('primary', EVENT_ID, EVENT))).kind).toBe('retry');
    expect(calendar.event('primary', EVENT_ID)).toBeDefined(); // done, though the answer was lost
  });

  it('answers needs attention (credentials) when Google refuses the refresh token', async () => {
    refreshToken = '1//gateway-spec-revoked';
    oauth.revoke(refreshToken);
    const client = (await connect())!;
    expect(await failure(client.deleteEvent('primary', EVENT_ID))).toMatchObject({
      kind: 'needs_attention',
      accessDenied: false,
    });
    refreshToken = '1//gateway-spec';
  });

  it('reads busy times per calendar, in pieces of at most 90 days, and reports unreadable calendars', async () => {
    const client = (await connect())!;
    calendar.setBusy('hold1', [
      { start: '2030-03-05T09:00:00Z', end: '2030-03-05T11:00:00Z' },
      { start: '2030-05-20T09:00:00Z', end: '2030-05-20T11:00:00Z' },
    ]);
    calendar.markNotFound('gone');
    const busy = await client.freeBusy(
      ['hold1', 'gone'],
      new Date('2030-03-01T00:00:00Z'),
      new Date('2030-06-01T00:00:00Z'),
    );
    expect(busy.get('hold1')).toEqual([
      { start: new Date('2030-03-05T09:00:00Z'), end: new Date('2030-03-05T11:00:00Z') },
      { start: new Date('2030-05-20T09:00:00Z'), end: new Date('2030-05-20T11:00:00Z') },
    ]);
    expect((busy.get('gone') as IntegrationError).kind).toBe('not_found');
    expect(calendar.calls('freebusy.query').map((call) => call.status)).toEqual([200, 200]);
  });
});
