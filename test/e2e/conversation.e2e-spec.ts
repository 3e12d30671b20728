import { randomBytes, randomUUID } from 'node:crypto';

import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { WorkerService } from '../../src/core/queue/worker.service.js';
import { FakeCloud } from '../fakes/cloud.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { upcomingLocal } from '../support/clock.js';
import { drainTenant } from '../support/drain.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';
import { newPhone } from '../support/http.js';

/**
 * One customer, one conversation (issue 15, step 6), from the customer's side: the same person asking
 * through two portals within the tenant's window gets one reply e-mail and one SMS offer, and staff
 * see both sources on the first lead; outside the window, or after the first lead was lost, it is a new
 * conversation; two imports of the same customer at once still make one. A company's lead keeps the
 * company's name and CVR into the customer and its Billy contact; an invoice Billy will not e-mail
 * shows in the staff's notifications with its invoiceId.
 */

const PUBLIC_BASE_URL = 'https://renos.test';
const DAY_MS = 86_400_000;

interface IntakeJson {
  lead: { id: string; conversationLeadId: string | null; customerId: string | null; source: string };
  replyQueued: boolean;
  smsOfferQueued: boolean;
}

/** A customer as the portals write them: a fresh phone and e-mail per test, so tests stay apart. */
function newCustomer(first = 'Mette') {
  const phone = newPhone();
  const tag = randomUUID().slice(0, 8);
  return { name: `${first} Holm ${tag}`, email: `${first.toLowerCase()}.${tag}@kunde.dk`, phone };
}
type Customer = ReturnType<typeof newCustomer>;

const leadpointMail = (customer: Customer, extra: string[] = []) =>
  [
    'From: Leadpoint.dk <system@leadpoint.dk>',
    'Subject: Nyt lead: Flytterengøring – 2300 København S',
    '',
    'Du har modtaget en ny forespørgsel via Leadpoint.dk.',
    '',
    `Lead-ID: LP-${randomUUID().slice(0, 8)}`,
    'Kategori: Rengøring › Flytterengøring',
    '',
    'KUNDENS OPLYSNINGER',
    `Navn: ${customer.name}`,
    ...extra,
    `E-mail: ${customer.email}`,
    `Telefon: ${customer.phone.typed}`,
    'Adresse: Amagerbrogade 112, 3. tv.',
    'Postnr. og by: 2300 København S',
    '',
    'OPGAVEN',
    'Boligareal: 78 m²',
  ].join('\n');

const leadmailMail = (customer: Customer) =>
  [
    'From: Leadmail <kontakt@leadmail.no>',
    'Subject: Ny henvendelse via Leadmail.no: Flytterengøring',
    '',
    'Ny henvendelse via Leadmail.no – svar kunden inden for 24 timer.',
    '',
    `Ref: LM-${randomUUID().slice(0, 8)}`,
    'Type tjeneste: Flytterengøring',
    `Navn: ${customer.name}`,
    // Another spelling of the same address: e-mail is matched in any case.
    `E-mail: ${customer.email.toUpperCase()}`,
    `Telefon: +45 ${customer.phone.typed}`,
    'Adresse: Amagerbrogade 112, 3. tv., 2300 København S',
    'Størrelse på bolig: 78 m2',
  ].join('\n');

