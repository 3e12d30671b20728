import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BILLY_CLIENT_OPTIONS, type BillyClientOptions } from '../../src/integrations/billy/billy.client.js';
import { MarkOverdueProcessor } from '../../src/invoices/jobs/mark-overdue.processor.js';
import { PollPaymentsProcessor } from '../../src/invoices/jobs/poll-payments.processor.js';
import { BillyFake } from '../fakes/billy.fake.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { drainTenant } from '../support/drain.js';
import { eventually } from '../support/eventually.js';
import {
  createTenantWithRoles,
  ownerDb,
  type Session,
  signIn,
  type TenantWithRoles,
} from '../support/fixtures.js';
import { fieldsOf } from '../support/http.js';
import { outboxRowIds, settledJobs } from '../support/jobs.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const randomPhone = () => `+4526${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
let dayCounter = 0;
/** A fresh future day per booking, so bookings never collide on a team's time. */
function freshStart(): string {
  dayCounter += 1;
  const base = new Date();
  base.setUTCHours(9, 0, 0, 0);
  return new Date(base.getTime() + (40 + dayCounter) * DAY).toISOString();
}
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

/** The fields of an invoice answer these tests read. */
interface InvoiceJson {
  id: string;
  reference: string;
  status: string;
  number: string | null;
  billyInvoiceId: string | null;
  needsAttention: boolean;
  needsAttentionReason: string | null;
  [field: string]: unknown;
}

