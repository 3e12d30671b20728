import { randomBytes, randomUUID } from 'node:crypto';

import type { Job } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Prisma } from '../../src/generated/prisma/client.js';
import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { TenantPrismaService } from '../../src/core/database/tenant-prisma.service.js';
import { OutboxService } from '../../src/core/queue/outbox.service.js';
import { WorkerService } from '../../src/core/queue/worker.service.js';
import type { OfferOutcome } from '../../src/sms/sms-offer.service.js';
import { SmsRemindersProcessor } from '../../src/sms/jobs/sms-reminders.processor.js';
import { DEFAULT_SLOT_RULES } from '../../src/tenants/tenant-defaults.js';
import { CalendarFake } from '../fakes/calendar.fake.js';
import { GoogleOAuthFake } from '../fakes/google-oauth.fake.js';
import { signedWebhook, TwilioFake, type SignedWebhook } from '../fakes/twilio.fake.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { upcomingLocal } from '../support/clock.js';
import { drainTenant } from '../support/drain.js';
import { eventually } from '../support/eventually.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';
import { newPhone } from '../support/http.js';

const PUBLIC_BASE_URL = 'https://renos.test';
const INBOUND_URL = `${PUBLIC_BASE_URL}/api/webhooks/twilio/sms`;
const NO_QUIET_HOURS = { quietHoursStart: '00:00', quietHoursEnd: '00:00', dailyCap: 500 };

interface TenantSetup {
  tenant: TenantFixture;
  admin: Session;
  accountSid: string;
  authToken: string;
  smsNumber: string;
}

