import { randomBytes, randomUUID } from 'node:crypto';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { WorkerService } from '../../src/core/queue/worker.service.js';
import type { JobName, JobPayloads } from '../../src/core/queue/jobs.js';
import { FakeCloud } from '../fakes/cloud.js';
import type { SignedWebhook } from '../fakes/twilio.fake.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { upcomingLocal } from '../support/clock.js';
import { drainTenant } from '../support/drain.js';
import { eventually } from '../support/eventually.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';
import { newPhone } from '../support/http.js';

/**
 * Nothing waits unseen (issue 15, step 4), from the staff's side: each event comes through its real
 * path (the Twilio webhook, the intake, a failing send, a rejected key, an offer nobody answers) and
 * shows once in GET /notifications, with one e-mail to the tenant's notification address in the fake
 * Gmail, however often the webhook or job is delivered. Read/unread and tenant isolation hold.
 */

const PUBLIC_BASE_URL = 'https://renos.test';
const INBOUND_URL = `${PUBLIC_BASE_URL}/api/webhooks/twilio/sms`;
const REFRESH_TOKEN = '1//notifications-refresh';
const NOTIFY_TO = `kontor-${randomUUID().slice(0, 8)}@firma-a.dk`;

interface Notice {
  id: string;
  kind: string;
  title: string;
  leadId?: string;
  bookingId?: string;
  createdAt: string;
  readAt: string | null;
}