describe('invoices', () => {
  const billy = new BillyFake();
  let test: TestApp;

  beforeAll(async () => {
    await billy.start();
    test = await bootTestApp({ env: { BILLY_API_BASE_URL: billy.apiBaseUrl } });
  });
  afterAll(async () => {
    await test?.close();
    await billy.close();
  });

  const request = (method: 'GET' | 'POST' | 'PUT', url: string, session?: Session, payload?: object) =>
    test.app.inject({ method, url, payload, headers: session?.auth ?? {} });

  type TenantSetup = TenantWithRoles;
  const setupTenant = (name: string) => createTenantWithRoles(test.app, name);

  /** A lead with its customer, booked and completed through the API; answers the booking and lead ids. */
  async function completedBooking(
    setup: TenantSetup,
    options: {
      hours?: number;
      company?: boolean;
      as?: Session;
      assignedUserId?: string;
      customerId?: string;
    } = {},
  ) {
    const existing = options.customerId
      ? await ownerDb().customer.findUniqueOrThrow({ where: { id: options.customerId } })
      : null;
    const email = existing?.email ?? `kunde-${randomUUID().slice(0, 8)}@example.dk`;
    const customer =
      existing ??
      (await ownerDb().customer.create({
        data: {
          tenantId: setup.tenant.id,
          name: options.company ? 'Byg & Co ApS' : 'Mette Hansen',
          email,
          phone: randomPhone(),
          address: 'Vestergade 1',
          postalCode: '8000',
          city: 'Aarhus C',
          kind: options.company ? 'company' : 'person',
          cvr: options.company ? '12345678' : null,
        },
      }));
    const lead = await ownerDb().lead.create({
      data: {
        tenantId: setup.tenant.id,
        customerId: customer.id,
        customerName: customer.name,
        customerEmail: email,
        customerPhone: customer.phone,
        address: 'Vestergade 1',
        city: 'Aarhus C',
        postalCode: '8000',
        serviceType: 'Flytterengøring',
        estimatedHours: '3.5',
        status: 'contacted',
        assignedUserId: options.assignedUserId ?? null,
      },
    });
    const booked = await request('POST', '/api/bookings', options.as ?? setup.admin, {
      leadId: lead.id,
      startsAt: freshStart(),
    });
    expect(booked.statusCode).toBe(201);
    const done = await request(
      'POST',
      `/api/bookings/${booked.json().id}/complete`,
      options.as ?? setup.admin,
      {
        hoursWorked: options.hours ?? 3.5,
      },
    );
    expect(done.statusCode).toBe(200);
    return { bookingId: booked.json().id as string, leadId: lead.id, customerId: customer.id, email };
  }

  async function invoiceOf(setup: TenantSetup, bookingId: string): Promise<InvoiceJson> {
    const row = await ownerDb().invoice.findFirstOrThrow({ where: { tenantId: setup.tenant.id, bookingId } });
    const response = await request('GET', `/api/invoices/${row.id}`, setup.admin);
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  const leadStatus = async (leadId: string) =>
    (await ownerDb().lead.findUniqueOrThrow({ where: { id: leadId } })).status;
  const activityTitles = async (invoiceId: string) =>
    (await ownerDb().activity.findMany({ where: { invoiceId }, orderBy: { createdAt: 'asc' } })).map(
      (a) => a.title,
    );

  describe('without Billy', () => {
    let a: TenantSetup;
    let b: TenantSetup;

    beforeAll(async () => {
      a = await setupTenant('Firma A');
      b = await setupTenant('Firma B');
    });

    it('documents its routes in OpenAPI', async () => {
      const document = (await request('GET', '/api/docs-json')).json();
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/api/invoices',
          '/api/invoices/{id}',
          '/api/invoices/{id}/approve',
          '/api/invoices/{id}/send',
          '/api/invoices/{id}/sync',
          '/api/invoices/{id}/credit-note',
          '/api/invoices/{id}/payments',
        ]),
      );
    });

    it('completing a booking creates its draft invoice, exact to the øre, with the customer snapshot', async () => {
      const { bookingId, leadId, customerId, email } = await completedBooking(a, { company: true });
      const invoice = await invoiceOf(a, bookingId);
      expect(invoice).toMatchObject({
        kind: 'invoice',
        bookingId,
        customerId,
        customerName: 'Byg & Co ApS',
        customerEmail: email,
        customerAddress: 'Vestergade 1, 8000 Aarhus C',
        customerCvr: '12345678',
        number: null,
        status: 'draft',
        currency: 'DKK',
        subtotal: '1221.50',
        vatAmount: '305.38',
        total: '1526.88',
        outstanding: '0.00',
        billyInvoiceId: null,
      });
      expect(invoice.lines).toEqual([
        {
          position: 1,
          description: 'Flytterengøring, 3,5 timer',
          quantity: '3.50',
          unitPrice: '349.00',
          vatRate: '25.00',
          netAmount: '1221.50',
          vatAmount: '305.38',
          grossAmount: '1526.88',
        },
      ]);
      expect(invoice.reference).toMatch(/^RO-[0-9A-F]{8}-[0-9A-F]{8}$/);
      const issue = new Date(`${invoice.issueDate}T00:00:00Z`).getTime();
      expect(new Date(`${invoice.dueDate}T00:00:00Z`).getTime() - issue).toBe(14 * DAY);
      // The lead is completed; it becomes invoiced when the invoice is issued.
      expect(await leadStatus(leadId)).toBe('completed');
      expect(await activityTitles(invoice.id)).toEqual(['Faktura oprettet']);

      // One invoice per booking.
      const again = await request('POST', '/api/invoices', a.admin, { bookingId });
      expect(again.statusCode).toBe(409);
      expect(again.json().details).toEqual({ invoiceId: invoice.id });
    });

    it('lets STAFF complete their own booking (→ draft), but not approve; VIEWER reads only', async () => {
      const { bookingId } = await completedBooking(a, { as: a.staff, assignedUserId: a.staff.user.id });
      const invoice = await invoiceOf(a, bookingId);
      expect(invoice.status).toBe('draft');
      expect((await request('GET', `/api/invoices/${invoice.id}`, a.staff)).statusCode).toBe(200);
      expect((await request('GET', `/api/invoices/${invoice.id}`, a.viewer)).statusCode).toBe(200);
      expect((await request('POST', `/api/invoices/${invoice.id}/approve`, a.staff)).statusCode).toBe(403);
      expect((await request('POST', `/api/invoices/${invoice.id}/approve`, a.viewer)).statusCode).toBe(403);
      // Another STAFF member's view: the invoice of a booking not assigned to them is not there.
      const other = await signIn(test.app, a.tenant.id, 'staff');
      expect((await request('GET', `/api/invoices/${invoice.id}`, other)).statusCode).toBe(404);
      const list = (await request('GET', '/api/invoices', other)).json();
      expect(list.data.map((row: { id: string }) => row.id)).not.toContain(invoice.id);
    });

    it('POST /invoices: only a completed booking, named by a valid id', async () => {
      const lead = await ownerDb().lead.create({
        data: {
          tenantId: a.tenant.id,
          customerName: 'Jens',
          customerPhone: randomPhone(),
          address: 'Nørregade 7',
          city: 'Aarhus C',
          postalCode: '8000',
          serviceType: 'Hovedrengøring',
          estimatedHours: '2',
        },
      });
      const booked = await request('POST', '/api/bookings', a.admin, {
        leadId: lead.id,
        startsAt: freshStart(),
      });
      const notDone = await request('POST', '/api/invoices', a.admin, { bookingId: booked.json().id });
      expect(notDone.statusCode).toBe(409);
      const bad = await request('POST', '/api/invoices', a.admin, { bookingId: 'nope' });
      expect(bad.statusCode).toBe(400);
      expect(fieldsOf(bad.json())).toEqual(new Set(['bookingId']));
      expect((await request('POST', '/api/invoices', a.admin, { bookingId: randomUUID() })).statusCode).toBe(
        404,
      );
      expect(
        (await request('POST', '/api/invoices', b.admin, { bookingId: booked.json().id })).statusCode,
      ).toBe(404);
    });

    it('approves with the next number of the gapless counter; the lead becomes invoiced', async () => {
      const fresh = await setupTenant('Firma Nummer');
      const { bookingId, leadId } = await completedBooking(fresh);
      const draft = await invoiceOf(fresh, bookingId);
      const approved = await request('POST', `/api/invoices/${draft.id}/approve`, fresh.manager);
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toMatchObject({ status: 'approved', number: '1', outstanding: '1526.88' });
      expect(approved.json().approvedAt).toMatch(/Z$/);
      expect(await leadStatus(leadId)).toBe('invoiced');
      expect(await activityTitles(draft.id)).toEqual(['Faktura oprettet', 'Faktura godkendt']);

      const twice = await request('POST', `/api/invoices/${draft.id}/approve`, fresh.manager);
      expect(twice.statusCode).toBe(409);
      expect(twice.json().details).toMatchObject({ status: 'approved', allowed: ['draft'] });
    });

    it('twenty invoices approved at once get twenty distinct consecutive numbers', async () => {
      const fresh = await setupTenant('Firma Samtidig');
      const ids: string[] = [];
      for (let i = 0; i < 20; i += 1) {
        const { bookingId } = await completedBooking(fresh, { hours: 1 + (i % 4) / 2 });
        ids.push((await invoiceOf(fresh, bookingId)).id);
      }
      const answers = await Promise.all(
        ids.map((id) => request('POST', `/api/invoices/${id}/approve`, fresh.admin)),
      );
      expect(answers.map((answer) => answer.statusCode)).toEqual(ids.map(() => 200));
      const numbers = answers.map((answer) => Number(answer.json().number)).sort((x, y) => x - y);
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const tenant = await ownerDb().tenant.findUniqueOrThrow({ where: { id: fresh.tenant.id } });
      expect(tenant.lastInvoiceNumber).toBe(20);
    }, 90_000);

    it("another tenant's invoice answers 404 everywhere", async () => {
      const { bookingId } = await completedBooking(a);
      const invoice = await invoiceOf(a, bookingId);
      for (const path of ['', '/approve', '/send', '/credit-note', '/payments']) {
        const method = path === '' ? 'GET' : 'POST';
        const payload = path === '/payments' ? { amount: '10.00' } : undefined;
        const answer = await request(method, `/api/invoices/${invoice.id}${path}`, b.admin, payload);
        expect(answer.statusCode, path).toBe(404);
      }
      const list = (await request('GET', '/api/invoices', b.admin)).json();
      expect(list.data.map((row: { id: string }) => row.id)).not.toContain(invoice.id);
    });

    it('sends, records payments by hand to paid, and the stats follow', async () => {
      const fresh = await setupTenant('Firma Betaling');
      const stats = async () => (await request('GET', '/api/leads/stats', fresh.admin)).json();
      const before = await stats();
      const { bookingId } = await completedBooking(fresh);
      const invoice = await invoiceOf(fresh, bookingId);
      expect((await request('POST', `/api/invoices/${invoice.id}/send`, fresh.admin)).statusCode).toBe(409);
      expect(
        (await request('POST', `/api/invoices/${invoice.id}/payments`, fresh.admin, { amount: '1.00' }))
          .statusCode,
      ).toBe(409);
      await request('POST', `/api/invoices/${invoice.id}/approve`, fresh.admin);
      const sent = await request('POST', `/api/invoices/${invoice.id}/send`, fresh.admin);
      expect(sent.statusCode).toBe(200);
      // Queued: the invoice is sent when a mail provider accepts it (invoice-delivery.e2e-spec.ts).
      expect(sent.json()).toMatchObject({ status: 'approved', sentAt: null });
      expect(sent.json().sendRequestedAt).toMatch(/Z$/);
      expect(await stats()).toMatchObject({
        invoicedRevenue: (Number(before.invoicedRevenue) + 1526.88).toFixed(2),
        outstanding: (Number(before.outstanding) + 1526.88).toFixed(2),
        paidRevenue: before.paidRevenue,
      });

      for (const amount of ['0', '12.345', 'abc', -5]) {
        const bad = await request('POST', `/api/invoices/${invoice.id}/payments`, fresh.admin, { amount });
        expect(bad.statusCode, String(amount)).toBe(400);
        expect(fieldsOf(bad.json())).toEqual(new Set(['amount']));
      }
      const part = await request('POST', `/api/invoices/${invoice.id}/payments`, fresh.admin, {
        amount: '500.00',
      });
      expect(part.statusCode).toBe(200);
      expect(part.json()).toMatchObject({ status: 'approved', paidAmount: '500.00', outstanding: '1026.88' });
      const tooMuch = await request('POST', `/api/invoices/${invoice.id}/payments`, fresh.admin, {
        amount: '1026.89',
      });
      expect(tooMuch.statusCode).toBe(400);
      // A payment dated after the app's now is refused; the machine's clock has no say.
      test.clock.set(new Date('2026-11-19T12:00:00Z'));
      try {
        const ahead = await request('POST', `/api/invoices/${invoice.id}/payments`, fresh.admin, {
          amount: 1026.88,
          paidAt: '2026-11-20',
        });
        expect(ahead.statusCode).toBe(400);
        expect(fieldsOf(ahead.json())).toEqual(new Set(['paidAt']));
      } finally {
        test.clock.reset();
      }
      const rest = await request('POST', `/api/invoices/${invoice.id}/payments`, fresh.admin, {
        amount: 1026.88,
        paidAt: '2026-11-20',
      });
      expect(rest.statusCode).toBe(200);
      expect(rest.json()).toMatchObject({ status: 'paid', paidAmount: '1526.88', outstanding: '0.00' });
      expect(rest.json().paidAt).toBe('2026-11-20T00:00:00.000Z');
      expect(await stats()).toMatchObject({
        paidRevenue: (Number(before.paidRevenue) + 1526.88).toFixed(2),
        outstanding: before.outstanding,
      });
      expect(await activityTitles(invoice.id)).toEqual(
        expect.arrayContaining(['Faktura sendes', 'Delbetaling registreret', 'Faktura betalt']),
      );
    });

    it('corrects an issued invoice with a credit note, never by editing it', async () => {
      const fresh = await setupTenant('Firma Kredit');
      const { bookingId } = await completedBooking(fresh);
      const invoice = await invoiceOf(fresh, bookingId);
      expect(
        (await request('POST', `/api/invoices/${invoice.id}/credit-note`, fresh.admin, {})).statusCode,
      ).toBe(409);
      await request('POST', `/api/invoices/${invoice.id}/approve`, fresh.admin);
      expect(
        (await request('POST', `/api/invoices/${invoice.id}/credit-note`, fresh.staff, {})).statusCode,
      ).toBe(403);
      const credit = await request('POST', `/api/invoices/${invoice.id}/credit-note`, fresh.admin, {
        reason: 'Forkert antal timer',
      });
      expect(credit.statusCode).toBe(201);
      expect(credit.json()).toMatchObject({
        kind: 'credit_note',
        creditedInvoiceId: invoice.id,
        status: 'approved',
        number: '2',
        total: '1526.88',
        reference: `${invoice.reference}-K`,
      });
      expect(credit.json().lines).toHaveLength(1);
      const original = (await request('GET', `/api/invoices/${invoice.id}`, fresh.admin)).json();
      expect(original).toMatchObject({ status: 'credited', number: '1', total: '1526.88' });
      // A credited invoice and its credit note cancel out: nothing invoiced, nothing outstanding.
      const stats = (await request('GET', '/api/leads/stats', fresh.admin)).json();
      expect(stats).toMatchObject({ invoicedRevenue: '0.00', outstanding: '0.00' });
      expect(
        (await request('POST', `/api/invoices/${invoice.id}/credit-note`, fresh.admin, {})).statusCode,
      ).toBe(409);
      expect((await request('POST', `/api/invoices/${invoice.id}/approve`, fresh.admin)).statusCode).toBe(
        409,
      );
    });

    it('marks invoices past due as overdue and sends each reminder step once', async () => {
      const fresh = await setupTenant('Firma Rykker');
      const { bookingId, email } = await completedBooking(fresh);
      const invoice = await invoiceOf(fresh, bookingId);
      await request('POST', `/api/invoices/${invoice.id}/approve`, fresh.admin);
      const pastDue = async (days: number) =>
        ownerDb().invoice.update({
          where: { id: invoice.id },
          data: { dueDate: new Date(`${isoDay(new Date(Date.now() - days * DAY))}T00:00:00Z`) },
        });
      const reminders = () =>
        ownerDb().outboundEmail.findMany({
          where: { subjectId: invoice.id, type: 'invoice_reminder' },
          orderBy: { step: 'asc' },
        });
      const overdue = test.app.get(MarkOverdueProcessor);

      await pastDue(3);
      await overdue.handle({});
      expect((await request('GET', `/api/invoices/${invoice.id}`, fresh.admin)).json().status).toBe(
        'overdue',
      );
      expect(await reminders()).toHaveLength(0);
      const listed = (await request('GET', '/api/invoices?overdue=true', fresh.admin)).json();
      expect(listed.data.map((row: { id: string }) => row.id)).toEqual([invoice.id]);

      await pastDue(8);
      await overdue.handle({});
      await overdue.handle({});
      expect((await reminders()).map((row) => [row.step, row.to])).toEqual([[7, email]]);
      expect((await reminders())[0]!.body).toContain('1.526,88 kr. inkl. moms');
      // The due date as a Danish day ("tirsdag d. 22. marts 2026"), not the ISO form.
      expect((await reminders())[0]!.body).toMatch(/med forfald [a-zø]+dag d\. \d{1,2}\. [a-z]+ \d{4}\./);

      await pastDue(15);
      await overdue.handle({});
      await overdue.handle({});
      expect((await reminders()).map((row) => row.step)).toEqual([7, 14]);
      const titles = await activityTitles(invoice.id);
      expect(titles.filter((title) => title === 'Faktura forfalden')).toHaveLength(1);
      expect(titles.filter((title) => title === 'Betalingspåmindelse sendt')).toHaveLength(2);
    });

    it('lists with filters and pages', async () => {
      const { bookingId, customerId } = await completedBooking(a);
      const invoice = await invoiceOf(a, bookingId);
      const byCustomer = (await request('GET', `/api/invoices?customerId=${customerId}`, a.admin)).json();
      expect(byCustomer.data.map((row: { id: string }) => row.id)).toEqual([invoice.id]);
      expect(byCustomer.meta).toMatchObject({ total: 1, page: 1, pageSize: 20, totalPages: 1 });
      const drafts = (await request('GET', '/api/invoices?status=draft&pageSize=1', a.admin)).json();
      expect(drafts.data).toHaveLength(1);
      expect(drafts.data[0].status).toBe('draft');
      for (const query of [
        'pageSize=101',
        'status=Draft',
        'overdue=maybe',
        'sort=secret:asc',
        'customerId=x',
      ]) {
        const bad = await request('GET', `/api/invoices?${query}`, a.admin);
        expect(bad.statusCode, query).toBe(400);
      }
      expect((await request('GET', '/api/invoices')).statusCode).toBe(401);
    });
  });

  describe('with Billy', () => {
    let c: TenantSetup;

    beforeAll(async () => {
      c = await setupTenant('Firma Billy');
      const configured = await request('PUT', '/api/integrations/billy', c.admin, {
        apiKey: billy.accessToken,
        organizationId: billy.organizationId,
      });
      expect(configured.statusCode).toBe(200);
    });

    const synced = (bookingId: string, done: (invoice: InvoiceJson) => boolean) =>
      eventually(() => invoiceOf(c, bookingId), { what: 'the invoice synced to Billy', until: done });

    it('puts the draft into Billy, approves it there, reads back the number; payment polling marks it paid', async () => {
      const { bookingId, leadId, customerId } = await completedBooking(c, { company: true });
      // The push stores Billy's id first and the totals read back after it: wait for the push's end.
      const draft = await synced(bookingId, (invoice) => invoice.billyTotals !== null);
      const billyId = draft.billyInvoiceId!;
      const inBilly = billy.invoice(billyId)!;
      expect(inBilly).toMatchObject({
        state: 'draft',
        externalId: draft.reference,
        amount: 1221.5,
        tax: 305.38,
      });
      const contact = billy.contacts().find((row) => row.id === inBilly.contactId)!;
      expect(contact).toMatchObject({ type: 'company', registrationNo: '12345678', externalId: customerId });
      expect((await ownerDb().customer.findUniqueOrThrow({ where: { id: customerId } })).billyContactId).toBe(
        contact.id,
      );
      expect(draft).toMatchObject({ number: null, needsAttention: false });
      expect(draft.billyTotals).toEqual({ amount: '1221.50', tax: '305.38', grossAmount: '1526.88' });

      const approved = await request('POST', `/api/invoices/${draft.id}/approve`, c.admin);
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toMatchObject({ status: 'approved', number: null });
      const numbered = await synced(bookingId, (invoice) => invoice.number !== null);
      expect(numbered.number).toBe(billy.invoice(billyId)!.invoiceNo);
      expect(billy.invoice(billyId)!.state).toBe('approved');
      expect(await leadStatus(leadId)).toBe('invoiced');

      // Manual payments are Billy's business for this tenant.
      const manual = await request('POST', `/api/invoices/${draft.id}/payments`, c.admin, {
        amount: '10.00',
      });
      expect(manual.statusCode).toBe(409);

      const poll = test.app.get(PollPaymentsProcessor);
      await poll.handle({});
      expect((await invoiceOf(c, bookingId)).status).toBe('approved');
      billy.recordPayment(billyId, 500);
      await poll.handle({});
      expect(await invoiceOf(c, bookingId)).toMatchObject({ status: 'approved', paidAmount: '500.00' });
      billy.recordPayment(billyId);
      await poll.handle({});
      const paid = await invoiceOf(c, bookingId);
      expect(paid).toMatchObject({ status: 'paid', paidAmount: '1526.88', outstanding: '0.00' });
      expect(paid.paidAt).toMatch(/Z$/);
      expect(await activityTitles(draft.id)).toEqual(
        expect.arrayContaining(['Faktura overført til Billy', 'Fakturanummer fra Billy', 'Faktura betalt']),
      );
    });

    it('a Billy timeout after the invoice was created still leaves one invoice in Billy', async () => {
      const options = test.app.get<BillyClientOptions>(BILLY_CLIENT_OPTIONS);
      const timeoutMs = options.timeoutMs;
      options.timeoutMs = 400;
      billy.hangAfterNext('invoices.create', 2_000);
      const creates = billy.calls('invoices.create').length;
      try {
        const { bookingId } = await completedBooking(c);
        const invoice = await eventually(() => invoiceOf(c, bookingId), {
          what: 'the invoice in Billy',
          until: (row) => row.billyInvoiceId !== null,
          timeoutMs: 20_000,
        });
        expect(billy.invoices({ externalId: invoice.reference })).toHaveLength(1);
        expect(billy.calls('invoices.create').length - creates).toBe(1);
        expect(billy.invoice(invoice.billyInvoiceId!)!.externalId).toBe(invoice.reference);
        // The retry searched by our reference instead of creating again.
        expect(billy.calls('invoices.list').some((call) => call.query.externalId === invoice.reference)).toBe(
          true,
        );
      } finally {
        options.timeoutMs = timeoutMs;
      }
    });

    it("finds or creates the contact again when Billy no longer knows the customer's stored contact", async () => {
      const { bookingId, customerId } = await completedBooking(c);
      // The customer's contact was deleted in Billy (or the organisation changed) since it was stored.
      await ownerDb().customer.update({
        where: { id: customerId },
        data: { billyContactId: 'deleted-in-billy' },
      });
      const invoice = await synced(bookingId, (row) => row.billyInvoiceId !== null);
      const contactId = billy.invoice(invoice.billyInvoiceId!)!.contactId;
      expect(contactId).not.toBe('deleted-in-billy');
      expect(billy.contacts().find((row) => row.id === contactId)).toMatchObject({ externalId: customerId });
      expect((await ownerDb().customer.findUniqueOrThrow({ where: { id: customerId } })).billyContactId).toBe(
        contactId,
      );
      expect(invoice.needsAttention).toBe(false);
    });

    it('flags a number from Billy that RenOS already used, instead of failing for ever', async () => {
      const earlier = await completedBooking(c);
      const other = await synced(earlier.bookingId, (row) => row.billyInvoiceId !== null);
      const { bookingId } = await completedBooking(c);
      const draft = await synced(bookingId, (row) => row.billyInvoiceId !== null);
      // As if RenOS had numbered an invoice itself before the tenant connected Billy.
      const next = String(Math.max(1000, ...billy.invoices().map((row) => Number(row.invoiceNo ?? 0))) + 1);
      await ownerDb().invoice.update({ where: { id: other.id }, data: { number: next } });
      expect((await request('POST', `/api/invoices/${draft.id}/approve`, c.admin)).statusCode).toBe(200);
      const flagged = await synced(bookingId, (row) => row.needsAttention);
      expect(billy.invoice(draft.billyInvoiceId!)!.invoiceNo).toBe(next);
      expect(flagged.number).toBeNull();
      expect(flagged.needsAttentionReason).toContain(`number ${next} is already used`);
      expect(await activityTitles(draft.id)).toContain('Fakturanummer fra Billy er allerede brugt');
    });

    it('keeps polling payments when one invoice is gone from Billy, and flags that one', async () => {
      const lost = await completedBooking(c);
      const gone = await synced(lost.bookingId, (row) => row.billyInvoiceId !== null);
      await request('POST', `/api/invoices/${gone.id}/approve`, c.admin);
      await synced(lost.bookingId, (row) => row.number !== null);
      const kept = await completedBooking(c);
      const alive = await synced(kept.bookingId, (row) => row.billyInvoiceId !== null);
      await request('POST', `/api/invoices/${alive.id}/approve`, c.admin);
      await synced(kept.bookingId, (row) => row.number !== null);
      // The first one is deleted in Billy (our row keeps an id Billy answers 404 to); the second is paid.
      await ownerDb().invoice.update({
        where: { id: gone.id },
        data: { billyInvoiceId: 'deleted-in-billy' },
      });
      billy.recordPayment(alive.billyInvoiceId!);
      await test.app.get(PollPaymentsProcessor).handle({});
      expect((await invoiceOf(c, kept.bookingId)).status).toBe('paid');
      const flagged = await invoiceOf(c, lost.bookingId);
      expect(flagged).toMatchObject({ status: 'approved', needsAttention: true });
      expect(flagged.needsAttentionReason).toContain('does not know invoice deleted-in-billy');
    });

    it('a payment seen before a later invoice fails to poll shows in the stats at once', async () => {
      const fresh = await setupTenant('Firma Billy Stats');
      expect(
        (
          await request('PUT', '/api/integrations/billy', fresh.admin, {
            apiKey: billy.accessToken,
            organizationId: billy.organizationId,
          })
        ).statusCode,
      ).toBe(200);
      const approvedInBilly = async () => {
        const { bookingId } = await completedBooking(fresh);
        const draft = await eventually(() => invoiceOf(fresh, bookingId), {
          what: 'the draft in Billy',
          until: (row) => row.billyInvoiceId !== null,
        });
        await request('POST', `/api/invoices/${draft.id}/approve`, fresh.admin);
        return eventually(() => invoiceOf(fresh, bookingId), {
          what: "Billy's number on the approved invoice",
          until: (row) => row.number !== null,
        });
      };
      const paid = await approvedInBilly();
      const failing = await approvedInBilly();
      // Polled in due-date order: the paid one first, then the one whose read fails.
      await ownerDb().invoice.update({
        where: { id: failing.id },
        data: { dueDate: new Date(Date.now() + 60 * DAY) },
      });
      await drainTenant(test.app, fresh.tenant.id);
      const stats = async () => (await request('GET', '/api/leads/stats', fresh.admin)).json();
      const before = await stats();
      billy.recordPayment(paid.billyInvoiceId!);
      // Billy cannot read the second invoice back: the poll fails after the first one's payment.
      billy.failInvoice(failing.billyInvoiceId!);
      try {
        await expect(test.app.get(PollPaymentsProcessor).handle({})).rejects.toThrow();
      } finally {
        billy.failInvoice(failing.billyInvoiceId!, null);
      }
      expect((await request('GET', `/api/invoices/${paid.id}`, fresh.admin)).json().status).toBe('paid');
      expect(await stats()).toMatchObject({
        paidRevenue: (Number(before.paidRevenue) + 1526.88).toFixed(2),
      });
    });

    it('creates the invoice once in Billy when two pushes run at the same time', async () => {
      billy.delay(150);
      try {
        const { bookingId } = await completedBooking(c);
        const draft = await invoiceOf(c, bookingId);
        // The completion's push is running; an admin presses /sync at the same moment.
        expect((await request('POST', `/api/invoices/${draft.id}/sync`, c.admin)).statusCode).toBe(200);
        const synced = await eventually(() => invoiceOf(c, bookingId), {
          what: 'the invoice in Billy',
          until: (row) => row.billyInvoiceId !== null,
          timeoutMs: 20_000,
        });
        // Both pushes (the completion's and the /sync's) have ended, a retry of either included: no
        // later push can still create a second invoice in Billy.
        const pushes = await outboxRowIds(c.tenant.id, 'invoices.push-to-billy', {
          field: 'invoiceId',
          equals: draft.id,
        });
        expect(pushes).toHaveLength(2);
        await settledJobs(test.app, 'invoices.push-to-billy', pushes);
        expect(billy.invoices({ externalId: synced.reference })).toHaveLength(1);
        expect((await invoiceOf(c, bookingId)).billyInvoiceId).toBe(synced.billyInvoiceId);
      } finally {
        billy.delay(0);
      }
    }, 40_000);

    it("makes one Billy contact when two of a new customer's invoices are pushed at once", async () => {
      billy.delay(150);
      try {
        const first = await completedBooking(c);
        const second = await completedBooking(c, { customerId: first.customerId });
        const one = await eventually(() => invoiceOf(c, first.bookingId), {
          what: 'the first invoice in Billy',
          until: (row) => row.billyInvoiceId !== null,
          timeoutMs: 30_000,
        });
        const two = await eventually(() => invoiceOf(c, second.bookingId), {
          what: 'the second invoice in Billy',
          until: (row) => row.billyInvoiceId !== null,
          timeoutMs: 30_000,
        });
        expect(billy.contacts().filter((contact) => contact.externalId === first.customerId)).toHaveLength(1);
        expect(billy.invoice(one.billyInvoiceId!)!.contactId).toBe(
          billy.invoice(two.billyInvoiceId!)!.contactId,
        );
      } finally {
        billy.delay(0);
      }
    }, 45_000);

    it('flags a difference of one øre between Billy and us', async () => {
      billy.adjustNextTax(0.01);
      const { bookingId } = await completedBooking(c);
      // Billy's id is stored as soon as Billy answers the create, its totals once they are read back.
      const invoice = await synced(bookingId, (row) => row.billyTotals !== null);
      expect(invoice.billyTotals).toEqual({ amount: '1221.50', tax: '305.39', grossAmount: '1526.89' });
      expect(invoice.needsAttention).toBe(true);
      expect(invoice.needsAttentionReason).toContain('1526.89');
      expect(await activityTitles(invoice.id)).toContain('Billy-beløb afviger');
    });

    it('a validation error needs attention without retrying; /sync runs it again', async () => {
      billy.failNext('invoices.create', 422, { errorMessage: 'contactId: is required' });
      const creates = billy.calls('invoices.create').length;
      const { bookingId } = await completedBooking(c);
      const refused = await synced(bookingId, (row) => row.needsAttention === true);
      // Why, in our words; Billy's own message is for the logs.
      expect(refused.needsAttentionReason).toBe(
        'Billy afviste fakturaens indhold; ret fakturaen og synkronisér igen',
      );
      expect(refused.billyInvoiceId).toBeNull();
      expect(await activityTitles(refused.id)).toContain('Billy afviste fakturaen');
      await drainTenant(test.app, c.tenant.id);
      expect(billy.calls('invoices.create').length - creates).toBe(1);

      expect((await request('POST', `/api/invoices/${refused.id}/sync`, c.staff)).statusCode).toBe(403);
      const sync = await request('POST', `/api/invoices/${refused.id}/sync`, c.manager);
      expect(sync.statusCode).toBe(200);
      const fixed = await synced(bookingId, (row) => row.billyInvoiceId !== null);
      expect(fixed.needsAttention).toBe(false);
      expect(billy.invoices({ externalId: fixed.reference })).toHaveLength(1);
    });

    it('rejected credentials show on the integration and stop the job', async () => {
      billy.failNext('invoices.create', 401);
      const { bookingId } = await completedBooking(c);
      await eventually(async () => (await request('GET', '/api/integrations', c.admin)).json(), {
        what: 'Billy flagged on the integrations list',
        until: (list: Array<{ provider: string; needsAttention: boolean }>) =>
          list.find((row) => row.provider === 'billy')?.needsAttention === true,
      });
      const invoice = await invoiceOf(c, bookingId);
      expect(invoice.billyInvoiceId).toBeNull();
      // Back to working credentials for whatever runs next.
      await request('PUT', '/api/integrations/billy', c.admin, {
        apiKey: billy.accessToken,
        organizationId: billy.organizationId,
      });
    });

    it('creates the invoice approved in Billy when the tenant says so, and credits it there', async () => {
      await ownerDb().tenant.update({ where: { id: c.tenant.id }, data: { billyInvoiceState: 'approved' } });
      try {
        const { bookingId, leadId } = await completedBooking(c);
        const invoice = await synced(bookingId, (row) => row.number !== null);
        const inBilly = billy.invoice(invoice.billyInvoiceId!)!;
        expect(inBilly.state).toBe('approved');
        expect(invoice).toMatchObject({
          status: 'approved',
          number: inBilly.invoiceNo,
          needsAttention: false,
        });
        expect(invoice.dueDate).toBe(inBilly.dueDate);
        expect(await leadStatus(leadId)).toBe('invoiced');
        expect((await request('POST', `/api/invoices/${invoice.id}/approve`, c.admin)).statusCode).toBe(409);

        const credit = await request('POST', `/api/invoices/${invoice.id}/credit-note`, c.admin, {});
        expect(credit.statusCode).toBe(201);
        expect(credit.json()).toMatchObject({ kind: 'credit_note', number: null, status: 'approved' });
        const creditNote = await eventually(
          async () =>
            (await request('GET', `/api/invoices/${credit.json().id}`, c.admin)).json() as InvoiceJson,
          { what: 'the credit note numbered', until: (row) => row.number !== null },
        );
        const billyCredit = billy.invoice(creditNote.billyInvoiceId!)!;
        expect(billyCredit).toMatchObject({
          type: 'creditNote',
          creditedInvoiceId: inBilly.id,
          externalId: creditNote.reference,
          grossAmount: 1526.88,
        });
        expect(creditNote.number).toBe(billyCredit.invoiceNo);
      } finally {
        await ownerDb().tenant.update({ where: { id: c.tenant.id }, data: { billyInvoiceState: 'draft' } });
      }
    });

    it('/sync without Billy configured is a 409', async () => {
      const plain = await setupTenant('Firma Uden Billy');
      const { bookingId } = await completedBooking(plain);
      const invoice = await invoiceOf(plain, bookingId);
      expect((await request('POST', `/api/invoices/${invoice.id}/sync`, plain.admin)).statusCode).toBe(409);
    });
  });
});
