import { randomBytes, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Prisma } from '../../src/generated/prisma/client.js';
import type { JobPayloads } from '../../src/core/queue/jobs.js';
import { WorkerService } from '../../src/core/queue/worker.service.js';
import { FakeCloud } from '../fakes/index.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { upcomingLocal } from '../support/clock.js';
import { drainTenant } from '../support/drain.js';
import { eventually } from '../support/eventually.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';
import { fieldsOf, newPhone } from '../support/http.js';

/**
 * Issue 15, step 2, from the customer's side: a booking staff confirm, move or cancel reaches the
 * customer as one text at the fake Twilio and one e-mail at the fake Gmail per change — however often
 * the job runs — never as a text to a number that opted out, and in the quiet hours as the e-mail at
 * once and the text at 08.00. The team's calendar event follows each change.
 */
const NOTICE = 'sms.booking-notice' as const;

describe('the customer hears of every booking change', () => {
  let cloud: FakeCloud;
  let test: TestApp;

  interface Setup {
    tenant: TenantFixture;
    admin: Session;
    calendarId: string;
  }

  async function setupTenant(name: string, smsRules: object): Promise<Setup> {
    const tenant = await createTenant(name);
    const smsNumber = `+4578${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
    const calendarId = `hold-${randomUUID().slice(0, 8)}@group.calendar.google.com`;
    await ownerDb().tenant.update({
      where: { id: tenant.id },
      data: { smsNumber, smsRules: smsRules as Prisma.InputJsonObject },
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
        clientId: 'notices.apps.googleusercontent.com',
        clientSecret: 'GOCSPX-notices',
        refreshToken: '1//notices',
        gmailAddress: cloud.gmail.emailAddress,
      },
    });
    expect(google.statusCode).toBe(200);
    return { tenant, admin, calendarId };
  }

  /** A lead typed in by staff (no reply, no offer): the customer has a phone and an e-mail. */
  async function createLead(setup: Setup) {
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
        estimatedHours: 3,
      },
    });
    expect(response.statusCode).toBe(201);
    return { leadId: response.json().id as string, phone: phone.e164, email };
  }

  async function book(setup: Setup, leadId: string, startsAt: Date): Promise<string> {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: setup.admin.auth,
      payload: { leadId, startsAt: startsAt.toISOString(), durationHours: 2.5 },
    });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  }

  const textsTo = (phone: string) => cloud.twilio.sentTo(phone).map((message) => message.body);
  const mailsTo = (email: string) =>
    cloud.gmail
      .sent()
      .filter((mail) => mail.to?.includes(email))
      .map((mail) => ({ subject: mail.subject ?? '', body: mail.parsed.text ?? '' }));
  const noticeRows = (bookingId: string) =>
    ownerDb().outboxJob.findMany({
      where: { jobName: NOTICE, payload: { path: ['bookingId'], equals: bookingId } },
      orderBy: { createdAt: 'asc' },
    });
  const runNotice = (payload: JobPayloads[typeof NOTICE]) =>
    test.app.get(WorkerService).perform(NOTICE, payload);
  const liveEvents = (setup: Setup, bookingId: string) =>
    cloud.calendar
      .events(setup.calendarId, { live: true })
      .filter((event) => event.id.startsWith(bookingId.replace(/-/g, '')));

  beforeAll(async () => {
    cloud = new FakeCloud({ appUrl: 'https://renos.test', gmailAddress: `info-${Date.now()}@notices.dk` });
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
    await test?.close();
    await cloud?.close();
  });

  it('confirms, moves and cancels: one text and one e-mail per change, however often the job runs, and the calendar follows', async () => {
    // Tuesday 10.00 in Copenhagen: outside the quiet hours, whenever the suite runs.
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    try {
      const setup = await setupTenant('Besked Rengøring', {
        quietHoursStart: '21:00',
        quietHoursEnd: '08:00',
        dailyCap: 500,
      });
      const { leadId, phone, email } = await createLead(setup);
      // Thursday 10.00 the same week.
      const startsAt = upcomingLocal({ weekday: 4, time: '10:00' }, test.clock.now());
      const bookingId = await book(setup, leadId, startsAt);

      await eventually(async () => textsTo(phone).length === 1 && mailsTo(email).length === 1, {
        what: 'the confirmation by text and e-mail',
      });
      expect(textsTo(phone)[0]).toMatch(
        /^Tak! Du er booket torsdag d\. \d{1,2}\. [a-z]+ kl\. 10\.00 \(ca\. 2,5 timer\) på Søndergade 4, 8000 Aarhus C\. Du får en påmindelse dagen før\. Mvh Besked Rengøring$/,
      );
      const confirmation = mailsTo(email)[0]!;
      expect(confirmation.subject).toMatch(
        /^Din booking er bekræftet: torsdag d\. \d{1,2}\. [a-z]+ \d{4} kl\. 10\.00$/,
      );
      expect(confirmation.body).toMatch(/^Hej Mette\r?\n/);
      // 2.5 hours × 349.00 kr. + 25 % VAT.
      expect(confirmation.body).toContain(
        'Opgave: flytterengøring, ca. 2,5 timer, i alt ca. 1.090,63 kr. inkl. moms.',
      );
      await eventually(async () => liveEvents(setup, bookingId).length === 1, { what: 'the calendar event' });
      // The same POST retried (a client that lost the answer): the team's time is taken, 409, nothing sent.
      const retried = await test.app.inject({
        method: 'POST',
        url: '/api/bookings',
        headers: setup.admin.auth,
        payload: { leadId, startsAt: startsAt.toISOString(), durationHours: 2.5 },
      });
      expect(retried.statusCode).toBe(409);

      // Moved by two hours: the customer is told the new time; the same PATCH again changes nothing.
      const later = new Date(startsAt.getTime() + 2 * 3600_000);
      for (let i = 0; i < 2; i++) {
        const moved = await test.app.inject({
          method: 'PATCH',
          url: `/api/bookings/${bookingId}`,
          headers: setup.admin.auth,
          payload: { startsAt: later.toISOString() },
        });
        expect(moved.statusCode).toBe(200);
      }
      await eventually(async () => textsTo(phone).length === 2 && mailsTo(email).length === 2, {
        what: 'the move by text and e-mail',
      });
      expect(textsTo(phone)[1]).toMatch(
        /^Din booking er ændret\. Vi kommer nu torsdag d\. \d{1,2}\. [a-z]+ kl\. 12\.00 \(ca\. 2,5 timer\) til Søndergade 4, 8000 Aarhus C\. Mvh Besked Rengøring$/,
      );
      expect(mailsTo(email)[1]!.subject).toMatch(
        /^Din booking er ændret: torsdag d\. \d{1,2}\. [a-z]+ \d{4} kl\. 12\.00$/,
      );
      await eventually(
        async () =>
          new Date(liveEvents(setup, bookingId)[0]?.start.dateTime ?? 0).getTime() === later.getTime(),
        { what: 'the calendar event at the new time' },
      );

      const cancelled = await test.app.inject({
        method: 'PATCH',
        url: `/api/bookings/${bookingId}/status`,
        headers: setup.admin.auth,
        payload: { status: 'cancelled' },
      });
      expect(cancelled.statusCode).toBe(200);
      await eventually(async () => textsTo(phone).length === 3 && mailsTo(email).length === 3, {
        what: 'the cancellation by text and e-mail',
      });
      expect(textsTo(phone)[2]).toMatch(
        /^Vi har aflyst din booking torsdag d\. \d{1,2}\. [a-z]+ kl\. 12\.00 på Søndergade 4, 8000 Aarhus C\. Kontakt os, hvis du ønsker en ny tid\. Mvh Besked Rengøring$/,
      );
      expect(mailsTo(email)[2]!.subject).toMatch(
        /^Din booking torsdag d\. \d{1,2}\. [a-z]+ \d{4} kl\. 12\.00 er aflyst$/,
      );
      expect(mailsTo(email)[2]!.body).toContain('Vi har aflyst din flytterengøring torsdag d.');
      await eventually(async () => liveEvents(setup, bookingId).length === 0, { what: 'the event deleted' });

      // Every change's job again, as a redelivering queue would run them: nothing reaches the customer twice.
      const rows = await noticeRows(bookingId);
      expect(rows.map((row) => (row.payload as { kind: string }).kind)).toEqual([
        'confirmed',
        'moved',
        'cancelled',
      ]);
      for (const row of rows) {
        expect(await runNotice(row.payload as unknown as JobPayloads[typeof NOTICE])).toMatch(
          /already_told|superseded/,
        );
      }
      await drainTenant(test.app, setup.tenant.id);
      expect(textsTo(phone)).toHaveLength(3);
      expect(mailsTo(email)).toHaveLength(3);
    } finally {
      test.clock.reset();
    }
  });

  it('texts nobody who opted out, and still e-mails them', async () => {
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    try {
      const setup = await setupTenant('Afmeldt Rengøring', {
        quietHoursStart: '21:00',
        quietHoursEnd: '08:00',
        dailyCap: 500,
      });
      const { leadId, phone, email } = await createLead(setup);
      await ownerDb().smsOptOut.create({ data: { tenantId: setup.tenant.id, phone, keyword: 'STOP' } });
      const bookingId = await book(
        setup,
        leadId,
        upcomingLocal({ weekday: 4, time: '10:00' }, test.clock.now()),
      );
      await eventually(async () => mailsTo(email).length === 1, { what: 'the confirmation e-mail' });
      await drainTenant(test.app, setup.tenant.id);
      expect(textsTo(phone)).toHaveLength(0);
      expect(await ownerDb().smsMessage.count({ where: { tenantId: setup.tenant.id, phone } })).toBe(0);
      const activity = await ownerDb().activity.findFirstOrThrow({
        where: { bookingId, title: 'Kunden har fået bekræftelse på bookingen' },
      });
      expect(activity.description).toBe('Sendt på e-mail. Kunden har afmeldt SMS');
    } finally {
      test.clock.reset();
    }
  });

  it('sends the e-mail at once in the quiet hours and the text at 08.00, once', async () => {
    // Tuesday 22.30: inside the quiet hours (21.00–08.00), which end on Wednesday at 08.00.
    const evening = upcomingLocal({ weekday: 2, time: '22:30' });
    const morning = upcomingLocal({ weekday: 3, time: '08:00' }, evening);
    test.clock.set(evening);
    try {
      const setup = await setupTenant('Stille Besked', {
        quietHoursStart: '21:00',
        quietHoursEnd: '08:00',
        dailyCap: 500,
      });
      const { leadId, phone, email } = await createLead(setup);
      const bookingId = await book(setup, leadId, upcomingLocal({ weekday: 5, time: '10:00' }, evening));
      await eventually(async () => mailsTo(email).length === 1, { what: 'the confirmation e-mail' });
      await drainTenant(test.app, setup.tenant.id);
      expect(textsTo(phone)).toHaveLength(0);
      const waiting = (await noticeRows(bookingId)).filter((row) => row.status === 'pending');
      expect(waiting).toHaveLength(1);
      expect(waiting[0]!.availableAt).toEqual(morning);
      expect(waiting[0]!.payload).toMatchObject({ kind: 'confirmed', smsOnly: true });

      // At 08.00 the waiting job sends the text; a second run of it (a redelivery) sends nothing.
      test.clock.set(morning);
      const payload = waiting[0]!.payload as unknown as JobPayloads[typeof NOTICE];
      expect(await runNotice(payload)).toBe('told');
      expect(await runNotice(payload)).toBe('already_told');
      await eventually(async () => textsTo(phone).length === 1, { what: 'the text at 08.00' });
      await drainTenant(test.app, setup.tenant.id);
      expect(textsTo(phone)[0]).toMatch(/^Tak! Du er booket fredag d\./);
      expect(textsTo(phone)).toHaveLength(1);
      expect(mailsTo(email)).toHaveLength(1);
    } finally {
      test.clock.reset();
    }
  });

  it('lets a tenant turn each kind of notice off, validated and shown in its settings', async () => {
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    try {
      const setup = await setupTenant('Stum Rengøring', {
        quietHoursStart: '21:00',
        quietHoursEnd: '08:00',
        dailyCap: 500,
      });
      const patch = (customerNotices: unknown) =>
        test.app.inject({
          method: 'PATCH',
          url: '/api/tenant',
          headers: setup.admin.auth,
          payload: { customerNotices },
        });
      const wrong = await patch({ bookingConfirmed: 'nej', bookingMoved: true });
      expect(wrong.statusCode).toBe(400);
      expect(fieldsOf(wrong.json())).toEqual(
        new Set(['customerNotices.bookingConfirmed', 'customerNotices.bookingCancelled']),
      );
      const off = { bookingConfirmed: false, bookingMoved: true, bookingCancelled: true };
      expect((await patch(off)).statusCode).toBe(200);
      const settings = await test.app.inject({
        method: 'GET',
        url: '/api/tenant',
        headers: setup.admin.auth,
      });
      expect(settings.json().customerNotices).toEqual(off);

      const { leadId, phone, email } = await createLead(setup);
      const startsAt = upcomingLocal({ weekday: 4, time: '10:00' }, test.clock.now());
      const bookingId = await book(setup, leadId, startsAt);
      await drainTenant(test.app, setup.tenant.id);
      expect(textsTo(phone)).toHaveLength(0);
      expect(mailsTo(email)).toHaveLength(0);
      const moved = await test.app.inject({
        method: 'PATCH',
        url: `/api/bookings/${bookingId}`,
        headers: setup.admin.auth,
        payload: { startsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString() },
      });
      expect(moved.statusCode).toBe(200);
      await eventually(async () => textsTo(phone).length === 1 && mailsTo(email).length === 1, {
        what: 'the move, still on',
      });
      expect(textsTo(phone)[0]).toMatch(/^Din booking er ændret\./);
    } finally {
      test.clock.reset();
    }
  });
});
