import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { WorkerService } from '../../src/core/queue/worker.service.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { FakeCloud } from '../fakes/index.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { drainTenant } from '../support/drain.js';
import { eventually } from '../support/eventually.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';
import { newPhone } from '../support/http.js';

/**
 * Issue 17: recurring cleaning. A series makes ordinary bookings ahead of time (10:00 stays 10:00 local
 * across the October change), moves a visit off a public holiday by the tenant's rule, never makes a
 * date twice, edits "this and following" with the calendar following, refuses a clashing edit with a
 * 409 naming the visits, and bills a month's visits on one invoice to the øre. The app's clock is set
 * for each case; nothing reads the wall clock.
 */
describe('booking series (recurring cleaning)', () => {
  let cloud: FakeCloud;
  let test: TestApp;

  interface Setup {
    tenant: TenantFixture;
    admin: Session;
    calendarId: string;
  }

  async function setupTenant(name: string, seriesRules?: object): Promise<Setup> {
    const tenant = await createTenant(name);
    const calendarId = `hold-${randomUUID().slice(0, 8)}@group.calendar.google.com`;
    await ownerDb().team.update({ where: { id: tenant.teamId }, data: { googleCalendarId: calendarId } });
    if (seriesRules)
      await ownerDb().tenant.update({
        where: { id: tenant.id },
        data: { seriesRules: seriesRules as Prisma.InputJsonObject },
      });
    const admin = await signIn(test.app, tenant.id, 'admin');
    const google = await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/google',
      headers: admin.auth,
      payload: {
        clientId: 'series.apps.googleusercontent.com',
        clientSecret: 'GOCSPX-series',
        refreshToken: '1//series',
        gmailAddress: cloud.gmail.emailAddress,
      },
    });
    expect(google.statusCode).toBe(200);
    return { tenant, admin, calendarId };
  }

  async function createLead(setup: Setup): Promise<{ leadId: string; customerId: string }> {
    const phone = newPhone();
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: setup.admin.auth,
      payload: {
        customerName: 'Karen Bach Nielsen',
        customerPhone: phone.typed,
        customerEmail: `kunde-${phone.e164.slice(3)}@example.dk`,
        serviceType: 'Fast rengøring',
        address: 'Vestergade 12',
        postalCode: '8000',
        city: 'Aarhus C',
        estimatedHours: 3,
      },
    });
    expect(response.statusCode).toBe(201);
    return { leadId: response.json().id, customerId: response.json().customerId };
  }

  async function createSeries(setup: Setup, body: object) {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/booking-series',
      headers: setup.admin.auth,
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  async function visitsOf(setup: Setup, seriesId: string) {
    const response = await test.app.inject({
      method: 'GET',
      url: `/api/bookings?seriesId=${seriesId}&pageSize=100`,
      headers: setup.admin.auth,
    });
    expect(response.statusCode).toBe(200);
    return response.json().data as Array<{
      id: string;
      startsAt: string;
      occursOn: string;
      status: string;
      revision: number;
    }>;
  }

  const at = (iso: string) => test.clock.set(new Date(iso));

  beforeAll(async () => {
    cloud = new FakeCloud({ appUrl: 'https://renos.test', gmailAddress: `info-${Date.now()}@series.dk` });
    await cloud.start();
    const env = cloud.environment();
    test = await bootTestApp({
      env: {
        PUBLIC_BASE_URL: 'https://renos.test',
        GOOGLE_API_BASE_URL: env.GOOGLE_API_BASE_URL!,
        GOOGLE_OAUTH_TOKEN_URL: env.GOOGLE_OAUTH_TOKEN_URL!,
        TWILIO_API_BASE_URL: env.TWILIO_API_BASE_URL!,
      },
    });
  });
  afterAll(async () => {
    test?.clock.reset();
    await test?.close();
    await cloud?.close();
  });

  it('makes a fortnightly series across the October change at 10:00 local, each visit a booking with its event', async () => {
    // Monday 11 October 2027, 10:00 in Copenhagen; summer time ends Sunday 31 October.
    at('2027-10-11T08:00:00Z');
    const setup = await setupTenant('Serie Rengøring');
    const { leadId, customerId } = await createLead(setup);
    const series = await createSeries(setup, {
      leadId,
      teamId: setup.tenant.teamId,
      startsOn: '2027-10-18',
      startTime: '10:00',
      durationHours: 3,
      rule: { frequency: 'weekly', interval: 2 },
    });
    expect(series.status).toBe('active');
    expect(series.pricePerVisit).toBe('1047.00');
    // Eight weeks ahead: 18 Oct, 1, 15 and 29 Nov; before the change 10:00 is 08:00Z, after it 09:00Z.
    expect(series.visits.map((visit: { startsAt: string }) => visit.startsAt)).toEqual([
      '2027-10-18T08:00:00.000Z',
      '2027-11-01T09:00:00.000Z',
      '2027-11-15T09:00:00.000Z',
      '2027-11-29T09:00:00.000Z',
    ]);
    const visits = await visitsOf(setup, series.id);
    expect(visits.map((visit) => [visit.occursOn, visit.status])).toEqual([
      ['2027-10-18', 'confirmed'],
      ['2027-11-01', 'confirmed'],
      ['2027-11-15', 'confirmed'],
      ['2027-11-29', 'confirmed'],
    ]);
    await drainTenant(test.app, setup.tenant.id);
    const events = cloud.calendar.events(setup.calendarId, { live: true });
    expect(events.map((event) => new Date(event.start.dateTime!).toISOString()).sort()).toEqual([
      '2027-10-18T08:00:00.000Z',
      '2027-11-01T09:00:00.000Z',
      '2027-11-15T09:00:00.000Z',
      '2027-11-29T09:00:00.000Z',
    ]);

    // The detail and the list for the dashboard.
    const detail = await test.app.inject({
      method: 'GET',
      url: `/api/booking-series/${series.id}`,
      headers: setup.admin.auth,
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().visits).toHaveLength(4);
    const list = await test.app.inject({
      method: 'GET',
      url: `/api/booking-series?status=active&teamId=${setup.tenant.teamId}`,
      headers: setup.admin.auth,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().meta.total).toBe(1);
    expect(list.json().data[0].id).toBe(series.id);

    // The customer's detail lists the series with its next visits.
    const customer = await test.app.inject({
      method: 'GET',
      url: `/api/customers/${customerId}`,
      headers: setup.admin.auth,
    });
    expect(customer.json().series).toEqual([
      expect.objectContaining({
        id: series.id,
        status: 'active',
        frequency: 'weekly',
        interval: 2,
        startTime: '10:00',
        upcomingVisits: visits.map((visit) => expect.objectContaining({ id: visit.id, seriesId: series.id })),
      }),
    ]);

    // Recurring revenue of the next 30 days: the visits of 18 October and 1 November, 3 h × 349.00 each.
    const stats = await test.app.inject({
      method: 'GET',
      url: '/api/leads/stats',
      headers: setup.admin.auth,
    });
    expect(stats.json().recurringRevenue30d).toBe('2094.00');
  });

  it('materialising twice, or twice at once, makes nothing twice', async () => {
    at('2027-10-11T08:00:00Z');
    const setup = await setupTenant('Idempotent Rengøring');
    const { leadId } = await createLead(setup);
    const series = await createSeries(setup, {
      leadId,
      startsOn: '2027-10-12',
      startTime: '08:00',
      durationHours: 2,
      rule: { frequency: 'weekly', interval: 1, weekdays: ['tue', 'thu'] },
    });
    // Tue/Thu for eight weeks from Monday 11 October: 16 visits.
    expect(series.visits).toHaveLength(16);
    const worker = test.app.get(WorkerService);
    await worker.perform('booking-series.materialise', {});
    await Promise.all([
      worker.perform('booking-series.materialise', {}),
      worker.perform('booking-series.materialise', {}),
    ]);
    const visits = await visitsOf(setup, series.id);
    expect(visits).toHaveLength(16);
    expect(new Set(visits.map((visit) => visit.occursOn)).size).toBe(16);

    // A week later the horizon has moved on: the schedule makes exactly the two new dates.
    at('2027-10-18T08:00:00Z');
    await worker.perform('booking-series.materialise', {});
    await worker.perform('booking-series.materialise', {});
    const later = await visitsOf(setup, series.id);
    expect(later).toHaveLength(18);
    expect(later.at(-1)!.occursOn).toBe('2027-12-09');
  });

  it('lets the customer skip one visit from its link: that date cancelled and never made again, the series going on', async () => {
    at('2027-10-11T08:00:00Z');
    const setup = await setupTenant('Spring Over Rengøring');
    const { leadId } = await createLead(setup);
    const series = await createSeries(setup, {
      leadId,
      startsOn: '2027-10-13',
      startTime: '09:00',
      durationHours: 2,
      rule: { frequency: 'weekly', interval: 1 },
    });
    const before = await visitsOf(setup, series.id);
    const second = before[1]!;
    const { meetingToken } = await ownerDb().booking.findUniqueOrThrow({
      where: { id: second.id },
      select: { meetingToken: true },
    });
    const skip = () => test.app.inject({ method: 'POST', url: `/api/bookings/meeting/${meetingToken}/skip` });

    // The visit's page lists the visits after it (when only; nothing the customer did not give us).
    const page = await test.app.inject({ method: 'GET', url: `/api/bookings/meeting/${meetingToken}` });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json().nextVisits).toEqual(
      before.slice(2, 7).map((visit) => ({ startsAt: visit.startsAt, endsAt: expect.any(String) })),
    );

    // Nine days ahead: well within the free notice, so no fee.
    const skipped = await skip();
    expect(skipped.statusCode, skipped.body).toBe(200);
    expect(skipped.json()).toMatchObject({ status: 'cancelled', cancellationFee: null });
    // Repeated: the same answer, nothing changed twice.
    expect((await skip()).json()).toEqual(skipped.json());

    const after = await visitsOf(setup, series.id);
    expect(after.map((visit) => [visit.occursOn, visit.status])).toEqual(
      before.map((visit) => [visit.occursOn, visit.id === second.id ? 'cancelled' : visit.status]),
    );
    // The schedule does not bring the skipped date back, and the series is still running.
    await test.app.get(WorkerService).perform('booking-series.materialise', {});
    expect((await visitsOf(setup, series.id)).map((visit) => [visit.occursOn, visit.status])).toEqual(
      after.map((visit) => [visit.occursOn, visit.status]),
    );
    const read = await test.app.inject({
      method: 'GET',
      url: `/api/booking-series/${series.id}`,
      headers: setup.admin.auth,
    });
    expect(read.json().status).toBe('active');

    // A one-off booking has nothing to skip: the customer cancels it instead.
    const oneOff = await ownerDb().booking.create({
      data: {
        tenantId: setup.tenant.id,
        leadId,
        teamId: setup.tenant.teamId,
        startsAt: new Date('2027-12-24T08:00:00Z'),
        endsAt: new Date('2027-12-24T10:00:00Z'),
        durationHours: '2',
        hourlyRate: '349.00',
        totalAmount: '698.00',
        status: 'confirmed',
        meetingToken: `skip-${randomUUID()}-${randomUUID()}`.slice(0, 43),
      },
    });
    const refused = await test.app.inject({
      method: 'POST',
      url: `/api/bookings/meeting/${oneOff.meetingToken}/skip`,
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().code).toBe('not_a_series_visit');
    expect((await ownerDb().booking.findUniqueOrThrow({ where: { id: oneOff.id } })).status).toBe(
      'confirmed',
    );
  });

  it('moves a visit on a public holiday to the next working day, telling staff and customer; or skips it', async () => {
    // 2. påskedag 2028 is Monday 17 April.
    at('2028-04-03T08:00:00Z');
    const setup = await setupTenant('Påske Rengøring');
    const { leadId } = await createLead(setup);
    const series = await createSeries(setup, {
      leadId,
      startsOn: '2028-04-10',
      startTime: '10:00',
      durationHours: 3,
      rule: { frequency: 'weekly', interval: 1 },
      endsOn: '2028-04-24',
    });
    const visits = await visitsOf(setup, series.id);
    expect(visits.map((visit) => [visit.occursOn, visit.startsAt, visit.status])).toEqual([
      ['2028-04-10', '2028-04-10T08:00:00.000Z', 'confirmed'],
      ['2028-04-17', '2028-04-18T08:00:00.000Z', 'confirmed'],
      ['2028-04-24', '2028-04-24T08:00:00.000Z', 'confirmed'],
    ]);
    const moved = visits[1]!;
    const feed = await test.app.inject({
      method: 'GET',
      url: '/api/notifications',
      headers: setup.admin.auth,
    });
    expect(feed.json().data).toEqual([
      expect.objectContaining({
        kind: 'series_visit_moved',
        title: 'Fast rengøring hos Karen Bach Nielsen er flyttet til en anden dag',
      }),
    ]);
    const notices = await ownerDb().outboxJob.findMany({
      where: { tenantId: setup.tenant.id, jobName: 'sms.booking-notice' },
    });
    expect(notices.map((row) => row.payload)).toEqual([
      expect.objectContaining({ bookingId: moved.id, kind: 'moved' }),
    ]);

    // A tenant that skips instead: the holiday's date is recorded as a cancelled visit, and told.
    const skipping = await setupTenant('Spring Over Rengøring', {
      horizonWeeks: 8,
      onConflict: 'skip',
      invoicing: 'per_visit',
    });
    const other = await createLead(skipping);
    const skipped = await createSeries(skipping, {
      leadId: other.leadId,
      startsOn: '2028-04-10',
      startTime: '10:00',
      durationHours: 3,
      rule: { frequency: 'weekly', interval: 1 },
      endsOn: '2028-04-24',
    });
    const skippedVisits = await visitsOf(skipping, skipped.id);
    expect(skippedVisits.map((visit) => [visit.occursOn, visit.status])).toEqual([
      ['2028-04-10', 'confirmed'],
      ['2028-04-17', 'cancelled'],
      ['2028-04-24', 'confirmed'],
    ]);
    const skippedFeed = await test.app.inject({
      method: 'GET',
      url: '/api/notifications',
      headers: skipping.admin.auth,
    });
    expect(skippedFeed.json().data[0].title).toBe('Fast rengøring hos Karen Bach Nielsen er sprunget over');
  });

  it('edits "this and following": exactly those visits and their calendar events move', async () => {
    at('2027-10-11T08:00:00Z');
    const setup = await setupTenant('Følgende Rengøring');
    const { leadId } = await createLead(setup);
    const series = await createSeries(setup, {
      leadId,
      teamId: setup.tenant.teamId,
      startsOn: '2027-10-18',
      startTime: '10:00',
      durationHours: 3,
      rule: { frequency: 'weekly', interval: 2 },
    });
    await drainTenant(test.app, setup.tenant.id);

    const response = await test.app.inject({
      method: 'PATCH',
      url: `/api/booking-series/${series.id}`,
      headers: setup.admin.auth,
      payload: { scope: 'following', fromDate: '2027-11-15', startTime: '12:00' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().startTime).toBe('12:00');
    const visits = await visitsOf(setup, series.id);
    expect(visits.map((visit) => [visit.occursOn, visit.startsAt, visit.revision])).toEqual([
      ['2027-10-18', '2027-10-18T08:00:00.000Z', 1],
      ['2027-11-01', '2027-11-01T09:00:00.000Z', 1],
      ['2027-11-15', '2027-11-15T11:00:00.000Z', 2],
      ['2027-11-29', '2027-11-29T11:00:00.000Z', 2],
    ]);
    await drainTenant(test.app, setup.tenant.id);
    const eventStart = (bookingId: string) =>
      cloud.calendar
        .events(setup.calendarId, { live: true })
        .filter((event) => event.id.startsWith(bookingId.replace(/-/g, '')))
        .map((event) => new Date(event.start.dateTime!).toISOString());
    await eventually(async () => eventStart(visits[2]!.id)[0] === '2027-11-15T11:00:00.000Z', {
      what: 'the moved visit’s event',
    });
    expect(visits.map((visit) => eventStart(visit.id))).toEqual([
      ['2027-10-18T08:00:00.000Z'],
      ['2027-11-01T09:00:00.000Z'],
      ['2027-11-15T11:00:00.000Z'],
      ['2027-11-29T11:00:00.000Z'],
    ]);

    // Ending the series: its future visits are cancelled and their events removed.
    const ended = await test.app.inject({
      method: 'DELETE',
      url: `/api/booking-series/${series.id}`,
      headers: setup.admin.auth,
    });
    expect(ended.statusCode).toBe(204);
    expect((await visitsOf(setup, series.id)).every((visit) => visit.status === 'cancelled')).toBe(true);
    await drainTenant(test.app, setup.tenant.id);
    expect(cloud.calendar.events(setup.calendarId, { live: true })).toEqual([]);

    // The series' life on the lead's timeline, from creation to end.
    const timeline = await test.app.inject({
      method: 'GET',
      url: `/api/leads/${leadId}/activities?pageSize=100`,
      headers: setup.admin.auth,
    });
    const titles = (timeline.json().data as Array<{ title: string; description: string }>)
      .filter((entry) => entry.title.includes('Fast rengøring'))
      .map((entry) => `${entry.title}: ${entry.description}`)
      .reverse();
    expect(titles).toEqual([
      'Fast rengøring oprettet: hver 2. uge kl. 10.00 fra 18. oktober 2027',
      'Fast rengøring ændret: Dette og følgende besøg fra 15. november 2027: 2 besøg ændret',
      'Fast rengøring afsluttet: 4 kommende besøg aflyst',
    ]);
  });

  it('pauses (the visits in the pause cancelled and told), resumes, and edits one visit only', async () => {
    at('2027-10-11T08:00:00Z');
    const setup = await setupTenant('Pause Rengøring');
    const { leadId } = await createLead(setup);
    const series = await createSeries(setup, {
      leadId,
      startsOn: '2027-10-18',
      startTime: '10:00',
      durationHours: 3,
      rule: { frequency: 'weekly', interval: 2 },
    });
    const paused = await test.app.inject({
      method: 'POST',
      url: `/api/booking-series/${series.id}/pause`,
      headers: setup.admin.auth,
      payload: { from: '2027-11-01', to: '2027-11-14' },
    });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({
      status: 'paused',
      pausedFrom: '2027-11-01',
      pausedUntil: '2027-11-14',
    });
    expect((await visitsOf(setup, series.id)).map((visit) => [visit.occursOn, visit.status])).toEqual([
      ['2027-10-18', 'confirmed'],
      ['2027-11-01', 'cancelled'],
      ['2027-11-15', 'confirmed'],
      ['2027-11-29', 'confirmed'],
    ]);
    const cancelledNotices = await ownerDb().outboxJob.count({
      where: {
        tenantId: setup.tenant.id,
        jobName: 'sms.booking-notice',
        payload: { path: ['kind'], equals: 'cancelled' },
      },
    });
    expect(cancelledNotices).toBe(1);

    const resumed = await test.app.inject({
      method: 'POST',
      url: `/api/booking-series/${series.id}/resume`,
      headers: setup.admin.auth,
    });
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({ status: 'active', pausedFrom: null, pausedUntil: null });

    // "This": only the visit of 29 November moves to 14:00 (13:00Z in winter); the series keeps 10:00.
    const one = await test.app.inject({
      method: 'PATCH',
      url: `/api/booking-series/${series.id}`,
      headers: setup.admin.auth,
      payload: { scope: 'this', fromDate: '2027-11-29', startTime: '14:00' },
    });
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json().startTime).toBe('10:00');
    expect((await visitsOf(setup, series.id)).map((visit) => visit.startsAt)).toEqual([
      '2027-10-18T08:00:00.000Z',
      '2027-11-01T09:00:00.000Z',
      '2027-11-15T09:00:00.000Z',
      '2027-11-29T13:00:00.000Z',
    ]);
    const missing = await test.app.inject({
      method: 'PATCH',
      url: `/api/booking-series/${series.id}`,
      headers: setup.admin.auth,
      payload: { scope: 'this', fromDate: '2027-11-02', startTime: '14:00' },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses bad input with a 400 naming the field, and books from a customer too', async () => {
    at('2027-10-11T08:00:00Z');
    const setup = await setupTenant('Input Rengøring');
    const { leadId, customerId } = await createLead(setup);
    const post = (payload: object) =>
      test.app.inject({ method: 'POST', url: '/api/booking-series', headers: setup.admin.auth, payload });
    const valid = {
      leadId,
      startsOn: '2027-10-18',
      startTime: '10:00',
      durationHours: 3,
      rule: { frequency: 'weekly', interval: 2 },
    };
    const bad = await post({
      ...valid,
      startTime: '25:00',
      durationHours: 0.2,
      rule: { frequency: 'daily', interval: 5, weekdays: ['man'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(new Set(bad.json().details.map((detail: { field: string }) => detail.field))).toEqual(
      new Set(['startTime', 'durationHours', 'rule.frequency', 'rule.interval', 'rule.weekdays']),
    );
    const neither = await post({ ...valid, leadId: undefined });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().details[0].field).toBe('leadId');
    const weeklyNth = await post({ ...valid, rule: { frequency: 'weekly', interval: 1, weekOfMonth: 2 } });
    expect(weeklyNth.statusCode).toBe(400);
    const backwards = await post({ ...valid, endsOn: '2027-10-01' });
    expect(backwards.statusCode).toBe(400);

    // From the customer: the series books on their latest lead; monthly on the last Friday.
    const fromCustomer = await post({
      customerId,
      startsOn: '2027-10-01',
      startTime: '08:00',
      durationHours: 4,
      rule: { frequency: 'monthly', interval: 1, weekdays: ['fri'], weekOfMonth: -1 },
      fixedPrice: '1500.00',
    });
    expect(fromCustomer.statusCode, fromCustomer.body).toBe(201);
    expect(fromCustomer.json()).toMatchObject({ leadId, pricePerVisit: '1500.00' });
    expect(
      fromCustomer
        .json()
        .visits.map((visit: { startsAt: string; totalAmount: string }) => [
          visit.startsAt,
          visit.totalAmount,
        ]),
    ).toEqual([
      ['2027-10-29T06:00:00.000Z', '1500.00'],
      ['2027-11-26T07:00:00.000Z', '1500.00'],
    ]);

    // STAFF cannot change a series; an unknown one is a 404.
    const staff = await signIn(test.app, setup.tenant.id, 'staff');
    const forbidden = await test.app.inject({
      method: 'PATCH',
      url: `/api/booking-series/${fromCustomer.json().id}`,
      headers: staff.auth,
      payload: { scope: 'all', startTime: '09:00' },
    });
    expect(forbidden.statusCode).toBe(403);
    const unknown = await test.app.inject({
      method: 'GET',
      url: `/api/booking-series/${randomUUID()}`,
      headers: setup.admin.auth,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('answers 409 naming the clashing visits, and changes nothing', async () => {
    at('2027-10-11T08:00:00Z');
    const setup = await setupTenant('Konflikt Rengøring');
    const { leadId } = await createLead(setup);
    const series = await createSeries(setup, {
      leadId,
      teamId: setup.tenant.teamId,
      startsOn: '2027-10-18',
      startTime: '10:00',
      durationHours: 2,
      rule: { frequency: 'weekly', interval: 2 },
    });
    const other = await createLead(setup);
    const blocker = await test.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: setup.admin.auth,
      payload: {
        leadId: other.leadId,
        teamId: setup.tenant.teamId,
        startsAt: '2027-11-15T12:00:00Z',
        durationHours: 2,
      },
    });
    expect(blocker.statusCode).toBe(201);
    // The visits' calendar syncs write their event ids: done before the snapshot "nothing changed" is
    // compared with (a quicker booking above left them running).
    await drainTenant(test.app, setup.tenant.id);
    const before = await visitsOf(setup, series.id);

    const response = await test.app.inject({
      method: 'PATCH',
      url: `/api/booking-series/${series.id}`,
      headers: setup.admin.auth,
      payload: { scope: 'all', startTime: '13:00' },
    });
    expect(response.statusCode).toBe(409);
    const body = response.json();
    expect(body.code).toBe('series_visits_clash');
    expect(body.details.clashes).toEqual([
      {
        bookingId: before.find((visit) => visit.occursOn === '2027-11-15')!.id,
        occursOn: '2027-11-15',
        startsAt: '2027-11-15T12:00:00.000Z',
        clashingBookingId: blocker.json().id,
      },
    ]);
    expect(await visitsOf(setup, series.id)).toEqual(before);
  });

  it('bills a month of visits on one invoice per customer, a line per completed visit, VAT to the øre', async () => {
    at('2027-10-01T08:00:00Z');
    const setup = await setupTenant('Måned Rengøring');
    const { leadId, customerId } = await createLead(setup);
    const series = await createSeries(setup, {
      leadId,
      startsOn: '2027-10-04',
      startTime: '09:00',
      durationHours: 2.5,
      rule: { frequency: 'weekly', interval: 1 },
      invoicing: 'monthly',
    });
    const [first, second, third] = series.visits as Array<{ id: string }>;
    for (const visit of [first!, second!]) {
      const done = await test.app.inject({
        method: 'POST',
        url: `/api/bookings/${visit.id}/complete`,
        headers: setup.admin.auth,
        payload: { hoursWorked: 2.5 },
      });
      expect(done.statusCode).toBe(200);
    }
    // A visit of a monthly series gets no draft of its own at completion.
    expect(await ownerDb().invoice.count({ where: { tenantId: setup.tenant.id } })).toBe(0);

    const response = await test.app.inject({
      method: 'POST',
      url: '/api/booking-series/monthly-invoices',
      headers: setup.admin.auth,
      payload: { customerId, month: '2027-10' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const invoice = response.json();
    // Each line: 2.5 h × 349.00 = 872.50 net, VAT 218.125 → 218.13, gross 1090.63.
    expect(
      invoice.lines.map((line: Record<string, string>) => [line.netAmount, line.vatAmount, line.grossAmount]),
    ).toEqual([
      ['872.50', '218.13', '1090.63'],
      ['872.50', '218.13', '1090.63'],
    ]);
    expect([invoice.subtotal, invoice.vatAmount, invoice.total]).toEqual(['1745.00', '436.26', '2181.26']);
    const lines = await ownerDb().invoiceLine.findMany({
      where: { invoiceId: invoice.id },
      orderBy: { position: 'asc' },
    });
    expect(lines.map((line) => line.bookingId)).toEqual([first!.id, second!.id]);

    // The same month again: 409, nothing billed twice; the third visit completes and waits for November's run.
    const again = await test.app.inject({
      method: 'POST',
      url: '/api/booking-series/monthly-invoices',
      headers: setup.admin.auth,
      payload: { customerId, month: '2027-10' },
    });
    expect(again.statusCode).toBe(409);
    expect(third).toBeDefined();
  });
});
