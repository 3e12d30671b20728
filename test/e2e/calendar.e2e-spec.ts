import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { AvailabilityService } from '../../src/calendar/availability.service.js';
import { WorkerService } from '../../src/core/queue/worker.service.js';
import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { CalendarFake, calendarError } from '../fakes/calendar.fake.js';
import { GoogleOAuthFake } from '../fakes/google-oauth.fake.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createLead } from '../support/factories.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';
import { fieldsOf } from '../support/http.js';

const HOUR = 3600_000;
/** Availability tests use 2030 dates; their tenants look that far ahead. */
const FAR_HORIZON = {
  startTimes: ['08:00', '10:00', '12:00', '14:00'],
  bufferMinutes: 30,
  minimumNoticeDays: 1,
  horizonDays: 3650,
  holdMinutes: 1440,
};

describe('calendar', () => {
  const oauth = new GoogleOAuthFake();
  const calendar = new CalendarFake();
  let test: TestApp;
  let tenantA: TenantFixture;
  let tenantB: TenantFixture;
  let adminA: Session;
  let adminB: Session;
  let calendarA: string;
  let team2: { id: string; calendarId: string };
  /** Runs the calendar job in-process as the worker does (in the tenant's context). */
  let syncBooking: (payload: { tenantId: string; bookingId: string }) => Promise<unknown>;

  beforeAll(async () => {
    await Promise.all([oauth.start(), calendar.start()]);
    test = await bootTestApp({
      env: { GOOGLE_API_BASE_URL: calendar.rootUrl, GOOGLE_OAUTH_TOKEN_URL: oauth.tokenUrl },
    });
    const worker = test.app.get(WorkerService);
    syncBooking = (payload) => worker.perform('calendar.sync-booking', payload);
    tenantA = await createTenant('Kalender A');
    tenantB = await createTenant('Kalender B');
    adminA = await signIn(test.app, tenantA.id, 'admin');
    adminB = await signIn(test.app, tenantB.id, 'admin');
    calendarA = `hold1-${randomUUID().slice(0, 8)}@group.calendar.google.com`;
    await ownerDb().team.update({ where: { id: tenantA.teamId }, data: { googleCalendarId: calendarA } });
    team2 = { id: '', calendarId: `hold2-${randomUUID().slice(0, 8)}@group.calendar.google.com` };
    team2.id = (
      await ownerDb().team.create({
        data: { tenantId: tenantA.id, name: 'Hold 2', googleCalendarId: team2.calendarId },
      })
    ).id;
    for (const tenant of [tenantA, tenantB]) {
      await ownerDb().tenant.update({ where: { id: tenant.id }, data: { slotRules: FAR_HORIZON } });
    }
    const connected = await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/google',
      headers: adminA.auth,
      payload: {
        clientId: 'calendar-e2e.apps.googleusercontent.com',
        clientSecret: 'GOCSPX-calendar-e2e',
        refreshToken: '1//calendar-e2e',
        gmailAddress: 'info@kalender-a.dk',
      },
    });
    expect(connected.statusCode).toBe(200);
  });
  afterAll(async () => {
    await test?.close();
    await Promise.all([oauth.close(), calendar.close()]);
  });

  const request = (method: 'GET' | 'POST' | 'PATCH', url: string, session: Session, payload?: object) =>
    test.app.inject({ method, url, payload, headers: session.auth });

  let dayCounter = 0;
  /** A fresh far-future day per call, so sync tests never collide on a team's time. */
  function freshDay(): (hour: number) => string {
    dayCounter += 1;
    const day = Date.UTC(2031, 0, 1) + dayCounter * 24 * HOUR;
    return (hour) => new Date(day + hour * HOUR).toISOString();
  }

  async function book(session: Session, tenantId: string, payload: Record<string, unknown> = {}) {
    const lead = await createLead(tenantId);
    const response = await request('POST', '/api/bookings', session, {
      leadId: lead.id,
      startsAt: freshDay()(8),
      ...payload,
    });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; startsAt: string; endsAt: string; revision: number };
  }

  const bookingRow = (id: string) => ownerDb().booking.findUniqueOrThrow({ where: { id } });
  const hexId = (bookingId: string) => bookingId.replace(/-/g, '');
  const titles = async (bookingId: string) =>
    (await ownerDb().activity.findMany({ where: { bookingId }, orderBy: { createdAt: 'asc' } })).map(
      (a) => a.title,
    );
  const synced = (bookingId: string) =>
    expect.poll(async () => (await bookingRow(bookingId)).googleCalendarEventId, { timeout: 15_000 });

  describe('calendar.sync-booking', () => {
    it('puts a confirmed booking in its team calendar once, under the id derived from booking and revision', async () => {
      const booking = await book(adminA, tenantA.id);
      await synced(booking.id).toBe(`${hexId(booking.id)}1`);
      const events = calendar
        .events(calendarA, { live: true })
        .filter((e) => e.id.startsWith(hexId(booking.id)));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        id: `${hexId(booking.id)}1`,
        status: 'confirmed',
        summary: 'Flytterengøring: Mette Hansen',
        location: 'Vestergade 1, 8000 Aarhus C',
        start: { dateTime: booking.startsAt, timeZone: 'Europe/Copenhagen' },
        end: { dateTime: booking.endsAt, timeZone: 'Europe/Copenhagen' },
      });
      expect((await bookingRow(booking.id)).googleCalendarId).toBe(calendarA);
      await expect.poll(() => titles(booking.id)).toContain('Lagt i kalenderen');

      // The job run again (a redelivery) changes nothing: still one event, no second insert.
      expect(await syncBooking({ tenantId: tenantA.id, bookingId: booking.id })).toBe('updated');
      expect(await syncBooking({ tenantId: tenantA.id, bookingId: booking.id })).toBe('updated');
      const inserts = calendar
        .calls('events.insert')
        .filter(
          (c) =>
            c.eventId === undefined && String((c.body as { id: string }).id).startsWith(hexId(booking.id)),
        );
      expect(inserts).toHaveLength(1);
      expect(
        calendar.events(calendarA, { live: true }).filter((e) => e.id.startsWith(hexId(booking.id))),
      ).toHaveLength(1);
      expect((await titles(booking.id)).filter((t) => t === 'Lagt i kalenderen')).toHaveLength(1);
    });

    it('survives a lost insert answer: the retry meets its own event (409) and leaves one', async () => {
      calendar.dropNextResponse('events.insert');
      const booking = await book(adminA, tenantA.id);
      // The first attempt's answer is cut off; BullMQ retries after its backoff.
      await expect
        .poll(async () => (await bookingRow(booking.id)).googleCalendarEventId, {
          timeout: 25_000,
          interval: 250,
        })
        .toBe(`${hexId(booking.id)}1`);
      const mine = (c: { body: unknown }) =>
        String((c.body as { id?: string } | undefined)?.id ?? '').startsWith(hexId(booking.id));
      expect(
        calendar
          .calls('events.insert')
          .filter(mine)
          .map((c) => c.status),
      ).toEqual([0, 409]);
      expect(calendar.events(calendarA).filter((e) => e.id.startsWith(hexId(booking.id)))).toHaveLength(1);
    }, 40_000);

    it('runs one sync of a booking at a time, and lets go of the lock afterwards', async () => {
      const booking = await book(adminA, tenantA.id);
      await synced(booking.id).toBe(`${hexId(booking.id)}1`);
      calendar.delay(400, 'events.patch');
      try {
        const runs = await Promise.allSettled([
          syncBooking({ tenantId: tenantA.id, bookingId: booking.id }),
          syncBooking({ tenantId: tenantA.id, bookingId: booking.id }),
        ]);
        // One patches; the other finds the sync running and is retried later by BullMQ.
        expect(runs.filter((run) => run.status === 'fulfilled')).toHaveLength(1);
        const refused = runs.find((run) => run.status === 'rejected') as PromiseRejectedResult;
        expect((refused.reason as Error).name).toBe('LockBusyError');
        // The lock is let go afterwards: the next run goes through.
        expect(await syncBooking({ tenantId: tenantA.id, bookingId: booking.id })).toBe('updated');
      } finally {
        calendar.delay(0, 'events.patch');
      }
    });

    it('patches the event when the booking moves, and moves it to the new team calendar', async () => {
      const booking = await book(adminA, tenantA.id);
      const eventId = `${hexId(booking.id)}1`;
      await synced(booking.id).toBe(eventId);

      const later = new Date(new Date(booking.startsAt).getTime() + 2 * HOUR).toISOString();
      const moved = await request('PATCH', `/api/bookings/${booking.id}`, adminA, { startsAt: later });
      expect(moved.statusCode).toBe(200);
      await expect
        .poll(() => calendar.event(calendarA, eventId)?.start.dateTime, { timeout: 15_000 })
        .toBe(later);
      expect(calendar.calls('events.patch').some((c) => c.eventId === eventId)).toBe(true);
      expect(
        calendar.events(calendarA, { live: true }).filter((e) => e.id.startsWith(hexId(booking.id))),
      ).toHaveLength(1);

      // Notes are on the event too.
      await request('PATCH', `/api/bookings/${booking.id}`, adminA, { notes: 'Nøgle under måtten' });
      await expect
        .poll(() => calendar.event(calendarA, eventId)?.description, { timeout: 15_000 })
        .toContain('Noter: Nøgle under måtten');

      // Another team, another calendar: deleted in the old one, inserted in the new under revision 3.
      const toTeam2 = await request('PATCH', `/api/bookings/${booking.id}`, adminA, { teamId: team2.id });
      expect(toTeam2.json()).toMatchObject({ revision: 3, teamId: team2.id });
      await synced(booking.id).toBe(`${hexId(booking.id)}3`);
      expect(calendar.event(calendarA, eventId)?.status).toBe('cancelled');
      expect(calendar.event(team2.calendarId, `${hexId(booking.id)}3`)).toMatchObject({
        status: 'confirmed',
        start: { dateTime: later },
      });
    });

    it('deletes the event when the booking is cancelled; a second delete is no error', async () => {
      const booking = await book(adminA, tenantA.id);
      const eventId = `${hexId(booking.id)}1`;
      await synced(booking.id).toBe(eventId);
      const cancelled = await request('PATCH', `/api/bookings/${booking.id}/status`, adminA, {
        status: 'cancelled',
      });
      expect(cancelled.statusCode).toBe(200);
      await expect
        .poll(() => calendar.event(calendarA, eventId)?.status, { timeout: 15_000 })
        .toBe('cancelled');
      await expect.poll(() => titles(booking.id)).toContain('Fjernet fra kalenderen');

      expect(await syncBooking({ tenantId: tenantA.id, bookingId: booking.id })).toBe('unchanged');
      const deletes = calendar.calls('events.delete').filter((c) => c.eventId === eventId);
      expect(deletes.map((c) => c.status)).toEqual([204, 410]);
      expect((await titles(booking.id)).filter((t) => t === 'Fjernet fra kalenderen')).toHaveLength(1);
    });

    it('inserts when a pending booking is confirmed, not before', async () => {
      const lead = await createLead(tenantA.id);
      const startsAt = new Date(freshDay()(9));
      const pending = await ownerDb().booking.create({
        data: {
          tenantId: tenantA.id,
          leadId: lead.id,
          teamId: tenantA.teamId,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 3.5 * HOUR),
          durationHours: '3.5',
          hourlyRate: '349.00',
          totalAmount: '1221.50',
          status: 'pending',
          meetingToken: randomUUID(),
          tokenExpiresAt: new Date(Date.now() + 48 * HOUR),
        },
      });
      expect(await syncBooking({ tenantId: tenantA.id, bookingId: pending.id })).toBe('unchanged');
      expect(calendar.events(calendarA).filter((e) => e.id.startsWith(hexId(pending.id)))).toHaveLength(0);
      const confirmed = await request('PATCH', `/api/bookings/${pending.id}/status`, adminA, {
        status: 'confirmed',
      });
      expect(confirmed.statusCode).toBe(200);
      await synced(pending.id).toBe(`${hexId(pending.id)}1`);
    });

    it('gives up on a calendar the account may not use: timeline entry, integration needs attention', async () => {
      calendar.failNext('events.insert', 403, calendarError(403, 'Forbidden', 'forbidden'));
      const booking = await book(adminA, tenantA.id);
      await expect
        .poll(() => titles(booking.id), { timeout: 15_000 })
        .toContain('Kalenderen er ikke opdateret');
      const integration = await ownerDb().integrationAccount.findFirstOrThrow({
        where: { tenantId: tenantA.id, provider: 'google' },
      });
      expect(integration).toMatchObject({
        needsAttention: true,
        lastError: 'Google Kalender-kontoen har ikke adgang til det, der skulle bruges',
        lastErrorCode: 'access_denied',
      });
      // Not retried: one insert, no event.
      const mine = calendar
        .calls('events.insert')
        .filter((c) => String((c.body as { id?: string }).id).startsWith(hexId(booking.id)));
      expect(mine.map((c) => c.status)).toEqual([403]);
      expect((await bookingRow(booking.id)).googleCalendarEventId).toBeNull();
      await ownerDb().integrationAccount.update({
        where: { id: integration.id },
        data: { needsAttention: false, lastError: null },
      });
    });

    it('without Google connected, says so on the booking timeline and changes nothing else', async () => {
      const booking = await book(adminB, tenantB.id);
      await expect
        .poll(() => titles(booking.id), { timeout: 15_000 })
        .toContain('Kalenderen er ikke opdateret');
      expect((await bookingRow(booking.id)).googleCalendarEventId).toBeNull();
      expect((await bookingRow(booking.id)).status).toBe('confirmed');
      // Said once, not again at every change.
      const later = new Date(new Date(booking.startsAt).getTime() + HOUR).toISOString();
      expect(
        (await request('PATCH', `/api/bookings/${booking.id}`, adminB, { startsAt: later })).statusCode,
      ).toBe(200);
      await expect(syncBooking({ tenantId: tenantB.id, bookingId: booking.id })).rejects.toThrow(
        /not connected/,
      );
      expect((await titles(booking.id)).filter((t) => t === 'Kalenderen er ikke opdateret')).toHaveLength(1);
    });
  });

  describe('the offer', () => {
    it('offers three free, non-overlapping slots within notice and horizon, on different days, and holds count', async () => {
      // Default rules: next working day at the earliest, 14 days ahead, 08:00/10:00/12:00/14:00 local.
      const tenant = await createTenant('Tilbud');
      const context = test.app.get(TenantContextService);
      const service = test.app.get(AvailabilityService);
      const offer = () => context.run({ tenantId: tenant.id }, () => service.offer(2));
      const first = await offer();
      expect(first).toHaveLength(3);
      const startsAt = first.map((slot) => slot.startsAt.getTime());
      expect([...startsAt].sort((a, b) => a - b)).toEqual(startsAt);
      const days = first.map((slot) =>
        slot.startsAt.toLocaleDateString('da-DK', { timeZone: 'Europe/Copenhagen' }),
      );
      expect(new Set(days).size).toBe(3);
      for (const slot of first) {
        expect(slot.teamId).toBe(tenant.teamId);
        expect(slot.endsAt.getTime() - slot.startsAt.getTime()).toBe(2 * HOUR);
        expect(slot.startsAt.getTime()).toBeGreaterThan(Date.now());
        expect(slot.startsAt.getTime()).toBeLessThan(Date.now() + 16 * 24 * HOUR);
        const local = slot.startsAt.toLocaleTimeString('da-DK', {
          timeZone: 'Europe/Copenhagen',
          hour: '2-digit',
          minute: '2-digit',
        });
        expect(['08.00', '10.00', '12.00', '14.00']).toContain(local);
      }

      // Held for one lead, those times are taken for everyone else.
      const lead = await createLead(tenant.id);
      for (const [index, slot] of first.entries()) {
        await ownerDb().slotOffer.create({
          data: {
            tenantId: tenant.id,
            leadId: lead.id,
            teamId: slot.teamId,
            choice: index + 1,
            startsAt: slot.startsAt,
            endsAt: slot.endsAt,
            expiresAt: new Date(Date.now() + HOUR),
          },
        });
      }
      const second = await offer();
      expect(second).toHaveLength(3);
      for (const slot of second) {
        expect(first.some((held) => held.startsAt < slot.endsAt && slot.startsAt < held.endsAt)).toBe(false);
      }
      // ...but not for the lead holding them.
      const own = await context.run({ tenantId: tenant.id }, () =>
        service.available({
          from: first[0].startsAt,
          to: new Date(first[0].startsAt.getTime() + 60_000),
          durationHours: 2,
          exceptLeadId: lead.id,
        }),
      );
      expect(own).toEqual([first[0]]);
    });

    it('answers [] when nothing is free in the horizon', async () => {
      const tenant = await createTenant('Lukket');
      await ownerDb().team.update({ where: { id: tenant.teamId }, data: { active: false } });
      const context = test.app.get(TenantContextService);
      const service = test.app.get(AvailabilityService);
      expect(await context.run({ tenantId: tenant.id }, () => service.offer(2))).toEqual([]);
      // A job longer than a working day fits nowhere either.
      const open = await createTenant('Kort dag');
      expect(await context.run({ tenantId: open.id }, () => service.offer(9))).toEqual([]);
    });
  });

  describe('GET /calendar/availability', () => {
    const availability = (session: Session, query: string) =>
      request('GET', `/api/calendar/availability?${query}`, session);
    const starts = (body: { slots: Array<{ startsAt: string }> }) => body.slots.map((s) => s.startsAt);

    beforeEach(() => calendar.setBusy(calendarA, []));

    it('answers 10:00 local across daylight saving, bare dates being days in the tenant zone', async () => {
      // Summer time 2030 starts Sunday 31 March: Friday 29 March is UTC+1, Monday 1 April UTC+2.
      const response = await availability(adminB, 'from=2030-03-29&to=2030-04-02&durationHours=2');
      expect(response.statusCode).toBe(200);
      expect(response.json().slots).toContainEqual({
        startsAt: '2030-03-29T09:00:00.000Z',
        endsAt: '2030-03-29T11:00:00.000Z',
        teamId: tenantB.teamId,
      });
      expect(starts(response.json())).toEqual([
        '2030-03-29T07:00:00.000Z',
        '2030-03-29T09:00:00.000Z',
        '2030-03-29T11:00:00.000Z',
        '2030-03-29T13:00:00.000Z',
        '2030-04-01T06:00:00.000Z',
        '2030-04-01T08:00:00.000Z',
        '2030-04-01T10:00:00.000Z',
        '2030-04-01T12:00:00.000Z',
      ]);
    });

    it('leaves out the team calendar’s busy times (freebusy)', async () => {
      const query = `from=2030-03-05&to=2030-03-06&durationHours=2&teamId=${tenantA.teamId}`;
      expect(starts((await availability(adminA, query)).json())).toEqual([
        '2030-03-05T07:00:00.000Z',
        '2030-03-05T09:00:00.000Z',
        '2030-03-05T11:00:00.000Z',
        '2030-03-05T13:00:00.000Z',
      ]);
      calendar.setBusy(calendarA, [{ start: '2030-03-05T10:00:00Z', end: '2030-03-05T12:00:00Z' }]);
      expect(starts((await availability(adminA, query)).json())).toEqual([
        '2030-03-05T07:00:00.000Z',
        '2030-03-05T13:00:00.000Z',
      ]);
      const [call] = calendar.calls('freebusy.query').slice(-1);
      expect((call.body as { items: Array<{ id: string }> }).items).toEqual([{ id: calendarA }]);
    });

    it('leaves out held offers until they expire, and live bookings (Google not connected)', async () => {
      const lead = await createLead(tenantB.id);
      const offer = {
        tenantId: tenantB.id,
        leadId: lead.id,
        teamId: tenantB.teamId,
        choice: 1,
        startsAt: new Date('2030-03-06T09:00:00Z'),
        endsAt: new Date('2030-03-06T11:00:00Z'),
      };
      await ownerDb().slotOffer.create({ data: { ...offer, expiresAt: new Date(Date.now() + HOUR) } });
      await ownerDb().slotOffer.create({
        data: {
          ...offer,
          choice: 2,
          startsAt: new Date('2030-03-07T09:00:00Z'),
          endsAt: new Date('2030-03-07T11:00:00Z'),
          expiresAt: new Date(Date.now() - HOUR),
        },
      });
      const heldDay = await availability(adminB, 'from=2030-03-06&to=2030-03-07&durationHours=2');
      expect(starts(heldDay.json())).toEqual(['2030-03-06T13:00:00.000Z']);
      const expiredDay = await availability(adminB, 'from=2030-03-07&to=2030-03-08&durationHours=2');
      expect(starts(expiredDay.json())).toHaveLength(4);

      await request('POST', '/api/bookings', adminB, {
        leadId: lead.id,
        startsAt: '2030-03-07T07:00:00Z',
        durationHours: 2,
      });
      const bookedDay = await availability(adminB, 'from=2030-03-07&to=2030-03-08&durationHours=2');
      expect(starts(bookedDay.json())).toEqual(['2030-03-07T11:00:00.000Z', '2030-03-07T13:00:00.000Z']);
    });

    it('skips public holidays: Easter 2030', async () => {
      // Skærtorsdag 18, langfredag 19 and 2. påskedag 22 April 2030.
      const response = await availability(adminB, 'from=2030-04-17&to=2030-04-24&durationHours=8');
      expect(starts(response.json())).toEqual(['2030-04-17T06:00:00.000Z', '2030-04-23T06:00:00.000Z']);
    });

    it('gives a team whose calendar Google cannot read no slots, and flags the integration', async () => {
      const missing = `gone-${randomUUID().slice(0, 8)}@group.calendar.google.com`;
      const team = await ownerDb().team.create({
        data: { tenantId: tenantA.id, name: `Hold ${missing}`, googleCalendarId: missing },
      });
      calendar.markNotFound(missing);
      const response = await availability(
        adminA,
        `from=2030-03-05&to=2030-03-06&durationHours=2&teamId=${team.id}`,
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ slots: [] });
      const integration = await ownerDb().integrationAccount.findFirstOrThrow({
        where: { tenantId: tenantA.id, provider: 'google' },
      });
      expect(integration.needsAttention).toBe(true);
      await ownerDb().team.update({ where: { id: team.id }, data: { active: false } });
      await ownerDb().integrationAccount.update({
        where: { id: integration.id },
        data: { needsAttention: false, lastError: null },
      });
    });

    it('answers 503 rather than guess when Google Calendar does not answer', async () => {
      calendar.failNext('freebusy.query', 500);
      const response = await availability(adminA, `from=2030-03-05&to=2030-03-06&durationHours=2`);
      expect(response.statusCode).toBe(503);
      expect(response.json().message).toMatch(/could not be read/);
    });

    it('documents the route in OpenAPI', async () => {
      const document = (await test.app.inject({ method: 'GET', url: '/api/docs-json' })).json();
      expect(Object.keys(document.paths)).toContain('/api/calendar/availability');
    });

    it('asks Google for long ranges in pieces it accepts (at most 90 days each)', async () => {
      const service = test.app.get(AvailabilityService);
      const before = calendar.calls('freebusy.query').length;
      const slots = await test.app.get(TenantContextService).run({ tenantId: tenantA.id }, () =>
        service.available({
          from: new Date('2030-03-01T00:00:00Z'),
          to: new Date('2030-06-01T00:00:00Z'),
          durationHours: 8,
          teamId: tenantA.teamId,
        }),
      );
      const calls = calendar.calls('freebusy.query').slice(before);
      expect(calls.length).toBeGreaterThan(1);
      expect(calls.every((call) => call.status === 200)).toBe(true);
      expect(slots.length).toBeGreaterThan(50);
    });

    it('refuses bad input with a 400 naming the field', async () => {
      const cases: Array<[string, string]> = [
        ['to=2030-03-06&durationHours=2', 'from'],
        ['from=2030-03-05&durationHours=2', 'to'],
        ['from=2030-03-05&to=2030-03-06', 'durationHours'],
        ['from=next-week&to=2030-03-06&durationHours=2', 'from'],
        ['from=2030-03-05&to=2030-03-06&durationHours=abc', 'durationHours'],
        ['from=2030-03-05&to=2030-03-06&durationHours=25', 'durationHours'],
        ['from=2030-03-05&to=2030-03-06&durationHours=0', 'durationHours'],
        ['from=2030-03-06&to=2030-03-05&durationHours=2', 'to'],
        ['from=2030-03-01&to=2030-06-01&durationHours=2', 'to'],
        ['from=2030-03-05&to=2030-03-06&durationHours=2&teamId=nope', 'teamId'],
      ];
      for (const [query, field] of cases) {
        const response = await availability(adminA, query);
        expect(response.statusCode, query).toBe(400);
        expect(fieldsOf(response.json()), query).toContain(field);
      }
      const otherTenantsTeam = await availability(
        adminA,
        `from=2030-03-05&to=2030-03-06&durationHours=2&teamId=${tenantB.teamId}`,
      );
      expect(otherTenantsTeam.statusCode).toBe(404);
      const anonymous = await test.app.inject({
        method: 'GET',
        url: '/api/calendar/availability?from=2030-03-05&to=2030-03-06&durationHours=2',
      });
      expect(anonymous.statusCode).toBe(401);
    });
  });
});