describe('staff notifications', () => {
  const mailbox = `info-${randomUUID().slice(0, 8)}@firma-a.dk`;
  // Gmail and Calendar behind one root URL, as googleapis expects: the offer reads free/busy.
  const cloud = new FakeCloud({ appUrl: PUBLIC_BASE_URL, gmailAddress: mailbox });
  const { twilio, gmail } = cloud;
  let test: TestApp;
  let tenant: TenantFixture;
  let admin: Session;
  let staff: Session;
  let other: { tenant: TenantFixture; admin: Session };
  let accountSid: string;
  let authToken: string;
  let smsNumber: string;
  /** A Tuesday 10.00: outside the quiet hours (21.00–08.00), so texts go out at once. */
  const tuesday = upcomingLocal({ weekday: 2, time: '10:00' });

  const request = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    session: Session,
    payload?: object,
  ) => test.app.inject({ method, url, headers: session.auth, payload });

  const feed = async (session: Session, query = ''): Promise<{ data: Notice[]; meta: { total: number } }> => {
    const response = await request('GET', `/api/notifications${query}`, session);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  /** The tenant's notifications of one kind about one thing (a lead, a text), as the feed lists them. */
  const noticesOf = async (kind: string, match: (notice: Notice) => boolean = () => true) =>
    (await feed(admin, '?pageSize=100')).data.filter((notice) => notice.kind === kind && match(notice));

  const mailsAbout = (title: string) =>
    gmail.sent().filter((mail) => mail.to?.includes(NOTIFY_TO) && mail.subject === `RenOS: ${title}`);

  const perform = <N extends JobName>(name: N, payload: JobPayloads[N]) =>
    test.app.get(WorkerService).perform(name, payload);

  const post = (webhook: SignedWebhook) =>
    test.app.inject({
      method: 'POST',
      url: webhook.path,
      headers: webhook.headers,
      payload: webhook.payload,
    });

  async function createLead(overrides: Record<string, unknown> = {}) {
    const phone = newPhone();
    const response = await request('POST', '/api/leads', admin, {
      customerName: 'Zoë Brontë',
      customerPhone: phone.typed,
      serviceType: 'Hovedrengøring',
      address: 'Søndergade 4',
      postalCode: '8000',
      city: 'Aarhus C',
      estimatedHours: 3,
      ...overrides,
    });
    expect(response.statusCode, response.body).toBe(201);
    return { leadId: (response.json() as { id: string }).id, phone: phone.e164, typed: phone.typed };
  }

  async function offered(leadId: string, phone: string) {
    expect(await perform('sms.offer', { tenantId: tenant.id, leadId })).toMatchObject({ outcome: 'sent' });
    await eventually(async () => twilio.sentTo(phone)[0], { what: 'the offer text' });
    return ownerDb().smsMessage.findFirstOrThrow({
      where: { tenantId: tenant.id, leadId, type: 'booking_options' },
    });
  }

  beforeAll(async () => {
    await cloud.start();
    test = await bootTestApp({
      env: {
        TWILIO_API_BASE_URL: twilio.url,
        PUBLIC_BASE_URL,
        GOOGLE_API_BASE_URL: cloud.googleRootUrl,
        GOOGLE_OAUTH_TOKEN_URL: cloud.oauth.tokenUrl,
      },
    });
    test.clock.set(tuesday);
    tenant = await createTenant('Firma A');
    smsNumber = `+4579${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
    await ownerDb().tenant.update({ where: { id: tenant.id }, data: { smsNumber, gmailAddress: mailbox } });
    admin = await signIn(test.app, tenant.id, 'admin');
    staff = await signIn(test.app, tenant.id, 'staff');
    accountSid = `AC${tenant.id.replace(/-/g, '')}`;
    authToken = randomBytes(16).toString('hex');
    twilio.addAccount(accountSid, authToken);
    for (const [provider, payload] of [
      ['twilio', { accountSid, authToken, phoneNumber: smsNumber }],
      [
        'google',
        {
          clientId: 'notifications.apps.googleusercontent.com',
          clientSecret: 'GOCSPX-notifications',
          refreshToken: REFRESH_TOKEN,
          gmailAddress: mailbox,
        },
      ],
    ] as const) {
      const stored = await request('PUT', `/api/integrations/${provider}`, admin, payload);
      expect(stored.statusCode, stored.body).toBe(200);
    }
    // The address is a tenant setting like any other.
    const patched = await request('PATCH', '/api/tenant', admin, { notificationEmail: NOTIFY_TO });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ notificationEmail: NOTIFY_TO, offerReminderMinutes: 240 });

    const otherTenant = await createTenant('Firma B');
    other = { tenant: otherTenant, admin: await signIn(test.app, otherTenant.id, 'admin') };
  });

  afterAll(async () => {
    await test?.close();
    await cloud.close();
  });

  beforeEach(() => {
    twilio.unsubscribed.clear();
  });

  it('tells staff once of a reply the grammar cannot read, however often Twilio delivers it; read/unread and tenants apart', async () => {
    const { leadId, phone } = await createLead();
    await offered(leadId, phone);
    const text = twilio.inboundSms(INBOUND_URL, {
      accountSid,
      from: phone,
      to: smsNumber,
      body: 'kan I komme torsdag i stedet?',
    });
    for (let i = 0; i < 3; i += 1) expect((await post(text)).statusCode).toBe(200);
    await drainTenant(test.app, tenant.id);

    const title = 'Svar fra kunde kræver en person: »kan I komme torsdag i stedet?«';
    const unread = await feed(admin, '?unread=true&pageSize=100');
    const notices = unread.data.filter((notice) => notice.leadId === leadId);
    expect(notices).toEqual([
      {
        id: expect.any(String),
        kind: 'sms_reply_unreadable',
        title,
        leadId,
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
        readAt: null,
      },
    ]);
    await eventually(async () => mailsAbout(title).length === 1, { what: 'the notification e-mail' });
    await drainTenant(test.app, tenant.id);
    const [mail] = mailsAbout(title);
    expect(mailsAbout(title)).toHaveLength(1);
    expect(mail!.parsed.text).toContain(title);
    expect(mail!.parsed.text).toContain('SMS: »kan I komme torsdag i stedet?«');
    expect(mail!.parsed.text).toContain('notifikationsadressen for Firma A');

    // Read: out of the unread list, still in the feed; reading it again changes nothing.
    const id = notices[0]!.id;
    const read = await request('POST', `/api/notifications/${id}/read`, admin);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id, readAt: expect.stringMatching(/Z$/) });
    const again = await request('POST', `/api/notifications/${id}/read`, admin);
    expect(again.json().readAt).toBe(read.json().readAt);
    expect((await feed(admin, '?unread=true&pageSize=100')).data.map((n) => n.id)).not.toContain(id);
    expect((await feed(admin, '?unread=false&pageSize=100')).data.map((n) => n.id)).toContain(id);

    // Another tenant sees none of it, and its id is a 404 there, as a missing one.
    expect((await feed(other.admin)).data).toEqual([]);
    expect((await request('POST', `/api/notifications/${id}/read`, other.admin)).statusCode).toBe(404);
    expect((await request('POST', `/api/notifications/${randomUUID()}/read`, admin)).statusCode).toBe(404);
    expect((await request('POST', '/api/notifications/nope/read', admin)).statusCode).toBe(400);
    expect((await request('GET', '/api/notifications?unread=maybe', admin)).statusCode).toBe(400);
    // STAFF see only their own leads, and a notification names any customer.
    expect((await request('GET', '/api/notifications', staff)).statusCode).toBe(403);

    // The customer did answer: the offer's reminder is not sent.
    const offer = await ownerDb().smsMessage.findFirstOrThrow({ where: { leadId, type: 'booking_options' } });
    expect(await perform('sms.offer-reminder', { tenantId: tenant.id, smsMessageId: offer.id })).toBe(
      'answered',
    );
  });

  it('tells staff once of a lead from the intake that needs a person (no phone), and not again for the same mail', async () => {
    const name = `Hanne ${randomUUID().slice(0, 6)} Mortensen`;
    const mail = [
      'From: Leadpoint.dk <system@leadpoint.dk>',
      'Subject: Nyt lead',
      '',
      'Du har modtaget en ny forespørgsel via Leadpoint.dk.',
      '',
      'KUNDENS OPLYSNINGER',
      `Navn: ${name}`,
      'Adresse: Amagerbrogade 112, 3. tv.',
      'Postnr. og by: 2300 København S',
      '',
      'OPGAVEN',
      'Kategori: Rengøring › Flytterengøring',
      'Boligareal: 78 m²',
    ].join('\n');
    const first = await request('POST', '/api/leads/intake', admin, { text: mail });
    expect(first.statusCode, first.body).toBe(201);
    const leadId = (first.json() as { lead: { id: string } }).lead.id;
    expect((await request('POST', '/api/leads/intake', admin, { text: mail })).statusCode).toBe(409);
    await drainTenant(test.app, tenant.id);

    const title = `Nyt lead kræver en person: ${name} har ikke opgivet et telefonnummer`;
    expect(await noticesOf('lead_needs_attention', (n) => n.leadId === leadId)).toEqual([
      expect.objectContaining({ title, leadId, readAt: null }),
    ]);
    await eventually(async () => mailsAbout(title).length === 1, { what: 'the notification e-mail' });
    await drainTenant(test.app, tenant.id);
    expect(mailsAbout(title)).toHaveLength(1);
  });

  it('tells staff once of a text that failed for good: refused by Twilio, or reported undelivered twice', async () => {
    const { leadId, phone, typed } = await createLead();
    // Twilio refuses the number (give_up): the text fails at once, for good.
    twilio.failNext(400, 21211, "The 'To' number is not a valid phone number");
    const refused = await request('POST', '/api/sms', admin, {
      leadId,
      body: 'Hej Zoë, vi ringer i morgen.',
    });
    expect(refused.statusCode, refused.body).toBe(201);
    await drainTenant(test.app, tenant.id);
    const title = `SMS kunne ikke sendes til Zoë Brontë (${typed}): Twilio afviste forespørgslen`;
    expect(await noticesOf('sms_failed', (n) => n.leadId === leadId)).toEqual([
      expect.objectContaining({ title, leadId }),
    ]);

    // A text that left but never arrived: Twilio's callback, delivered twice, tells staff once.
    const sent = await request('POST', '/api/sms', admin, { leadId, body: 'Hej Zoë, ring gerne tilbage.' });
    expect(sent.statusCode).toBe(201);
    const message = await eventually(async () => twilio.sentTo(phone)[0], { what: 'the second text' });
    const callback = twilio.statusCallback(message.sid, 'undelivered', { errorCode: 30003 });
    for (let i = 0; i < 2; i += 1) expect((await post(callback)).statusCode).toBe(200);
    await drainTenant(test.app, tenant.id);
    const undelivered = `SMS kunne ikke sendes til Zoë Brontë (${typed}): beskeden blev ikke leveret (fejlkode 30003)`;
    const notices = await noticesOf('sms_failed', (n) => n.leadId === leadId);
    expect(notices.map((n) => n.title).sort()).toEqual([title, undelivered].sort());
    await eventually(async () => mailsAbout(title).length === 1 && mailsAbout(undelivered).length === 1, {
      what: 'the two notification e-mails',
    });
    await drainTenant(test.app, tenant.id);
    expect(mailsAbout(title)).toHaveLength(1);
    expect(mailsAbout(undelivered)).toHaveLength(1);
  });

  it('tells staff once that an integration needs attention while its key stays rejected', async () => {
    const { leadId } = await createLead();
    twilio.failNext(401, 20003, 'Authenticate', 3);
    for (const body of ['Første besked', 'Anden besked', 'Tredje besked']) {
      expect((await request('POST', '/api/sms', admin, { leadId, body })).statusCode).toBe(201);
      await drainTenant(test.app, tenant.id);
    }
    const title = 'Twilio kræver handling: Twilio afviste adgangen; forbind igen under Integrationer';
    expect(await noticesOf('integration_needs_attention')).toEqual([expect.objectContaining({ title })]);
    expect((await noticesOf('integration_needs_attention'))[0]!.leadId).toBeUndefined();
    await eventually(async () => mailsAbout(title).length === 1, { what: 'the notification e-mail' });
    // Each text that did not go out is its own notification.
    expect(await noticesOf('sms_failed', (n) => n.leadId === leadId)).toHaveLength(3);

    // An admin enters the key again and it works: the flag goes down, and a later rejection is news again.
    const stored = await request('PUT', '/api/integrations/twilio', admin, {
      accountSid,
      authToken,
      phoneNumber: smsNumber,
    });
    expect(stored.statusCode).toBe(200);
    expect((await request('POST', '/api/sms', admin, { leadId, body: 'Virker det nu?' })).statusCode).toBe(
      201,
    );
    await drainTenant(test.app, tenant.id);
    twilio.failNext(401, 20003, 'Authenticate');
    expect((await request('POST', '/api/sms', admin, { leadId, body: 'Og nu?' })).statusCode).toBe(201);
    await drainTenant(test.app, tenant.id);
    expect(await noticesOf('integration_needs_attention')).toHaveLength(2);
  });

  it('reminds an unanswered offer once after the tenant’s time, outside quiet hours, then flags the lead for a call when it lapses', async () => {
    test.clock.set(tuesday);
    const { leadId, phone } = await createLead({ customerName: 'Christoffer Hansen' });
    const sentAt = test.clock.now();
    const offer = await offered(leadId, phone);
    const slots = await ownerDb().slotOffer.findMany({ where: { smsMessageId: offer.id } });
    const followUps = await ownerDb().outboxJob.findMany({
      where: { tenantId: tenant.id, jobName: { in: ['sms.offer-reminder', 'sms.offer-lapsed'] } },
    });
    const rowOf = (name: string) =>
      followUps.find(
        (row) => row.jobName === name && (row.payload as { smsMessageId: string }).smsMessageId === offer.id,
      );
    // Written with the offer, for later: the reminder after 240 minutes, the lapse when the hold ends.
    expect(rowOf('sms.offer-reminder')!.availableAt.getTime() - sentAt.getTime()).toBeGreaterThanOrEqual(
      240 * 60_000,
    );
    expect(rowOf('sms.offer-reminder')!.availableAt.getTime() - sentAt.getTime()).toBeLessThan(241 * 60_000);
    expect(rowOf('sms.offer-lapsed')!.availableAt).toEqual(slots[0]!.expiresAt);
    expect(rowOf('sms.offer-reminder')!.status).toBe('pending');

    const payload = { tenantId: tenant.id, smsMessageId: offer.id };
    // Due in the quiet hours (22.00): it waits for them to end, 08.00 the next morning.
    test.clock.set(new Date(sentAt.getTime() + 12 * 3600_000));
    expect(await perform('sms.offer-reminder', payload)).toBe('after the quiet hours');
    expect(twilio.sentTo(phone)).toHaveLength(1);
    const later = await ownerDb().outboxJob.findFirstOrThrow({
      where: {
        tenantId: tenant.id,
        jobName: 'sms.offer-reminder',
        status: 'pending',
        payload: { path: ['smsMessageId'], equals: offer.id },
      },
      orderBy: { createdAt: 'desc' },
    });
    expect(later.availableAt).toEqual(new Date(tuesday.getTime() + 22 * 3600_000));

    // At 08.05 it goes out, once, however often the job runs.
    test.clock.set(new Date(tuesday.getTime() + 22 * 3600_000 + 5 * 60_000));
    expect(await perform('sms.offer-reminder', payload)).toBe('reminded');
    expect(await perform('sms.offer-reminder', payload)).toBe('already reminded');
    await drainTenant(test.app, tenant.id);
    const texts = twilio.sentTo(phone);
    expect(texts).toHaveLength(2);
    expect(texts[1]!.body).toMatch(
      /^Hej Christoffer, vi har endnu ikke hørt fra dig\. Svar (1, )?2 eller 3 på SMS'en med ledige tider senest \w+dag d\. \d+\. \w+ kl\. 10\.00\. Mvh Firma A$/,
    );
    expect(await ownerDb().smsMessage.count({ where: { leadId, type: 'offer_reminder' } })).toBe(1);

    // Before the offer lapses, the lapse job does nothing; after, the lead is flagged and staff told, once.
    expect(await perform('sms.offer-lapsed', payload)).toBe('not lapsed yet');
    test.clock.set(new Date(slots[0]!.expiresAt.getTime() + 60_000));
    expect(await perform('sms.offer-lapsed', payload)).toBe('flagged');
    expect(await perform('sms.offer-lapsed', payload)).toBe('already flagged');
    await drainTenant(test.app, tenant.id);
    const lead = (await request('GET', `/api/leads/${leadId}`, admin)).json();
    expect(lead).toMatchObject({
      needsAttention: true,
      needsAttentionReason: 'Intet svar på SMS med tider: ring kunden op',
    });
    const title = 'Intet svar på SMS med tider: ring til Christoffer Hansen';
    expect(await noticesOf('offer_unanswered', (n) => n.leadId === leadId)).toEqual([
      expect.objectContaining({ title, leadId }),
    ]);
    await eventually(async () => mailsAbout(title).length === 1, { what: 'the notification e-mail' });
    await drainTenant(test.app, tenant.id);
    expect(mailsAbout(title)).toHaveLength(1);
    // No further text to the customer: the call is staff's.
    expect(twilio.sentTo(phone)).toHaveLength(2);
    test.clock.set(tuesday);
  });

  it('without a notification address, lists the notification and sends no e-mail', async () => {
    expect((await request('PATCH', '/api/tenant', admin, { notificationEmail: null })).statusCode).toBe(200);
    try {
      const { leadId, phone } = await createLead();
      await offered(leadId, phone);
      const before = gmail.sent().length;
      await post(
        twilio.inboundSms(INBOUND_URL, { accountSid, from: phone, to: smsNumber, body: 'Ring mig op' }),
      );
      await drainTenant(test.app, tenant.id);
      expect(await noticesOf('sms_reply_unreadable', (n) => n.leadId === leadId)).toHaveLength(1);
      expect(gmail.sent().length).toBe(before);
    } finally {
      await request('PATCH', '/api/tenant', admin, { notificationEmail: NOTIFY_TO });
    }
  });
});
