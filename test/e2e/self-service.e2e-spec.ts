import { randomBytes, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { Prisma } from '../../src/generated/prisma/client.js';
import { FakeCloud } from '../fakes/index.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { upcomingLocal } from '../support/clock.js';
import { drainTenant } from '../support/drain.js';
import { eventually } from '../support/eventually.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';
import { newPhone } from '../support/http.js';

/**
 * Issue 17, step 4: the customer confirms, cancels and moves their booking from the link they were
 * sent, or by texting AFLYS / FLYT. Each action answers the same state when repeated and tells the
 * customer once (fake Twilio, fake Gmail), tells staff (a notification, the timeline) and moves the
 * team's calendar event (fake Google Calendar). A late cancellation puts the tenant's fee on the
 * booking's draft invoice with exact VAT. The clock is the app's (test/support/clock.ts): a Tuesday
 * 10.00 in Copenhagen, with the bookings on the Thursday after.
 */
const PUBLIC_BASE_URL = 'https://renos.test';
const INBOUND_URL = `${PUBLIC_BASE_URL}/api/webhooks/twilio/sms`;
const QUIET_HOURS = { quietHoursStart: '21:00', quietHoursEnd: '08:00', dailyCap: 500 };

describe('customer self-service', () => {
  let cloud: FakeCloud;
  let test: TestApp;

  interface Setup {
    tenant: TenantFixture;
    admin: Session;
    calendarId: string;
    smsNumber: string;
    accountSid: string;
  }

  async function setupTenant(name: string): Promise<Setup> {
    const tenant = await createTenant(name);
    const smsNumber = `+4577${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
    const calendarId = `self-${randomUUID().slice(0, 8)}@group.calendar.google.com`;
    await ownerDb().tenant.update({
      where: { id: tenant.id },
      data: { smsNumber, smsRules: QUIET_HOURS as Prisma.InputJsonObject },
    });
    await ownerDb().team.update({ where: { id: tenant.teamId }, data: { googleCalendarId: calendarId } });
    const admin = await signIn(test.app, tenant.id, 'admin');
    const accountSid = `AC${tenant.id.replace(/-/g, '')}`;
    const authToken = randomBytes(16).toString('hex');
    cloud.twilio.addAccount(accountSid, authToken);
    const twilio = await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/twilio',
      headers: admin.auth,
      payload: { accountSid, authToken, phoneNumber: smsNumber },
    });
    expect(twilio.statusCode).toBe(200);
    const google = await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/google',
      headers: admin.auth,
      payload: {
        clientId: 'self.apps.googleusercontent.com',
        clientSecret: 'GOCSPX-self',
        refreshToken: '1//self',
        gmailAddress: cloud.gmail.emailAddress,
      },
    });
    expect(google.statusCode).toBe(200);
    return { tenant, admin, calendarId, smsNumber, accountSid };
  }

  async function createLead(setup: Setup, extra: Record<string, unknown> = {}) {
    const phone = newPhone();
    const email = `kunde-${phone.e164.slice(3)}@example.dk`;
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: setup.admin.auth,
      payload: {
        customerName: 'Mette Holm Sørensen',
        customerPhone: phone.typed,
        customerEmail: email,
        serviceType: 'Flytterengøring',
        address: 'Søndergade 4',
        postalCode: '8000',
        city: 'Aarhus C',
        estimatedHours: 2.5,
        ...extra,
      },
    });
    expect(response.statusCode).toBe(201);
    // With `scheduledAt` the answer is the lead with its pending booking (and the only copy of its token).
    const body = response.json();
    return { leadId: (body.lead?.id ?? body.id) as string, phone: phone.e164, email };
  }

  /** Staff book the lead (confirmed at once): the customer gets the confirmation and the link. */
  async function book(setup: Setup, leadId: string, startsAt: Date) {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: setup.admin.auth,
      payload: { leadId, startsAt: startsAt.toISOString(), durationHours: 2.5 },
    });
    expect(response.statusCode).toBe(201);
    const bookingId = response.json().id as string;
    const row = await ownerDb().booking.findUniqueOrThrow({ where: { id: bookingId } });
    return { bookingId, token: row.meetingToken };
  }

  const link = (method: 'GET' | 'POST', token: string, action = '', payload?: object) =>
    test.app.inject({
      method,
      url: `/api/bookings/meeting/${token}${action ? `/${action}` : ''}`,
      ...(payload ? { payload } : {}),
    });
  const textsTo = (phone: string) => cloud.twilio.sentTo(phone).map((message) => message.body);
  const mailsTo = (email: string) =>
    cloud.gmail
      .sent()
      .filter((mail) => mail.to?.includes(email))
      .map((mail) => ({ subject: mail.subject ?? '', body: mail.parsed.text ?? '' }));
  const liveEvents = (setup: Setup, bookingId: string) =>
    cloud.calendar
      .events(setup.calendarId, { live: true })
      .filter((event) => event.id.startsWith(bookingId.replace(/-/g, '')));
  const staffNotifications = (bookingId: string) =>
    ownerDb().notification.findMany({ where: { bookingId, kind: 'customer_changed_booking' } });
  const sms = (setup: Setup, from: string, body: string) => {
    const webhook = cloud.twilio.inboundSms(INBOUND_URL, {
      accountSid: setup.accountSid,
      from,
      to: setup.smsNumber,
      body,
    });
    return test.app.inject({
      method: 'POST',
      url: webhook.path,
      headers: webhook.headers,
      payload: webhook.payload,
    });
  };

  /** A tenant, a customer and their confirmed booking on Thursday 10.00, told once already. */
  async function bookedCustomer(name: string) {
    const setup = await setupTenant(name);
    const customer = await createLead(setup);
    const startsAt = upcomingLocal({ weekday: 4, time: '10:00' }, test.clock.now());
    const booking = await book(setup, customer.leadId, startsAt);
    await eventually(
      async () => textsTo(customer.phone).length === 1 && mailsTo(customer.email).length === 1,
      { what: 'the confirmation by text and e-mail' },
    );
    await eventually(async () => liveEvents(setup, booking.bookingId).length === 1, {
      what: 'the calendar event',
    });
    return { setup, ...customer, ...booking, startsAt };
  }

  beforeAll(async () => {
    cloud = new FakeCloud({ appUrl: PUBLIC_BASE_URL, gmailAddress: `info-${Date.now()}@selfservice.dk` });
    await cloud.start();
    const env = cloud.environment();
    test = await bootTestApp({
      env: {
        PUBLIC_BASE_URL,
        GOOGLE_API_BASE_URL: env.GOOGLE_API_BASE_URL!,
        GOOGLE_OAUTH_TOKEN_URL: env.GOOGLE_OAUTH_TOKEN_URL!,
        TWILIO_API_BASE_URL: env.TWILIO_API_BASE_URL!,
      },
    });
  });
  afterAll(async () => {
    await test?.close();
    await cloud?.close();
  });

  it('cancels in time: free, the event gone, told once by text and e-mail, staff notified; the same again changes nothing', async () => {
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    try {
      const c = await bookedCustomer('Aflys Rengøring');
      for (let i = 0; i < 2; i++) {
        const cancelled = await link('POST', c.token, 'cancel');
        expect(cancelled.statusCode).toBe(200);
        expect(cancelled.json()).toEqual({
          status: 'cancelled',
          startsAt: c.startsAt.toISOString(),
          endsAt: new Date(c.startsAt.getTime() + 2.5 * 3600_000).toISOString(),
          cancellationFee: null,
        });
      }
      await eventually(async () => textsTo(c.phone).length === 2 && mailsTo(c.email).length === 2, {
        what: 'the cancellation by text and e-mail',
      });
      expect(textsTo(c.phone)[1]).toMatch(
        /^Hej Mette, din booking torsdag d\. \d{1,2}\. [a-z]+ kl\. 10\.00 på Søndergade 4, 8000 Aarhus C er aflyst, som du bad om\. Aflysningen er gratis\. Mvh Aflys Rengøring$/,
      );
      const mail = mailsTo(c.email)[1]!;
      expect(mail.subject).toMatch(/^Din booking torsdag d\. \d{1,2}\. [a-z]+ \d{4} kl\. 10\.00 er aflyst$/);
      expect(mail.body).toContain('Vi har aflyst din flytterengøring torsdag d.');
      expect(mail.body).toContain('som du bad om.');
      expect(mail.body).toContain('Aflysningen er gratis.');
      await eventually(async () => liveEvents(c.setup, c.bookingId).length === 0, {
        what: 'the event deleted',
      });

      const notifications = await staffNotifications(c.bookingId);
      expect(notifications).toHaveLength(1);
      expect(notifications[0]!.title).toMatch(/^Mette Holm Sørensen har aflyst bookingen torsdag d\. /);
      const timeline = await ownerDb().activity.findMany({
        where: { bookingId: c.bookingId, title: 'Kunden aflyste bookingen' },
      });
      expect(timeline).toHaveLength(1);
      expect(timeline[0]!.description).toBe('Aflyst via bookinglinket. Aflysningen er gratis');
      expect(timeline[0]!.metadata).toMatchObject({ by: 'customer', source: 'meeting_link' });
      const lead = await ownerDb().lead.findUniqueOrThrow({ where: { id: c.leadId } });
      expect(lead.status).toBe('contacted');

      await drainTenant(test.app, c.setup.tenant.id);
      expect(textsTo(c.phone)).toHaveLength(2);
      expect(mailsTo(c.email)).toHaveLength(2);
      expect(await ownerDb().invoice.count({ where: { bookingId: c.bookingId } })).toBe(0);
      // The page itself is gone with the booking; moving it is refused.
      expect((await link('GET', c.token)).statusCode).toBe(404);
      const move = await link('POST', c.token, 'reschedule', { startsAt: c.startsAt.toISOString() });
      expect(move.statusCode).toBe(409);
      expect(move.json().code).toBe('booking_not_changeable');
    } finally {
      test.clock.reset();
    }
  });

  it("cancels late: the tenant's fee lands on the booking's draft invoice with exact VAT, and the customer is told what it costs", async () => {
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    try {
      const c = await bookedCustomer('Gebyr Rengøring');
      const settings = await test.app.inject({
        method: 'PATCH',
        url: '/api/tenant',
        headers: c.setup.admin.auth,
        payload: { freeCancellationHours: 24, lateCancellationFeeOre: 25_000 },
      });
      expect(settings.statusCode).toBe(200);
      expect(settings.json()).toMatchObject({ freeCancellationHours: 24, lateCancellationFeeOre: 25_000 });
      const wrong = await test.app.inject({
        method: 'PATCH',
        url: '/api/tenant',
        headers: c.setup.admin.auth,
        payload: { lateCancellationFeeOre: -1 },
      });
      expect(wrong.statusCode).toBe(400);
      // The customer's page states the terms: free until 24 hours before, then 312,50 kr.
      expect((await link('GET', c.token)).json()).toMatchObject({
        freeCancellationUntil: new Date(c.startsAt.getTime() - 24 * 3600_000).toISOString(),
        lateCancellationFee: '312.50',
      });

      // Wednesday 12.00: 22 hours before the start, inside the 24.
      test.clock.set(new Date(c.startsAt.getTime() - 22 * 3600_000));
      for (let i = 0; i < 2; i++) {
        const cancelled = await link('POST', c.token, 'cancel');
        expect(cancelled.statusCode).toBe(200);
        // 250,00 kr. + 25 % VAT.
        expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancellationFee: '312.50' });
      }
      const invoice = await ownerDb().invoice.findFirstOrThrow({
        where: { bookingId: c.bookingId },
        include: { lines: true },
      });
      expect(invoice.status).toBe('draft');
      expect(invoice.lines).toHaveLength(1);
      const line = invoice.lines[0]!;
      expect(line.description).toBe('Gebyr for sen aflysning (mindre end 24 timer før)');
      expect(line.quantity.toFixed(2)).toBe('1.00');
      expect(line.unitPrice.toFixed(2)).toBe('250.00');
      expect(line.vatAmount.toFixed(2)).toBe('62.50');
      expect(line.grossAmount.toFixed(2)).toBe('312.50');
      expect([invoice.subtotal.toFixed(2), invoice.vatAmount.toFixed(2), invoice.total.toFixed(2)]).toEqual([
        '250.00',
        '62.50',
        '312.50',
      ]);

      await eventually(async () => textsTo(c.phone).length === 2 && mailsTo(c.email).length === 2, {
        what: 'the cancellation by text and e-mail',
      });
      expect(textsTo(c.phone)[1]).toContain(
        'Da du har aflyst mindre end 24 timer før, opkræver vi et aflysningsgebyr på 312,50 kr. inkl. moms.',
      );
      expect(mailsTo(c.email)[1]!.body).toContain('aflysningsgebyr på 312,50 kr. inkl. moms.');
      const timeline = await ownerDb().activity.findFirstOrThrow({
        where: { bookingId: c.bookingId, title: 'Kunden aflyste bookingen' },
      });
      expect(timeline.description).toBe(
        'Aflyst via bookinglinket. Sen aflysning: gebyr på 312,50 kr. inkl. moms lagt på fakturakladden',
      );
      const drafted = await ownerDb().activity.findFirstOrThrow({
        where: { invoiceId: invoice.id, title: 'Faktura oprettet' },
      });
      expect(drafted.description).toBe('Kladde på 312,50 kr. inkl. moms (gebyr for sen aflysning)');
      await drainTenant(test.app, c.setup.tenant.id);
      expect(await ownerDb().invoice.count({ where: { bookingId: c.bookingId } })).toBe(1);
      expect(textsTo(c.phone)).toHaveLength(2);
    } finally {
      test.clock.reset();
    }
  });

  it('moves the booking to an offered free time: the event follows, told once; a time that is not free is 409', async () => {
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    try {
      const c = await bookedCustomer('Flyt Rengøring');
      const options = await link('GET', c.token, 'options');
      expect(options.statusCode).toBe(200);
      const offered = options.json().options as Array<{ startsAt: string; endsAt: string }>;
      expect(offered.length).toBeGreaterThan(0);
      expect(offered.map((option) => option.startsAt)).not.toContain(c.startsAt.toISOString());
      for (const option of offered) expect(Object.keys(option).sort()).toEqual(['endsAt', 'startsAt']);

      const target = offered[0]!;
      for (let i = 0; i < 2; i++) {
        const moved = await link('POST', c.token, 'reschedule', { startsAt: target.startsAt });
        expect(moved.statusCode).toBe(200);
        expect(moved.json()).toEqual({
          status: 'confirmed',
          startsAt: target.startsAt,
          endsAt: target.endsAt,
          cancellationFee: null,
        });
      }
      await eventually(async () => textsTo(c.phone).length === 2 && mailsTo(c.email).length === 2, {
        what: 'the move by text and e-mail',
      });
      expect(textsTo(c.phone)[1]).toMatch(
        /^Hej Mette, din booking er flyttet, som du bad om\. Vi kommer nu [a-zæø]+dag d\. \d{1,2}\. [a-z]+ kl\. \d{2}\.\d{2} \(ca\. 2,5 timer\) til Søndergade 4, 8000 Aarhus C\. Mvh Flyt Rengøring$/,
      );
      expect(mailsTo(c.email)[1]!.subject).toMatch(/^Din booking er flyttet til [a-zæø]+dag d\. /);
      await eventually(
        async () =>
          liveEvents(c.setup, c.bookingId)[0]?.start.dateTime !== undefined &&
          new Date(liveEvents(c.setup, c.bookingId)[0]!.start.dateTime!).toISOString() === target.startsAt,
        { what: 'the calendar event at the new time' },
      );
      expect(await staffNotifications(c.bookingId)).toHaveLength(1);

      // 03.00 at night is no offered time; a body without a time is not a request.
      const night = upcomingLocal({ weekday: 5, time: '03:00' }, test.clock.now());
      const refused = await link('POST', c.token, 'reschedule', { startsAt: night.toISOString() });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe('time_no_longer_free');
      expect((await link('POST', c.token, 'reschedule', {})).statusCode).toBe(400);
      expect((await link('POST', c.token, 'reschedule', { startsAt: 'i morgen' })).statusCode).toBe(400);

      await drainTenant(test.app, c.setup.tenant.id);
      expect(textsTo(c.phone)).toHaveLength(2);
    } finally {
      test.clock.reset();
    }
  });

  it('two customers picking the same free time: one booking gets it, the other 409 with a code', async () => {
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    try {
      const setup = await setupTenant('Kapløb Rengøring');
      const thursday = upcomingLocal({ weekday: 4, time: '10:00' }, test.clock.now());
      const a = await createLead(setup);
      const b = await createLead(setup);
      const first = await book(setup, a.leadId, thursday);
      const second = await book(setup, b.leadId, new Date(thursday.getTime() + 24 * 3600_000));
      const startsOf = async (token: string) =>
        ((await link('GET', token, 'options')).json().options as Array<{ startsAt: string }>).map(
          (option) => option.startsAt,
        );
      const theirs = new Set(await startsOf(second.token));
      const common = (await startsOf(first.token)).filter((start) => theirs.has(start));
      expect(common.length).toBeGreaterThan(0);
      const startsAt = common[0]!;

      const answers = await Promise.all([
        link('POST', first.token, 'reschedule', { startsAt }),
        link('POST', second.token, 'reschedule', { startsAt }),
      ]);
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
      const loser = answers.find((answer) => answer.statusCode === 409)!;
      expect(loser.json().code).toBe('time_no_longer_free');
      const atThatTime = await ownerDb().booking.findMany({
        where: { tenantId: setup.tenant.id, startsAt: new Date(startsAt), status: 'confirmed' },
      });
      expect(atThatTime).toHaveLength(1);
    } finally {
      test.clock.reset();
    }
  });

  it('a pending booking is confirmed from its link once; after its deadline, deletion or an unknown token the link is 404', async () => {
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    try {
      const setup = await setupTenant('Link Rengøring');
      const scheduledAt = upcomingLocal({ weekday: 5, time: '10:00' }, test.clock.now());
      const pending = await createLead(setup, { scheduledAt: scheduledAt.toISOString() });
      const booking = await ownerDb().booking.findFirstOrThrow({ where: { leadId: pending.leadId } });
      expect(booking.status).toBe('pending');
      for (let i = 0; i < 2; i++) {
        const confirmed = await link('POST', booking.meetingToken, 'confirm');
        expect(confirmed.statusCode).toBe(200);
        expect(confirmed.json()).toMatchObject({ status: 'confirmed', startsAt: scheduledAt.toISOString() });
      }
      await eventually(async () => textsTo(pending.phone).length === 1, { what: 'the confirmation text' });
      await drainTenant(test.app, setup.tenant.id);
      expect(textsTo(pending.phone)).toHaveLength(1);
      expect(mailsTo(pending.email)).toHaveLength(1);
      await eventually(async () => liveEvents(setup, booking.id).length === 1, {
        what: 'the calendar event',
      });
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: pending.leadId } })).status).toBe(
        'booked',
      );
      expect(await staffNotifications(booking.id)).toHaveLength(1);

      // Another pending booking, left unconfirmed past its 48-hour deadline.
      const late = await createLead(setup, {
        scheduledAt: upcomingLocal({ weekday: 1, time: '10:00' }, test.clock.now()).toISOString(),
      });
      const lateBooking = await ownerDb().booking.findFirstOrThrow({ where: { leadId: late.leadId } });
      expect((await link('GET', lateBooking.meetingToken)).statusCode).toBe(200);
      test.clock.set(new Date(lateBooking.tokenExpiresAt!.getTime() + 60_000));
      for (const action of ['', 'options']) {
        expect((await link('GET', lateBooking.meetingToken, action)).statusCode).toBe(404);
      }
      for (const action of ['confirm', 'cancel']) {
        expect((await link('POST', lateBooking.meetingToken, action)).statusCode).toBe(404);
      }

      // Deleted: 404 everywhere, exactly as a token that never existed.
      await ownerDb().booking.update({ where: { id: booking.id }, data: { deletedAt: test.clock.now() } });
      expect((await link('GET', booking.meetingToken)).statusCode).toBe(404);
      expect((await link('POST', booking.meetingToken, 'cancel')).statusCode).toBe(404);
      const unknown = randomBytes(32).toString('base64url');
      const answer = await link('POST', unknown, 'cancel');
      expect(answer.statusCode).toBe(404);
      expect(answer.json().code).toBe('meeting_not_found');
      expect((await link('POST', 'not a token!', 'confirm')).statusCode).toBe(404);
    } finally {
      test.clock.reset();
    }
  });

  it('the link shows only what the customer gave us: no notes, team, staff, ids, prices or contact details', async () => {
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    try {
      const c = await bookedCustomer('Diskret Rengøring');
      await ownerDb().booking.update({
        where: { id: c.bookingId },
        data: { notes: 'INTERN-NOTE: kunden er besværlig' },
      });
      await ownerDb().lead.update({ where: { id: c.leadId }, data: { notes: 'INTERN-LEADNOTE' } });
      await ownerDb().team.update({ where: { id: c.setup.tenant.teamId }, data: { name: 'Hold Hemmelig' } });
      const view = await link('GET', c.token);
      expect(view.statusCode).toBe(200);
      expect(Object.keys(view.json()).sort()).toEqual(
        [
          'address',
          'city',
          'endsAt',
          'freeCancellationUntil',
          'isExpired',
          'lateCancellationFee',
          'nextVisits',
          'serviceType',
          'startsAt',
          'status',
        ].sort(),
      );
      const options = await link('GET', c.token, 'options');
      const cancelled = await link('POST', c.token, 'cancel');
      expect(Object.keys(cancelled.json()).sort()).toEqual([
        'cancellationFee',
        'endsAt',
        'startsAt',
        'status',
      ]);
      for (const body of [view.body, options.body, cancelled.body]) {
        for (const secret of [
          'INTERN',
          'Hemmelig',
          c.setup.tenant.teamId,
          c.bookingId,
          c.leadId,
          c.email,
          c.phone,
          'Test admin',
        ]) {
          expect(body).not.toContain(secret);
        }
      }
    } finally {
      test.clock.reset();
    }
  });

  it('by SMS: FLYT answers three free times and the number moves that booking; AFLYS cancels the next booking', async () => {
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    try {
      const c = await bookedCustomer('SMS Rengøring');
      expect((await sms(c.setup, c.phone, 'Flyt')).statusCode).toBe(200);
      await eventually(async () => textsTo(c.phone).length === 2, { what: 'the times to move to' });
      const options = textsTo(c.phone)[1]!;
      expect(options).toMatch(
        /^Hej Mette, din booking torsdag d\. \d{1,2}\. [a-z]+ kl\. 10\.00 kan flyttes til:\n1\) .+\n2\) .+\n3\) .+\nSvar 1, 2 eller 3 for at flytte den\. Mvh SMS Rengøring$/,
      );
      const offers = await ownerDb().slotOffer.findMany({
        where: { leadId: c.leadId, status: 'offered' },
        orderBy: { choice: 'asc' },
      });
      expect(offers).toHaveLength(3);

      expect((await sms(c.setup, c.phone, '2')).statusCode).toBe(200);
      await eventually(
        async () =>
          (await ownerDb().booking.findUniqueOrThrow({ where: { id: c.bookingId } })).startsAt.getTime() ===
          offers[1]!.startsAt.getTime(),
        { what: 'the booking moved to the second time' },
      );
      await eventually(async () => textsTo(c.phone).length === 3, { what: 'the move confirmed' });
      expect(textsTo(c.phone)[2]).toMatch(/^Hej Mette, din booking er flyttet, som du bad om\./);
      // One booking, moved: nothing booked anew.
      expect(await ownerDb().booking.count({ where: { leadId: c.leadId } })).toBe(1);
      expect((await ownerDb().slotOffer.findUniqueOrThrow({ where: { id: offers[1]!.id } })).status).toBe(
        'accepted',
      );

      expect((await sms(c.setup, c.phone, 'AFLYS')).statusCode).toBe(200);
      await eventually(
        async () =>
          (await ownerDb().booking.findUniqueOrThrow({ where: { id: c.bookingId } })).status === 'cancelled',
        { what: 'the booking cancelled' },
      );
      await eventually(async () => textsTo(c.phone).length === 4, { what: 'the cancellation confirmed' });
      expect(textsTo(c.phone)[3]).toMatch(/er aflyst, som du bad om\. Aflysningen er gratis\./);
      const timeline = await ownerDb().activity.findMany({
        where: { bookingId: c.bookingId, metadata: { path: ['by'], equals: 'customer' } },
        orderBy: { createdAt: 'asc' },
      });
      expect(timeline.map((entry) => entry.title)).toEqual([
        'Kunden flyttede bookingen',
        'Kunden aflyste bookingen',
      ]);

      // Nothing left to cancel: the customer is told so, and nothing else changes.
      expect((await sms(c.setup, c.phone, 'aflys')).statusCode).toBe(200);
      await eventually(async () => textsTo(c.phone).length === 5, { what: 'the no-booking answer' });
      expect(textsTo(c.phone)[4]).toMatch(
        /^Hej Mette, vi kan ikke finde en kommende booking på dit nummer\./,
      );
      await drainTenant(test.app, c.setup.tenant.id);
      expect(textsTo(c.phone)).toHaveLength(5);
    } finally {
      test.clock.reset();
    }
  });
});

describe('customer self-service rate limits', () => {
  it("the link's actions allow 10 a minute per address, tighter than the global limit", async () => {
    const limited = await bootTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '300', QUEUE_PREFIX: `${inject('queuePrefix')}-ssrl` },
    });
    try {
      const token = randomBytes(32).toString('base64url');
      const statuses: number[] = [];
      for (let i = 0; i < 11; i += 1) {
        const response = await limited.app.inject({
          method: 'POST',
          url: `/api/bookings/meeting/${token}/cancel`,
          remoteAddress: '10.7.7.7',
        });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([...Array<number>(10).fill(404), 429]);
      // The read route keeps the global limit, and another address has its own allowance.
      const read = await limited.app.inject({
        method: 'GET',
        url: `/api/bookings/meeting/${token}`,
        remoteAddress: '10.7.7.7',
      });
      expect(read.statusCode).toBe(404);
      const other = await limited.app.inject({
        method: 'POST',
        url: `/api/bookings/meeting/${token}/cancel`,
        remoteAddress: '10.7.7.8',
      });
      expect(other.statusCode).toBe(404);
    } finally {
      await limited.close();
    }
  });
});