describe('SMS booking', () => {
  const twilio = new TwilioFake();
  const oauth = new GoogleOAuthFake();
  const calendar = new CalendarFake();
  let test: TestApp;
  let main: TenantSetup;
  let mainCalendarId: string;

  async function setupTenant(
    name: string,
    settings: { slotRules?: object; smsRules?: object } = {},
  ): Promise<TenantSetup> {
    const tenant = await createTenant(name);
    const smsNumber = `+4579${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
    await ownerDb().tenant.update({
      where: { id: tenant.id },
      data: {
        smsNumber,
        smsRules: (settings.smsRules ?? NO_QUIET_HOURS) as Prisma.InputJsonObject,
        ...(settings.slotRules ? { slotRules: settings.slotRules as Prisma.InputJsonObject } : {}),
      },
    });
    const admin = await signIn(test.app, tenant.id, 'admin');
    const accountSid = `AC${tenant.id.replace(/-/g, '')}`;
    const authToken = randomBytes(16).toString('hex');
    twilio.addAccount(accountSid, authToken);
    const stored = await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/twilio',
      headers: admin.auth,
      payload: { accountSid, authToken, phoneNumber: smsNumber },
    });
    expect(stored.statusCode).toBe(200);
    return { tenant, admin, accountSid, authToken, smsNumber };
  }

  async function createLead(setup: TenantSetup, overrides: Record<string, unknown> = {}) {
    const phone = newPhone();
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: setup.admin.auth,
      payload: {
        customerName: 'Zoë Brontë',
        customerPhone: phone.typed,
        customerEmail: `kunde-${phone.e164.slice(3)}@example.dk`,
        serviceType: 'Hovedrengøring',
        address: 'Søndergade 4',
        postalCode: '8000',
        city: 'Aarhus C',
        estimatedHours: 3,
        ...overrides,
      },
    });
    expect(response.statusCode).toBe(201);
    return { lead: response.json() as { id: string }, phone: phone.e164 };
  }

  /** The offer job, run in-process as the worker runs it. */
  const runOffer = (setup: TenantSetup, leadId: string) =>
    test.app
      .get(WorkerService)
      .perform('sms.offer', { tenantId: setup.tenant.id, leadId }) as Promise<OfferOutcome>;

  const post = (webhook: SignedWebhook) =>
    test.app.inject({
      method: 'POST',
      url: webhook.path,
      headers: webhook.headers,
      payload: webhook.payload,
    });

  const reply = (setup: TenantSetup, from: string, body: string, messageSid?: string) =>
    twilio.inboundSms(INBOUND_URL, {
      accountSid: setup.accountSid,
      from,
      to: setup.smsNumber,
      body,
      messageSid,
    });

  const messagesOf = (tenantId: string, phone: string) =>
    ownerDb().smsMessage.findMany({ where: { tenantId, phone }, orderBy: { createdAt: 'asc' } });

  const activityTitles = async (leadId: string) =>
    (await ownerDb().activity.findMany({ where: { leadId }, orderBy: { createdAt: 'asc' } })).map(
      (a) => a.title,
    );

  beforeAll(async () => {
    await Promise.all([twilio.start(), oauth.start(), calendar.start()]);
    test = await bootTestApp({
      env: {
        TWILIO_API_BASE_URL: twilio.url,
        PUBLIC_BASE_URL,
        GOOGLE_API_BASE_URL: calendar.rootUrl,
        GOOGLE_OAUTH_TOKEN_URL: oauth.tokenUrl,
      },
    });
    main = await setupTenant('SMS Rengøring');
    // The main tenant's team has its Google Calendar: the booking's event lands there.
    mainCalendarId = `hold1-${randomUUID().slice(0, 8)}@group.calendar.google.com`;
    await ownerDb().team.update({
      where: { id: main.tenant.teamId },
      data: { googleCalendarId: mainCalendarId },
    });
    const connected = await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/google',
      headers: main.admin.auth,
      payload: {
        clientId: 'sms-e2e.apps.googleusercontent.com',
        clientSecret: 'GOCSPX-sms-e2e',
        refreshToken: '1//sms-e2e',
        gmailAddress: `info-${randomUUID().slice(0, 8)}@sms-rengoring.dk`,
      },
    });
    expect(connected.statusCode).toBe(200);
  });
  afterAll(async () => {
    await test?.close();
    await Promise.all([twilio.close(), oauth.close(), calendar.close()]);
  });
  beforeEach(() => {
    twilio.unsubscribed.clear();
  });

  it('offers three times in GSM-7, and books the one the customer texts back — once, however often Twilio delivers it', async () => {
    const { lead, phone } = await createLead(main);
    const outcome = await runOffer(main, lead.id);
    expect(outcome).toMatchObject({ outcome: 'sent' });
    // A second run for the same lead (the job retried) finds the open offer and does nothing.
    expect(await runOffer(main, lead.id)).toMatchObject({ outcome: 'skipped', reason: 'open offer' });

    const offer = await eventually(async () => twilio.sentTo(phone)[0], { what: 'the offer text' });
    expect(offer.from).toBe(main.smsNumber);
    expect(offer.statusCallback).toBe(`${PUBLIC_BASE_URL}/api/webhooks/twilio/status`);
    expect(offer.body).toMatch(/^Hej Zoe, /);
    expect(offer.body).toMatch(/1\) \w+dag d\. \d+\. \w+ kl\. \d\d\.\d\d/);
    expect(offer.body).toContain('436,25 kr./time inkl. moms');
    const recorded = await eventually(
      async () => (await messagesOf(main.tenant.id, phone)).find((m) => m.twilioSid === offer.sid),
      { what: 'the sid recorded' },
    );
    expect(recorded).toMatchObject({
      type: 'booking_options',
      status: 'sent',
      encoding: 'GSM-7',
      segments: 2,
    });
    const offers = await ownerDb().slotOffer.findMany({
      where: { leadId: lead.id },
      orderBy: { choice: 'asc' },
    });
    expect(offers.map((o) => o.choice)).toEqual([1, 2, 3]);
    expect(offers[0]!.expiresAt.getTime() - offers[0]!.createdAt.getTime()).toBeGreaterThan(23 * 3600_000);
    const leadRow = await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(leadRow.smsSentAt).not.toBeNull();

    // Twilio delivers the same reply three times (its retries): one booking, one confirmation.
    const answer = reply(main, phone, 'Nr. 2 tak 😊');
    for (let i = 0; i < 3; i += 1) {
      const response = await post(answer);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/xml/);
      expect(response.body).toContain('<Response/>');
    }
    const booking = await eventually(
      async () => (await ownerDb().booking.findMany({ where: { leadId: lead.id } }))[0],
      { what: 'the booking' },
    );
    expect(booking).toMatchObject({ status: 'confirmed', teamId: offers[1]!.teamId });
    expect(booking.startsAt).toEqual(offers[1]!.startsAt);
    const confirmation = await eventually(
      async () => twilio.sentTo(phone).find((m) => m.body.startsWith('Tak! Du er booket')),
      { what: 'the confirmation text' },
    );
    expect(confirmation.body).toContain('Søndergade 4, 8000 Aarhus C');
    await drainTenant(test.app, main.tenant.id);
    expect(await ownerDb().booking.count({ where: { leadId: lead.id } })).toBe(1);
    expect(twilio.sentTo(phone).filter((m) => m.body.startsWith('Tak! Du er booket'))).toHaveLength(1);
    expect(
      await ownerDb().outboxJob.count({
        where: { jobName: 'calendar.sync-booking', payload: { path: ['bookingId'], equals: booking.id } },
      }),
    ).toBe(1);
    expect(
      await ownerDb().outboundEmail.count({ where: { subjectId: booking.id, type: 'booking_confirmation' } }),
    ).toBe(1);
    // Date, time and amount the Danish way (core/format/danish.ts), as in the texts.
    const confirmationEmail = await ownerDb().outboundEmail.findFirstOrThrow({
      where: { subjectId: booking.id, type: 'booking_confirmation' },
    });
    expect(confirmationEmail.subject).toMatch(
      /^Din booking er bekræftet: [a-zæøå]+dag d\. \d+\. [a-z]+ \d{4} kl\. \d\d\.\d\d$/,
    );
    expect(confirmationEmail.body).toMatch(/i alt ca\. \d{1,3}(\.\d{3})*,\d\d kr\. inkl\. moms/);
    // One event in the team's calendar, with the id derived from the booking.
    const events = await eventually(
      async () => {
        const live = calendar.events(mainCalendarId, { live: true });
        return live.length > 0 ? live : undefined;
      },
      { what: 'the calendar event' },
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.id).toContain(booking.id.replace(/-/g, ''));
    expect(
      await ownerDb().inboundEvent.count({
        where: { tenantId: main.tenant.id, dedupKey: answer.params.MessageSid },
      }),
    ).toBe(1);
    expect(await ownerDb().smsMessage.count({ where: { twilioSid: answer.params.MessageSid } })).toBe(1);
    const offersAfter = await ownerDb().slotOffer.findMany({
      where: { leadId: lead.id },
      orderBy: { choice: 'asc' },
    });
    expect(offersAfter.map((o) => o.status)).toEqual(['withdrawn', 'accepted', 'withdrawn']);
    expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('booked');

    // The lead's timeline tells the story.
    const titles = await activityTitles(lead.id);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Tider sendt på SMS',
        'SMS modtaget',
        'Booket via SMS',
        'Status opdateret til Booket',
      ]),
    );
    const list = await test.app.inject({
      method: 'GET',
      url: `/api/sms?leadId=${lead.id}`,
      headers: main.admin.auth,
    });
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .data.map((m: { type: string }) => m.type)
        .sort(),
    ).toEqual(['booking_options', 'confirmation', 'reply'].sort());
  });

  it("sends the offer when the intake writes 'sms.offer' to the outbox", async () => {
    const { lead, phone } = await createLead(main);
    const outbox = test.app.get(OutboxService);
    const ids = await test.app.get(TenantContextService).run({ tenantId: main.tenant.id }, () =>
      test.app.get(TenantPrismaService).transaction(async (tx) => [
        await outbox.write(tx, main.tenant.id, 'sms.offer', {
          tenantId: main.tenant.id,
          leadId: lead.id,
        }),
      ]),
    );
    outbox.relay(ids);
    const sent = await eventually(async () => twilio.sentTo(phone)[0], {
      what: 'the offer through the queue',
    });
    expect(sent.body).toContain('Svar 1, 2 eller 3 for at booke');
    expect(await ownerDb().slotOffer.count({ where: { leadId: lead.id, status: 'offered' } })).toBe(3);
  });

  it('books one of two customers answering for the same slot at once; the other gets fresh options', async () => {
    // Holds off, so both customers are offered the same earliest time.
    const setup = await setupTenant('Dobbelt Rengøring', {
      slotRules: { ...DEFAULT_SLOT_RULES, holdMinutes: 0 },
    });
    const a = await createLead(setup);
    const b = await createLead(setup);
    await runOffer(setup, a.lead.id);
    await runOffer(setup, b.lead.id);
    const [offerA, offerB] = await Promise.all(
      [a.lead.id, b.lead.id].map((leadId) =>
        ownerDb().slotOffer.findFirstOrThrow({ where: { leadId, choice: 1 } }),
      ),
    );
    expect(offerA!.startsAt).toEqual(offerB!.startsAt);
    await eventually(async () => twilio.sentTo(a.phone).length === 1 && twilio.sentTo(b.phone).length === 1, {
      what: 'offers',
    });

    const responses = await Promise.all([post(reply(setup, a.phone, '1')), post(reply(setup, b.phone, '1'))]);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200]);

    await eventually(async () => twilio.sentTo(a.phone).length === 2 && twilio.sentTo(b.phone).length === 2, {
      what: 'answers to both customers',
    });
    const bookings = await ownerDb().booking.findMany({ where: { tenantId: setup.tenant.id } });
    expect(bookings).toHaveLength(1);
    expect(bookings[0]!.startsAt).toEqual(offerA!.startsAt);
    const winner = bookings[0]!.leadId === a.lead.id ? a : b;
    const loser = winner === a ? b : a;
    expect(twilio.sentTo(winner.phone)[1]!.body).toMatch(/^Tak! Du er booket/);
    const fresh = twilio.sentTo(loser.phone)[1]!.body;
    expect(fresh).toContain('den tid, du valgte, er desværre ikke længere ledig. Nye tider:');
    const freshOffers = await ownerDb().slotOffer.findMany({
      where: { leadId: loser.lead.id, status: 'offered' },
      orderBy: { choice: 'asc' },
    });
    expect(freshOffers).toHaveLength(3);
    expect(freshOffers.some((o) => o.startsAt.getTime() === offerA!.startsAt.getTime())).toBe(false);
    expect(await activityTitles(loser.lead.id)).toContain('Nye tider sendt på SMS');
  });

  it('answers a choice on an expired offer with fresh times, and with "vi ringer til dig" when none are left', async () => {
    const setup = await setupTenant('Udløbet Rengøring');
    const { lead, phone } = await createLead(setup);
    await runOffer(setup, lead.id);
    await eventually(async () => twilio.sentTo(phone).length === 1, { what: 'the offer' });
    await ownerDb().slotOffer.updateMany({
      where: { leadId: lead.id },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });

    await post(reply(setup, phone, '1'));
    await eventually(async () => twilio.sentTo(phone).length === 2, { what: 'fresh options' });
    expect(twilio.sentTo(phone)[1]!.body).toContain('Nye tider:');
    expect(await ownerDb().booking.count({ where: { leadId: lead.id } })).toBe(0);
    expect(await ownerDb().slotOffer.count({ where: { leadId: lead.id, status: 'offered' } })).toBe(3);

    // The fresh offer expires too, and now the team has no working hours left to offer.
    await ownerDb().slotOffer.updateMany({
      where: { leadId: lead.id },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });
    const closed = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    await ownerDb().tenant.update({ where: { id: setup.tenant.id }, data: { workingHours: closed } });
    await post(reply(setup, phone, '2'));
    await eventually(async () => twilio.sentTo(phone).length === 3, { what: 'the call-you text' });
    expect(twilio.sentTo(phone)[2]!.body).toContain('vi ringer til dig');
    const row = await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(row.needsAttention).toBe(true);
    expect(row.needsAttentionReason).toMatch(/ring kunden op/);
    expect(await activityTitles(lead.id)).toContain('Ingen ledige tider');
  });

  it('keeps a reply that cannot be handled on the timeline, and the lead waits for a person', async () => {
    const { lead, phone } = await createLead(main);
    await runOffer(main, lead.id);
    await eventually(async () => twilio.sentTo(phone).length === 1, { what: 'the offer' });
    // Google's free/busy is down for every try: the slot cannot be re-checked.
    calendar.failNext('freebusy.query', 503, undefined, { times: 1_000 });
    try {
      const webhook = reply(main, phone, '1');
      expect((await post(webhook)).statusCode).toBe(200);
      const event = await eventually(
        async () =>
          (await ownerDb().inboundEvent.findFirst({
            where: { tenantId: main.tenant.id, dedupKey: webhook.params.MessageSid },
          })) ?? undefined,
        { what: 'the recorded reply' },
      );
      // The last try, as the worker runs it after the earlier ones failed.
      const lastTry = { attemptsMade: 5, opts: { attempts: 6 } } as Job<{
        tenantId: string;
        inboundEventId: string;
      }>;
      await expect(
        test.app
          .get(WorkerService)
          .perform('sms.inbound', { tenantId: main.tenant.id, inboundEventId: event.id }, lastTry),
      ).rejects.toThrow();
      expect((await ownerDb().inboundEvent.findUniqueOrThrow({ where: { id: event.id } })).status).toBe(
        'failed',
      );
      const kept = await ownerDb().smsMessage.findFirstOrThrow({
        where: { leadId: lead.id, direction: 'inbound' },
      });
      expect(kept.body).toBe('1');
      const row = await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } });
      expect(row.needsAttention).toBe(true);
      // What went wrong in our words: Google's answer (a 503) is for the logs.
      expect(row.needsAttentionReason).toBe(
        'SMS-svar kunne ikke behandles: Google Kalender svarede ikke som forventet',
      );
      expect(await ownerDb().booking.count({ where: { leadId: lead.id } })).toBe(0);
    } finally {
      calendar.clearFailures();
      // Give the held times back: the main tenant's later tests offer from the same calendar.
      await ownerDb().slotOffer.updateMany({ where: { leadId: lead.id }, data: { status: 'expired' } });
    }
  });

  it('never holds one time for two leads offered at the same moment, by job or by hand', async () => {
    const setup = await setupTenant('Samtidige tilbud');
    const leads = await Promise.all(Array.from({ length: 6 }, () => createLead(setup)));
    const [byJob, byHand] = [leads.slice(0, 3), leads.slice(3)];
    const [jobs, manual] = await Promise.all([
      Promise.all(byJob.map(({ lead }) => runOffer(setup, lead.id))),
      Promise.all(
        byHand.map(({ lead }) =>
          test.app.inject({
            method: 'POST',
            url: `/api/leads/${lead.id}/send-booking-options`,
            headers: setup.admin.auth,
          }),
        ),
      ),
    ]);
    expect(jobs.map((outcome) => outcome.outcome)).toEqual(['sent', 'sent', 'sent']);
    expect(manual.map((response) => response.statusCode)).toEqual([200, 200, 200]);
    const held = await ownerDb().slotOffer.findMany({
      where: { tenantId: setup.tenant.id, status: 'offered' },
      orderBy: { startsAt: 'asc' },
    });
    expect(held).toHaveLength(18);
    expect(new Set(held.map((offer) => offer.leadId)).size).toBe(6);
    for (let i = 1; i < held.length; i += 1) {
      const [before, after] = [held[i - 1]!, held[i]!];
      if (before.teamId === after.teamId)
        expect(after.startsAt.getTime()).toBeGreaterThanOrEqual(before.endsAt.getTime());
    }
  });

  it('keeps a held time for the customer who answers within the hold, though the day has come within the notice since', async () => {
    const setup = await setupTenant('Varsel Rengøring');
    const { lead, phone } = await createLead(setup);
    await runOffer(setup, lead.id);
    await eventually(async () => twilio.sentTo(phone).length === 1, { what: 'the offer' });
    // The tenant now asks for far more notice than the offered times have left.
    const tenant = await ownerDb().tenant.findUniqueOrThrow({ where: { id: setup.tenant.id } });
    await ownerDb().tenant.update({
      where: { id: setup.tenant.id },
      data: { slotRules: { ...(tenant.slotRules as Record<string, unknown>), minimumNoticeDays: 60 } },
    });
    await post(reply(setup, phone, '1'));
    const booking = await eventually(
      async () =>
        (await ownerDb().booking.findFirst({ where: { leadId: lead.id, status: 'confirmed' } })) ?? undefined,
      { what: 'the booking' },
    );
    const first = await ownerDb().slotOffer.findFirstOrThrow({ where: { leadId: lead.id, choice: 1 } });
    expect(booking.startsAt.getTime()).toBe(first.startsAt.getTime());
  });

  it('refuses a forged signature with 403 and records nothing', async () => {
    const { phone } = await createLead(main);
    const before = await ownerDb().inboundEvent.count({ where: { tenantId: main.tenant.id } });
    const genuine = reply(main, phone, '1');
    const forged = {
      ...genuine,
      headers: { ...genuine.headers, 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' },
    };
    expect((await post(forged)).statusCode).toBe(403);
    // Signed with another account's token.
    const wrongKey = signedWebhook('another-accounts-token', INBOUND_URL, genuine.params);
    expect((await post(wrongKey)).statusCode).toBe(403);
    // A body changed after signing.
    expect(
      (await post({ ...genuine, payload: genuine.payload.replace('Body=1', 'Body=2') })).statusCode,
    ).toBe(403);
    // No signature at all.
    const { 'x-twilio-signature': _omit, ...unsigned } = genuine.headers;
    expect(
      (
        await test.app.inject({
          method: 'POST',
          url: genuine.path,
          headers: unsigned,
          payload: genuine.payload,
        })
      ).statusCode,
    ).toBe(403);
    // The right signature over another URL than the public one Twilio called.
    const otherUrl = twilio.inboundSms('http://localhost:3000/api/webhooks/twilio/sms', {
      accountSid: main.accountSid,
      from: phone,
      to: main.smsNumber,
      body: '1',
    });
    expect((await post(otherUrl)).statusCode).toBe(403);
    expect(await ownerDb().inboundEvent.count({ where: { tenantId: main.tenant.id } })).toBe(before);
    expect(await ownerDb().smsMessage.count({ where: { tenantId: main.tenant.id, phone } })).toBe(0);
  });

  it('texts nothing to a customer who opted out, until they opt in again', async () => {
    const { lead, phone } = await createLead(main);
    expect((await post(reply(main, phone, 'STOP'))).statusCode).toBe(200);
    await eventually(
      async () => (await ownerDb().smsOptOut.count({ where: { tenantId: main.tenant.id, phone } })) === 1,
      { what: 'opt-out' },
    );
    const optOutConfirmation = await eventually(async () => twilio.sentTo(phone)[0], {
      what: 'opt-out confirmation',
    });
    expect(optOutConfirmation.body).toContain('Du er afmeldt SMS');

    expect(await runOffer(main, lead.id)).toMatchObject({ outcome: 'skipped', reason: 'opted out' });
    const byHand = await test.app.inject({
      method: 'POST',
      url: `/api/leads/${lead.id}/send-booking-options`,
      headers: main.admin.auth,
    });
    expect(byHand.statusCode).toBe(409);
    const manual = await test.app.inject({
      method: 'POST',
      url: '/api/sms',
      headers: main.admin.auth,
      payload: { leadId: lead.id, body: 'Hej' },
    });
    expect(manual.statusCode).toBe(409);
    await drainTenant(test.app, main.tenant.id);
    expect(twilio.sentTo(phone)).toHaveLength(1);
    expect(await ownerDb().slotOffer.count({ where: { leadId: lead.id } })).toBe(0);
    expect(await activityTitles(lead.id)).toEqual(expect.arrayContaining(['SMS afmeldt', 'SMS ikke sendt']));

    expect((await post(reply(main, phone, 'START'))).statusCode).toBe(200);
    await eventually(
      async () => (await ownerDb().smsOptOut.count({ where: { tenantId: main.tenant.id, phone } })) === 0,
      { what: 'opt-in' },
    );
    const again = await test.app.inject({
      method: 'POST',
      url: `/api/leads/${lead.id}/send-booking-options`,
      headers: main.admin.auth,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ outcome: 'sent' });
    expect(again.json().slots).toHaveLength(3);
    await eventually(async () => twilio.sentTo(phone).some((m) => m.body.includes('1) ')), {
      what: 'the offer after opt-in',
    });
  });

  it("records Twilio's 21610 as an opt-out and does not retry", async () => {
    const { lead, phone } = await createLead(main);
    twilio.unsubscribed.add(phone);
    await runOffer(main, lead.id);
    const failed = await eventually(
      async () => (await messagesOf(main.tenant.id, phone)).find((m) => m.status === 'failed'),
      { what: 'the failed text' },
    );
    expect(failed).toMatchObject({ errorCode: 21610, twilioSid: null });
    expect(await ownerDb().smsOptOut.count({ where: { tenantId: main.tenant.id, phone } })).toBe(1);
    expect(twilio.sentTo(phone)).toHaveLength(0);
  });

  it('holds an offer in quiet hours until they end, and says so on the timeline', async () => {
    // Tuesday 22:30 in Copenhagen, inside the default quiet hours (21.00–08.00): the text waits for
    // Wednesday 08:00 local, whenever and wherever the suite runs.
    const evening = upcomingLocal({ weekday: 2, time: '22:30' });
    const morning = upcomingLocal({ weekday: 3, time: '08:00' }, evening);
    test.clock.set(evening);
    try {
      const setup = await setupTenant('Stille Rengøring', {
        smsRules: { quietHoursStart: '21:00', quietHoursEnd: '08:00', dailyCap: 500 },
      });
      const { lead, phone } = await createLead(setup);
      const outcome = await runOffer(setup, lead.id);
      expect(outcome).toMatchObject({ outcome: 'deferred', reason: 'quiet_hours' });
      expect((outcome as { sendAt: Date }).sendAt).toEqual(morning);
      const deferred = await ownerDb().outboxJob.findFirstOrThrow({
        where: { tenantId: setup.tenant.id, jobName: 'sms.offer', status: 'pending' },
      });
      expect(deferred.availableAt).toEqual(morning);
      expect(deferred.payload).toEqual({ tenantId: setup.tenant.id, leadId: lead.id });
      expect(twilio.sentTo(phone)).toHaveLength(0);
      expect(await ownerDb().slotOffer.count({ where: { leadId: lead.id } })).toBe(0);
      expect(await activityTitles(lead.id)).toContain('SMS med tider venter');

      // At 08:00 the same job sends: the deferral is a wait, not a loss.
      test.clock.set(morning);
      expect(await runOffer(setup, lead.id)).toMatchObject({ outcome: 'sent' });
      await eventually(async () => twilio.sentTo(phone).length === 1, { what: 'the offer at 08:00' });
    } finally {
      test.clock.reset();
    }
  });

  it('waits past the daily cap, and says so', async () => {
    const setup = await setupTenant('Loft Rengøring', { smsRules: { ...NO_QUIET_HOURS, dailyCap: 1 } });
    const first = await createLead(setup);
    const second = await createLead(setup);
    expect(await runOffer(setup, first.lead.id)).toMatchObject({ outcome: 'sent' });
    expect(await runOffer(setup, second.lead.id)).toMatchObject({ outcome: 'deferred', reason: 'daily_cap' });
    const descriptions = (await ownerDb().activity.findMany({ where: { leadId: second.lead.id } })).map(
      (a) => a.description,
    );
    expect(descriptions.join('\n')).toContain('Dagens loft på 1 SMS er nået');
  });

  it('applies status callbacks in any order, never backwards; a failed text shows on the timeline and in the stats', async () => {
    const { lead, phone } = await createLead(main);
    await runOffer(main, lead.id);
    const sent = await eventually(async () => twilio.sentTo(phone)[0], { what: 'the offer' });
    await eventually(
      async () => (await ownerDb().smsMessage.count({ where: { twilioSid: sent.sid } })) === 1,
      { what: 'sid' },
    );
    // Twilio's callbacks arrive out of order: delivered, then sent (and delivered again).
    for (const status of ['delivered', 'sent', 'delivered', 'queued']) {
      expect((await post(twilio.statusCallback(sent.sid, status))).statusCode).toBe(200);
    }
    await drainTenant(test.app, main.tenant.id);
    const message = await ownerDb().smsMessage.findFirstOrThrow({ where: { twilioSid: sent.sid } });
    expect(message.status).toBe('delivered');
    expect(message.deliveredAt).not.toBeNull();
    expect(await ownerDb().inboundEvent.count({ where: { dedupKey: { startsWith: `${sent.sid}:` } } })).toBe(
      3,
    );

    // A forged status callback changes nothing.
    const forged = twilio.statusCallback(sent.sid, 'failed');
    expect(
      (await post({ ...forged, headers: { ...forged.headers, 'x-twilio-signature': 'AAAA' } })).statusCode,
    ).toBe(403);

    // An undelivered text to another customer.
    const other = await createLead(main);
    const statsBefore = (
      await test.app.inject({ method: 'GET', url: '/api/leads/stats', headers: main.admin.auth })
    ).json();
    await runOffer(main, other.lead.id);
    const otherSent = await eventually(async () => twilio.sentTo(other.phone)[0], {
      what: 'the other offer',
    });
    await eventually(
      async () => (await ownerDb().smsMessage.count({ where: { twilioSid: otherSent.sid } })) === 1,
      { what: 'sid' },
    );
    expect(
      (await post(twilio.statusCallback(otherSent.sid, 'undelivered', { errorCode: 30003 }))).statusCode,
    ).toBe(200);
    expect((await post(twilio.statusCallback(otherSent.sid, 'sent'))).statusCode).toBe(200);
    await eventually(
      async () =>
        (await ownerDb().smsMessage.findFirst({
          where: { twilioSid: otherSent.sid, status: 'undelivered' },
        })) ?? undefined,
      { what: 'undelivered' },
    );
    await drainTenant(test.app, main.tenant.id);
    const otherMessage = await ownerDb().smsMessage.findFirstOrThrow({ where: { twilioSid: otherSent.sid } });
    expect(otherMessage).toMatchObject({ status: 'undelivered', errorCode: 30003 });
    expect(await activityTitles(other.lead.id)).toContain('SMS ikke leveret');
    const statsAfter = (
      await test.app.inject({ method: 'GET', url: '/api/leads/stats', headers: main.admin.auth })
    ).json();
    expect(statsAfter.smsFailed).toBe(statsBefore.smsFailed + 1);
  });

  it('answers an unreadable reply with help at most once an hour', async () => {
    const { lead, phone } = await createLead(main);
    await runOffer(main, lead.id);
    await eventually(async () => twilio.sentTo(phone).length === 1, { what: 'the offer' });
    await post(reply(main, phone, 'Hvad koster det?'));
    await eventually(async () => twilio.sentTo(phone).length === 2, { what: 'the help text' });
    expect(twilio.sentTo(phone)[1]!.body).toMatch(/^Vi forstod ikke dit svar\. Svar 1, 2 eller 3/);
    await post(reply(main, phone, 'Hallo?'));
    await eventually(
      async () => (await ownerDb().smsMessage.count({ where: { phone, direction: 'inbound' } })) === 2,
      { what: 'the second reply recorded' },
    );
    await drainTenant(test.app, main.tenant.id);
    expect(twilio.sentTo(phone)).toHaveLength(2);
    expect(await ownerDb().booking.count({ where: { leadId: lead.id } })).toBe(0);

    // An hour later by the app's clock (not the machine's), the next unreadable reply gets help again.
    test.clock.set(new Date(Date.now() + 61 * 60_000));
    try {
      await post(reply(main, phone, 'Hallo igen?'));
      await eventually(async () => twilio.sentTo(phone).length === 3, { what: 'help an hour later' });
      expect(twilio.sentTo(phone)[2]!.body).toMatch(/^Vi forstod ikke dit svar\. Svar 1, 2 eller 3/);
    } finally {
      test.clock.reset();
    }
  });

  it('sends a text by hand with POST /sms and lists texts with GET /sms', async () => {
    const { lead, phone } = await createLead(main);
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/sms',
      headers: main.admin.auth,
      payload: { leadId: lead.id, body: 'Hej Zoë – vi kommer kl. 10’ish 👍' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      leadId: lead.id,
      phone,
      type: 'other',
      status: 'queued',
      encoding: 'GSM-7',
      segments: 1,
    });
    expect(response.json().body).toBe("Hej Zoe - vi kommer kl. 10'ish");
    await eventually(async () => twilio.sentTo(phone)[0], { what: 'the text' });
    const bad = await test.app.inject({
      method: 'POST',
      url: '/api/sms',
      headers: main.admin.auth,
      payload: { leadId: lead.id },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { field: string }) => d.field)).toContain('body');
    const page = await test.app.inject({
      method: 'GET',
      url: '/api/sms?page=1&pageSize=2',
      headers: main.admin.auth,
    });
    expect(page.statusCode).toBe(200);
    expect(page.json().meta).toMatchObject({ page: 1, pageSize: 2 });
    expect(page.json().data.length).toBeLessThanOrEqual(2);
  });

  it('texts once when Twilio took the text but its answer was lost: the retry finds it instead of sending again', async () => {
    const { lead, phone } = await createLead(main);
    const send = () =>
      test.app.inject({
        method: 'POST',
        url: '/api/sms',
        headers: main.admin.auth,
        payload: { leadId: lead.id, body: 'Vi kommer i morgen kl. 10' },
      });
    const sentRow = (id: string) =>
      eventually(
        async () => {
          const row = await ownerDb().smsMessage.findUniqueOrThrow({ where: { id } });
          return row.status === 'sent' ? row : undefined;
        },
        { what: 'the text marked sent', timeoutMs: 30_000 },
      );
    // An earlier text with the same words to the same number: the retry must not take it for its own.
    const first = await sentRow((await send()).json().id);
    twilio.dropNextAnswer();
    const response = await send();
    expect(response.statusCode).toBe(201);
    const second = await sentRow(response.json().id);
    const atTwilio = twilio.sentTo(phone).filter((m) => m.body === 'Vi kommer i morgen kl. 10');
    expect(atTwilio).toHaveLength(2);
    expect(new Set([first.twilioSid, second.twilioSid])).toEqual(new Set(atTwilio.map((m) => m.sid)));
    expect(second.sendAttempts).toBe(2);
  }, 45_000);

  it('texts once when two runs of the send job overlap (a job handed back while its first run still works)', async () => {
    const { lead, phone } = await createLead(main);
    const text = await ownerDb().smsMessage.create({
      data: {
        tenantId: main.tenant.id,
        leadId: lead.id,
        direction: 'outbound',
        phone,
        body: 'Vi kommer torsdag kl. 10.00',
      },
    });
    const worker = test.app.get(WorkerService);
    const payload = { tenantId: main.tenant.id, smsMessageId: text.id };
    const firstAttempt = { name: 'sms.send', attemptsMade: 0, opts: { attempts: 6 } } as Job<typeof payload>;
    const run = () => worker.perform('sms.send', payload, firstAttempt);
    const outcomes = await Promise.allSettled([run(), run()]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    // The run that stood back retries later and finds the text sent.
    expect(await run()).toBe('sent');
    expect(twilio.sentTo(phone)).toHaveLength(1);
    expect(await ownerDb().smsMessage.findUniqueOrThrow({ where: { id: text.id } })).toMatchObject({
      status: 'sent',
      sendAttempts: 1,
    });
  });

  it('keeps texts to their tenant and role: another tenant sees none, a viewer cannot send, staff only their leads', async () => {
    const { lead, phone } = await createLead(main);
    const sent = await test.app.inject({
      method: 'POST',
      url: '/api/sms',
      headers: main.admin.auth,
      payload: { leadId: lead.id, body: 'Hemmelig besked til kunden' },
    });
    expect(sent.statusCode).toBe(201);
    const other = await setupTenant('Anden Rengøring');
    const theirs = await test.app.inject({
      method: 'GET',
      url: '/api/sms?pageSize=100',
      headers: other.admin.auth,
    });
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain(phone);
    expect(theirs.body).not.toContain('Hemmelig besked');
    for (const [method, url, payload] of [
      ['GET', `/api/sms?leadId=${lead.id}`, undefined],
      ['POST', '/api/sms', { leadId: lead.id, body: 'Hej' }],
      ['POST', `/api/leads/${lead.id}/send-booking-options`, undefined],
    ] as const) {
      const response = await test.app.inject({ method, url, payload, headers: other.admin.auth });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    const viewer = await signIn(test.app, main.tenant.id, 'viewer');
    const refused = await test.app.inject({
      method: 'POST',
      url: '/api/sms',
      headers: viewer.auth,
      payload: { leadId: lead.id, body: 'Hej' },
    });
    expect(refused.statusCode).toBe(403);
    const staff = await signIn(test.app, main.tenant.id, 'staff');
    const unassigned = await test.app.inject({
      method: 'POST',
      url: `/api/leads/${lead.id}/send-booking-options`,
      headers: staff.auth,
    });
    expect(unassigned.statusCode).toBe(404);
    const staffList = await test.app.inject({
      method: 'GET',
      url: '/api/sms?pageSize=100',
      headers: staff.auth,
    });
    expect(staffList.json().data).toEqual([]);
  });

  it('reminds confirmed bookings in the next 24 hours once, by text and e-mail', async () => {
    const { lead, phone } = await createLead(main);
    const startsAt = new Date(Date.now() + 20 * 3600_000);
    startsAt.setUTCMinutes(0, 0, 0);
    const created = await test.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: main.admin.auth,
      payload: { leadId: lead.id, startsAt: startsAt.toISOString(), durationHours: 2 },
    });
    expect(created.statusCode).toBe(201);
    const bookingId = created.json().id as string;
    const processor = test.app.get(SmsRemindersProcessor);
    await processor.handle({});
    await processor.handle({});
    const reminder = await eventually(
      async () => twilio.sentTo(phone).find((m) => m.body.startsWith('Påmindelse')),
      { what: 'reminder' },
    );
    expect(reminder.body).toContain('Søndergade 4, 8000 Aarhus C');
    // "Påmindelse: Vi kommer mandag d. 7. december kl. 19.00 til …": Danish writes the time with a period.
    expect(reminder.body).toMatch(/^Påmindelse: Vi kommer [a-zæøå]+dag d\. \d+\. \w+ kl\. \d\d\.00 til /);
    await drainTenant(test.app, main.tenant.id);
    expect(twilio.sentTo(phone).filter((m) => m.body.startsWith('Påmindelse'))).toHaveLength(1);
    expect(
      (await ownerDb().booking.findUniqueOrThrow({ where: { id: bookingId } })).reminderSentAt,
    ).not.toBeNull();
    expect(
      await ownerDb().outboundEmail.count({ where: { subjectId: bookingId, type: 'booking_reminder' } }),
    ).toBe(1);
    const reminderEmail = await ownerDb().outboundEmail.findFirstOrThrow({
      where: { subjectId: bookingId, type: 'booking_reminder' },
    });
    expect(reminderEmail.subject).toMatch(
      /^Påmindelse: vi kommer [a-zæøå]+dag d\. \d+\. [a-z]+ \d{4} kl\. \d\d\.00$/,
    );

    // Moved to a new time after the reminder: the customer is reminded of the new time, once.
    const moved = await test.app.inject({
      method: 'PATCH',
      url: `/api/bookings/${bookingId}`,
      headers: main.admin.auth,
      payload: { startsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString() },
    });
    expect(moved.statusCode).toBe(200);
    await processor.handle({});
    await processor.handle({});
    await eventually(
      async () => twilio.sentTo(phone).filter((m) => m.body.startsWith('Påmindelse')).length === 2,
      { what: 'the reminder of the new time' },
    );
    await drainTenant(test.app, main.tenant.id);
    expect(twilio.sentTo(phone).filter((m) => m.body.startsWith('Påmindelse'))).toHaveLength(2);
    expect(
      await ownerDb().outboundEmail.count({ where: { subjectId: bookingId, type: 'booking_reminder' } }),
    ).toBe(2);
  });
});