describe('one customer, one conversation', () => {
  const mailbox = `info-${randomUUID().slice(0, 8)}@firma-samtale.dk`;
  const cloud = new FakeCloud({ appUrl: PUBLIC_BASE_URL, gmailAddress: mailbox });
  const { twilio, gmail, billy } = cloud;
  let test: TestApp;
  let tenant: TenantFixture;
  let admin: Session;

  const request = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    test.app.inject({ method, url, headers: admin.auth, payload });

  async function paste(text: string): Promise<IntakeJson> {
    const response = await request('POST', '/api/leads/intake', { text });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  /** The first replies the customer got by e-mail (never the staff notifications). */
  const repliesTo = (customer: Customer) =>
    gmail.sent().filter((mail) => mail.to?.toLowerCase().includes(customer.email.toLowerCase()));
  const offersTo = (customer: Customer) => twilio.sentTo(customer.phone.e164);

  beforeAll(async () => {
    await cloud.start();
    test = await bootTestApp({
      env: {
        TWILIO_API_BASE_URL: twilio.url,
        PUBLIC_BASE_URL,
        GOOGLE_API_BASE_URL: cloud.googleRootUrl,
        GOOGLE_OAUTH_TOKEN_URL: cloud.oauth.tokenUrl,
        BILLY_API_BASE_URL: billy.apiBaseUrl,
      },
    });
    // 10.00 today in the tenant's zone: outside the quiet hours, so the offer goes out at once, and
    // within a day of the database's own createdAt, which the conversation window is measured on.
    const today = DateTime.now().setZone('Europe/Copenhagen').weekday;
    test.clock.set(upcomingLocal({ weekday: today, time: '10:00', afterDays: 0 }));
    tenant = await createTenant('Firma Samtale');
    const smsNumber = `+4578${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
    await ownerDb().tenant.update({
      where: { id: tenant.id },
      data: {
        smsNumber,
        gmailAddress: mailbox,
        leadSenderDomains: ['leadpoint.dk', 'leadmail.no'],
      },
    });
    admin = await signIn(test.app, tenant.id, 'admin');
    const accountSid = `AC${tenant.id.replace(/-/g, '')}`;
    const authToken = randomBytes(16).toString('hex');
    twilio.addAccount(accountSid, authToken);
    for (const [provider, payload] of [
      ['twilio', { accountSid, authToken, phoneNumber: smsNumber }],
      [
        'google',
        {
          clientId: 'conversation.apps.googleusercontent.com',
          clientSecret: 'GOCSPX-conversation',
          refreshToken: '1//conversation-refresh',
          gmailAddress: mailbox,
        },
      ],
      ['billy', { apiKey: billy.accessToken, organizationId: billy.organizationId }],
    ] as const) {
      const stored = await request('PUT', `/api/integrations/${provider}`, payload);
      expect(stored.statusCode, stored.body).toBe(200);
    }
  });

  afterAll(async () => {
    await test?.close();
    await cloud.close();
  });

  it('answers a customer who asks through two portals once: one reply, one SMS offer, both sources on the first lead', async () => {
    const customer = newCustomer();
    const first = await paste(leadpointMail(customer));
    expect(first).toMatchObject({ replyQueued: true, smsOfferQueued: true });
    expect(first.lead.conversationLeadId).toBeNull();

    const second = await paste(leadmailMail(customer));
    expect(second).toMatchObject({ replyQueued: false, smsOfferQueued: false });
    expect(second.lead).toMatchObject({ conversationLeadId: first.lead.id, source: 'leadmail' });
    expect(second.lead.customerId).toBe(first.lead.customerId);
    await drainTenant(test.app, tenant.id);

    expect(repliesTo(customer)).toHaveLength(1);
    expect(offersTo(customer)).toHaveLength(1);

    const detail = await request('GET', `/api/leads/${first.lead.id}`);
    expect(detail.statusCode, detail.body).toBe(200);
    const body = detail.json();
    expect(body.source).toBe('leadpoint');
    expect(body.conversationLeadId).toBeNull();
    expect(body.linkedLeads).toEqual([
      {
        id: second.lead.id,
        source: 'leadmail',
        customerName: customer.name,
        serviceType: 'Flytterengøring',
        createdAt: expect.stringMatching(/Z$/),
      },
    ]);
    const titles = (body.activities as { title: string }[]).map((activity) => activity.title);
    expect(titles).toContain('Samme kunde henvendte sig igen via Leadmail.no');

    // The same mail pasted again is still the lead it made (409), not a third source of itself.
    const again = await request('POST', '/api/leads/intake', { text: leadmailMail(customer) });
    expect(again.statusCode).toBe(201); // a new Ref: line makes it another mail …
    const sameText = leadpointMail(customer);
    expect((await request('POST', '/api/leads/intake', { text: sameText })).statusCode).toBe(201);
    const duplicate = await request('POST', '/api/leads/intake', { text: sameText });
    expect(duplicate.statusCode, duplicate.body).toBe(409);
    await drainTenant(test.app, tenant.id);
    expect(repliesTo(customer)).toHaveLength(1);
    expect(offersTo(customer)).toHaveLength(1);
    const linked = await request('GET', `/api/leads/${first.lead.id}`);
    expect(linked.json().linkedLeads).toHaveLength(3);
  });

  it('starts a new conversation outside the window and after the first lead was lost', async () => {
    // Outside the window: the first lead is eight days old (the tenant's window is seven).
    const late = newCustomer('Karen');
    const old = await paste(leadpointMail(late));
    await ownerDb().lead.update({
      where: { id: old.lead.id },
      data: { createdAt: new Date(test.clock.now().getTime() - 8 * DAY_MS) },
    });
    const fresh = await paste(leadmailMail(late));
    expect(fresh).toMatchObject({ replyQueued: true, smsOfferQueued: true });
    expect(fresh.lead.conversationLeadId).toBeNull();

    // Lost: the customer said no; asking again is a new start, with its own reply and offer.
    const lost = newCustomer('Jens');
    const gone = await paste(leadpointMail(lost));
    const moved = await request('POST', `/api/leads/${gone.lead.id}/status`, { status: 'lost' });
    expect(moved.statusCode, moved.body).toBe(200);
    const anew = await paste(leadmailMail(lost));
    expect(anew).toMatchObject({ replyQueued: true, smsOfferQueued: true });
    expect(anew.lead.conversationLeadId).toBeNull();
    await drainTenant(test.app, tenant.id);
    expect(repliesTo(late)).toHaveLength(2);
    expect(repliesTo(lost)).toHaveLength(2);
  });

  it('links leads typed in by staff too (a company among them), and a window of 0 days never links; the window is a validated setting', async () => {
    const customer = newCustomer('Lone');
    const typed = {
      customerName: customer.name,
      customerPhone: customer.phone.typed,
      serviceType: 'Hovedrengøring',
      address: 'Søndergade 4',
      postalCode: '8000',
      city: 'Aarhus C',
      estimatedHours: 3,
    };
    const first = await request('POST', '/api/leads', typed);
    expect(first.statusCode, first.body).toBe(201);
    const second = await request('POST', '/api/leads', { ...typed, source: 'email' });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().conversationLeadId).toBe(first.json().id);
    const activities = await request('GET', `/api/leads/${first.json().id}/activities`);
    expect(activities.json().data.map((a: { title: string }) => a.title)).toContain(
      'Samme kunde henvendte sig igen via e-mail',
    );

    // A company typed in by staff is a company customer too; a CVR that is not 8 digits is refused.
    const company = newCustomer('Ole');
    const companyLead = {
      ...typed,
      customerName: company.name,
      customerPhone: company.phone.typed,
      companyName: 'Odense Tandklinik I/S',
      cvr: '23456789',
    };
    const badCvr = await request('POST', '/api/leads', { ...companyLead, cvr: '2345' });
    expect(badCvr.statusCode).toBe(400);
    expect(badCvr.body).toContain('cvr');
    const typedCompany = await request('POST', '/api/leads', companyLead);
    expect(typedCompany.statusCode, typedCompany.body).toBe(201);
    const companyCustomer = await request('GET', `/api/customers/${typedCompany.json().customerId}`);
    expect(companyCustomer.json()).toMatchObject({
      kind: 'company',
      companyName: 'Odense Tandklinik I/S',
      cvr: '23456789',
    });

    const tooLong = await request('PATCH', '/api/tenant', { conversationDays: 91 });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('conversationDays');
    const off = await request('PATCH', '/api/tenant', { conversationDays: 0 });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().conversationDays).toBe(0);
    try {
      const third = await request('POST', '/api/leads', typed);
      expect(third.statusCode, third.body).toBe(201);
      expect(third.json().conversationLeadId).toBeNull();
    } finally {
      await request('PATCH', '/api/tenant', { conversationDays: 7 });
    }
  });

  it('makes one conversation of two mails of one customer imported at the same moment by two workers', async () => {
    const customer = newCustomer('Sofie');
    const ids = [leadpointMail(customer), leadmailMail(customer)].map((text) => {
      const [from, subject] = text.split('\n') as [string, string];
      return gmail.addMessage({
        mailbox,
        from: from.replace(/^From: /, ''),
        to: mailbox,
        subject: subject.replace(/^Subject: /, ''),
        text: text.split('\n').slice(3).join('\n'),
      }).id;
    });
    const worker = test.app.get(WorkerService);
    const outcomes = await Promise.all(
      ids.map((messageId) => worker.perform('intake.import-message', { tenantId: tenant.id, messageId })),
    );
    expect(outcomes).toHaveLength(2);
    await drainTenant(test.app, tenant.id);

    const leads = await ownerDb().lead.findMany({
      where: { tenantId: tenant.id, sourceMessageId: { in: ids } },
      orderBy: { createdAt: 'asc' },
    });
    expect(leads).toHaveLength(2);
    const roots = leads.filter((lead) => lead.conversationLeadId === null);
    expect(roots).toHaveLength(1);
    expect(leads.find((lead) => lead.conversationLeadId !== null)?.conversationLeadId).toBe(roots[0]!.id);
    expect(repliesTo(customer)).toHaveLength(1);
    expect(offersTo(customer)).toHaveLength(1);

    // Redelivered imports change nothing.
    for (const messageId of ids)
      expect(await worker.perform('intake.import-message', { tenantId: tenant.id, messageId })).toBe(
        'duplicate',
      );
  });

  it("keeps a company's name and CVR into the customer and its Billy contact; an invoice Billy will not e-mail is a notification", async () => {
    const customer = newCustomer('Hanne');
    const intake = await paste(
      leadpointMail(customer, ['Firma: Fynsk Revision ApS', 'CVR-nr.: 12 34 56 78']),
    );
    const customerId = intake.lead.customerId!;
    // The reply and the offer go out first, as they would before anyone books the job.
    await drainTenant(test.app, tenant.id);
    const read = await request('GET', `/api/customers/${customerId}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({
      name: customer.name,
      kind: 'company',
      companyName: 'Fynsk Revision ApS',
      cvr: '12345678',
    });

    // Booked, done and invoiced: Billy gets a company contact with the CVR, the person as its contact.
    const startsAt = DateTime.fromJSDate(test.clock.now()).plus({ days: 30 }).set({ hour: 9, minute: 0 });
    const booked = await request('POST', '/api/bookings', {
      leadId: intake.lead.id,
      startsAt: startsAt.toUTC().toISO(),
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const done = await request('POST', `/api/bookings/${booked.json().id}/complete`, { hoursWorked: 4 });
    expect(done.statusCode, done.body).toBe(200);
    const invoice = await ownerDb().invoice.findFirstOrThrow({
      where: { tenantId: tenant.id, bookingId: booked.json().id },
    });
    const approved = await request('POST', `/api/invoices/${invoice.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    await drainTenant(test.app, tenant.id);

    const contact = billy.contacts().find((c) => c.externalId === customerId);
    expect(contact).toMatchObject({
      type: 'company',
      name: 'Fynsk Revision ApS',
      registrationNo: '12345678',
    });
    // What the app sent, as Billy received it: a company contact with its CVR as registrationNo.
    const created = billy
      .calls('contacts.create')
      .map((call) => (call.body as { contact: Record<string, unknown> }).contact)
      .filter((sent) => sent.externalId === customerId);
    expect(created).toEqual([
      expect.objectContaining({ type: 'company', name: 'Fynsk Revision ApS', registrationNo: '12345678' }),
    ]);
    expect(billy.contactPersons(contact!.id)).toEqual([
      expect.objectContaining({ name: customer.name, email: customer.email }),
    ]);

    // Billy refuses to e-mail the invoice: staff are told once, with the invoice to open.
    billy.failNext('invoices.email', 422, { errorMessage: 'Invalid email' });
    const sent = await request('POST', `/api/invoices/${invoice.id}/send`);
    expect(sent.statusCode, sent.body).toBe(200);
    await drainTenant(test.app, tenant.id);
    const feed = await request('GET', '/api/notifications?unread=true&pageSize=100');
    expect(feed.statusCode, feed.body).toBe(200);
    const notices = (feed.json().data as { kind: string; invoiceId?: string }[]).filter(
      (notice) => notice.kind === 'invoice_not_delivered',
    );
    const number = (await request('GET', `/api/invoices/${invoice.id}`)).json().number as string;
    expect(notices).toEqual([
      {
        id: expect.any(String),
        kind: 'invoice_not_delivered',
        title: `Faktura nr. ${number} er ikke sendt til ${customer.name}: Billy afviste at e-maile den`,
        invoiceId: invoice.id,
        createdAt: expect.stringMatching(/Z$/),
        readAt: null,
      },
    ]);
  });
});
