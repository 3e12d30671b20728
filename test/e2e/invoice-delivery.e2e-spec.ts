import { randomUUID } from 'node:crypto';

import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { WorkerService } from '../../src/core/queue/worker.service.js';
import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { InvoiceRemindersService } from '../../src/invoices/invoice-reminders.service.js';
import { FakeCloud } from '../fakes/cloud.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { drainTenant } from '../support/drain.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';

/**
 * Invoices reach the customer: with Billy, Billy e-mails the approved invoice (the fake Billy records
 * the `POST /invoices/{id}/emails` it accepted); without, the PDF goes through the tenant's Gmail. The
 * invoice is sent when the provider accepted it, and a second send or a redelivered job e-mails nothing.
 * Reminders carry the number, the amount and the due date in Danish and how to pay.
 */

const DAY = 86_400_000;
const PUBLIC_BASE_URL = 'https://renos.test';
let dayCounter = 0;
function freshStart(): string {
  dayCounter += 1;
  const base = new Date();
  base.setUTCHours(9, 0, 0, 0);
  return new Date(base.getTime() + (60 + dayCounter) * DAY).toISOString();
}

interface InvoiceJson {
  id: string;
  number: string | null;
  status: string;
  total: string;
  sentAt: string | null;
  deliveries: number;
  sendRequestedAt: string | null;
  billyInvoiceId: string | null;
  [field: string]: unknown;
}

const PAYMENT = { bankRegNo: '1234', bankAccountNo: '0012345678', mobilePayNumber: '12345' };

describe('invoice delivery', () => {
  const mailbox = `faktura-${randomUUID().slice(0, 8)}@firma-a.dk`;
  const cloud = new FakeCloud({ appUrl: PUBLIC_BASE_URL, gmailAddress: mailbox });
  const { gmail, billy } = cloud;
  let test: TestApp;

  const request = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    session: Session,
    payload?: object,
  ) => test.app.inject({ method, url, payload, headers: session.auth });

  beforeAll(async () => {
    await cloud.start();
    test = await bootTestApp({
      env: {
        PUBLIC_BASE_URL,
        BILLY_API_BASE_URL: billy.apiBaseUrl,
        GOOGLE_API_BASE_URL: cloud.googleRootUrl,
        GOOGLE_OAUTH_TOKEN_URL: cloud.oauth.tokenUrl,
      },
    });
  });
  afterAll(async () => {
    await test?.close();
    await cloud.close();
  });

  async function tenantWith(name: string, options: { billy?: boolean; gmail?: boolean }) {
    const tenant = await createTenant(name);
    const admin = await signIn(test.app, tenant.id, 'admin');
    const profile = await request('PATCH', '/api/tenant', admin, {
      cvr: '87654321',
      address: 'Søndergade 4, 8000 Aarhus C',
      ...PAYMENT,
    });
    expect(profile.statusCode, profile.body).toBe(200);
    if (options.gmail) {
      await ownerDb().tenant.update({ where: { id: tenant.id }, data: { gmailAddress: mailbox } });
      const stored = await request('PUT', '/api/integrations/google', admin, {
        clientId: 'invoice-delivery.apps.googleusercontent.com',
        clientSecret: 'GOCSPX-invoice-delivery',
        refreshToken: '1//invoice-delivery-refresh',
        gmailAddress: mailbox,
      });
      expect(stored.statusCode, stored.body).toBe(200);
    }
    if (options.billy) {
      const stored = await request('PUT', '/api/integrations/billy', admin, {
        apiKey: billy.accessToken,
        organizationId: billy.organizationId,
      });
      expect(stored.statusCode, stored.body).toBe(200);
    }
    return { tenant, admin };
  }

  /** A completed booking's invoice (3,5 hours at 349 kr.: 1.526,88 kr. incl. VAT), approved. */
  async function approvedInvoice(tenant: TenantFixture, admin: Session) {
    const email = `kunde-${randomUUID().slice(0, 8)}@example.dk`;
    const customer = await ownerDb().customer.create({
      data: {
        tenantId: tenant.id,
        name: 'Mette Hansen',
        email,
        phone: `+4526${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`,
        address: 'Vestergade 1',
        postalCode: '8000',
        city: 'Aarhus C',
        kind: 'person',
      },
    });
    const lead = await ownerDb().lead.create({
      data: {
        tenantId: tenant.id,
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
      },
    });
    const booked = await request('POST', '/api/bookings', admin, { leadId: lead.id, startsAt: freshStart() });
    expect(booked.statusCode, booked.body).toBe(201);
    const done = await request('POST', `/api/bookings/${booked.json().id}/complete`, admin, {
      hoursWorked: 3.5,
    });
    expect(done.statusCode, done.body).toBe(200);
    const row = await ownerDb().invoice.findFirstOrThrow({
      where: { tenantId: tenant.id, bookingId: booked.json().id },
    });
    const approved = await request('POST', `/api/invoices/${row.id}/approve`, admin);
    expect(approved.statusCode, approved.body).toBe(200);
    await drainTenant(test.app, tenant.id);
    return { invoiceId: row.id, email };
  }

  const invoice = async (admin: Session, id: string): Promise<InvoiceJson> =>
    (await request('GET', `/api/invoices/${id}`, admin)).json();

  describe('with Billy', () => {
    let tenant: TenantFixture;
    let admin: Session;

    beforeAll(async () => {
      ({ tenant, admin } = await tenantWith('Firma Billy', { billy: true }));
    });

    it("sends through Billy's invoice e-mail once; a second send and a redelivered job change nothing", async () => {
      const { invoiceId, email } = await approvedInvoice(tenant, admin);
      const before = await invoice(admin, invoiceId);
      expect(before).toMatchObject({ status: 'approved', sentAt: null, deliveries: 0 });
      expect(before.billyInvoiceId).toBeTruthy();

      const asked = await request('POST', `/api/invoices/${invoiceId}/send`, admin);
      expect(asked.statusCode, asked.body).toBe(200);
      // Queued, not sent: the provider has not answered yet when the request does.
      expect(asked.json()).toMatchObject({ sentAt: null, deliveries: 0 });
      expect(asked.json().sendRequestedAt).toBeTruthy();
      await drainTenant(test.app, tenant.id);

      const sent = billy.invoiceEmails(before.billyInvoiceId!);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ to: email });
      const after = await invoice(admin, invoiceId);
      // Billy's number (it may arrive with the push the send runs first).
      expect(after.number).toMatch(/^\d+$/);
      expect(sent[0]!.emailSubject).toBe(`Faktura nr. ${after.number} fra Firma Billy`);
      expect(sent[0]!.emailBody).toContain('1.526,88 kr. inkl. moms');
      expect(sent[0]!.emailBody).toContain('reg.nr. 1234, kontonr. 0012345678');
      expect(after).toMatchObject({ status: 'sent', deliveries: 1, sendRequestedAt: null });
      expect(after.sentAt).toBeTruthy();

      // Asked again, and the job delivered again (as BullMQ may): still one e-mail.
      expect((await request('POST', `/api/invoices/${invoiceId}/send`, admin)).statusCode).toBe(200);
      await test.app
        .get(WorkerService)
        .perform('invoices.send', { tenantId: tenant.id, invoiceId, delivery: 1 });
      await drainTenant(test.app, tenant.id);
      expect(billy.invoiceEmails(before.billyInvoiceId!)).toHaveLength(1);
      expect(billy.calls('invoices.email')).toHaveLength(1);
      expect((await invoice(admin, invoiceId)).sentAt).toBe(after.sentAt);

      // An explicit resend is a second delivery.
      const again = await request('POST', `/api/invoices/${invoiceId}/send?resend=true`, admin);
      expect(again.statusCode, again.body).toBe(200);
      await drainTenant(test.app, tenant.id);
      expect(billy.invoiceEmails(before.billyInvoiceId!)).toHaveLength(2);
      expect(await invoice(admin, invoiceId)).toMatchObject({ deliveries: 2 });
    });

    it("POST /sync reads Billy's payment state back", async () => {
      const { invoiceId } = await approvedInvoice(tenant, admin);
      // Approved in Billy first (the approval's push may still wait in its backoff behind the draft's).
      expect((await request('POST', `/api/invoices/${invoiceId}/sync`, admin)).statusCode).toBe(200);
      await drainTenant(test.app, tenant.id);
      const before = await invoice(admin, invoiceId);
      expect(before.status).toBe('approved');
      billy.recordPayment(before.billyInvoiceId!);
      const synced = await request('POST', `/api/invoices/${invoiceId}/sync`, admin);
      expect(synced.statusCode, synced.body).toBe(200);
      await drainTenant(test.app, tenant.id);
      const after = await invoice(admin, invoiceId);
      expect(after.status).toBe('paid');
      expect(after.paidAt).toBeTruthy();
    });
  });

  describe('without Billy', () => {
    let tenant: TenantFixture;
    let admin: Session;

    beforeAll(async () => {
      ({ tenant, admin } = await tenantWith('Firma Gmail', { gmail: true }));
    });

    it('e-mails the PDF through Gmail once; sent when Gmail accepted it', async () => {
      const { invoiceId, email } = await approvedInvoice(tenant, admin);
      const { number } = await invoice(admin, invoiceId);
      // The customer also has the booking's confirmation: only the invoice's e-mails count.
      const mailsTo = () =>
        gmail.sent().filter((mail) => mail.to?.includes(email) && mail.subject?.startsWith('Faktura'));

      const asked = await request('POST', `/api/invoices/${invoiceId}/send`, admin);
      expect(asked.statusCode, asked.body).toBe(200);
      expect(asked.json()).toMatchObject({ sentAt: null, deliveries: 0 });
      expect((await request('POST', `/api/invoices/${invoiceId}/send`, admin)).statusCode).toBe(200);
      await drainTenant(test.app, tenant.id);
      await test.app
        .get(WorkerService)
        .perform('invoices.send', { tenantId: tenant.id, invoiceId, delivery: 1 });
      await drainTenant(test.app, tenant.id);

      expect(mailsTo()).toHaveLength(1);
      const mail = mailsTo()[0]!;
      expect(mail.subject).toBe(`Faktura nr. ${number} fra Firma Gmail`);
      expect(mail.text).toContain('Fakturaen er vedhæftet som PDF.');
      const pdfPart = mail.parsed.leaves.find((part) => part.mimeType === 'application/pdf');
      expect(pdfPart?.filename).toBe(`faktura-${number}.pdf`);
      expect(pdfPart!.content.subarray(0, 5).toString()).toBe('%PDF-');
      const pdf = await getDocumentProxy(new Uint8Array(pdfPart!.content));
      const { text } = await extractText(pdf, { mergePages: true });
      expect(text).toContain(`Fakturanr.: ${number}`);
      expect(text).toContain('1.526,88 kr.');
      expect(text).toContain('Moms 25 %');
      expect(text).toContain('CVR-nr. 87654321');
      expect(text).toContain('Firma Gmail');
      expect(text).toContain('reg.nr. 1234, kontonr. 0012345678');

      const after = await invoice(admin, invoiceId);
      expect(after).toMatchObject({ status: 'sent', deliveries: 1, sendRequestedAt: null });
      expect(after.sentAt).toBeTruthy();
    });

    it('the reminder carries the number, the amount and due date in Danish and how to pay', async () => {
      const { invoiceId, email } = await approvedInvoice(tenant, admin);
      const { number } = await invoice(admin, invoiceId);
      // Due on Tuesday 23 March 2027; the daily run for this tenant alone, 7 days later.
      await ownerDb().invoice.update({
        where: { id: invoiceId },
        data: { dueDate: new Date('2027-03-23T00:00:00Z') },
      });
      const result = await test.app
        .get(TenantContextService)
        .run({ tenantId: tenant.id }, () =>
          test.app.get(InvoiceRemindersService).markOverdue(new Date('2027-03-30T10:00:00Z')),
        );
      expect(result.reminders).toBeGreaterThanOrEqual(1);
      const reminder = await ownerDb().outboundEmail.findFirstOrThrow({
        where: { subjectId: invoiceId, type: 'invoice_reminder' },
      });
      expect(reminder.to).toBe(email);
      expect(reminder.body).toContain(`faktura nr. ${number}`);
      expect(reminder.body).toContain('1.526,88 kr. inkl. moms');
      expect(reminder.body).toContain('med forfald tirsdag d. 23. marts 2027.');
      expect(reminder.body).toContain('Bankoverførsel: reg.nr. 1234, kontonr. 0012345678');
      expect(reminder.body).toContain('MobilePay: 12345');
      expect(reminder.body).toContain(`Skriv fakturanummer ${number} ved betalingen.`);
    });

    it('refuses to send an invoice without a customer e-mail, naming the field, and queues nothing', async () => {
      const { invoiceId } = await approvedInvoice(tenant, admin);
      await ownerDb().invoice.update({ where: { id: invoiceId }, data: { customerEmail: null } });
      const refused = await request('POST', `/api/invoices/${invoiceId}/send`, admin);
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('customerEmail');
      expect(await invoice(admin, invoiceId)).toMatchObject({ sendRequestedAt: null, deliveries: 0 });
      const bad = await request('POST', `/api/invoices/${invoiceId}/send?resend=maybe`, admin);
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('resend');
    });

    it('refuses payment details that are not digits, naming the field', async () => {
      const bad = await request('PATCH', '/api/tenant', admin, { bankRegNo: '12a4' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('bankRegNo');
      const long = await request('PATCH', '/api/tenant', admin, { bankAccountNo: '12345678901' });
      expect(long.statusCode).toBe(400);
      expect(long.body).toContain('bankAccountNo');
    });
  });

  it('is not sent while no provider accepted it; resend=true tries again once Gmail is connected', async () => {
    const { tenant, admin } = await tenantWith('Firma Uden Mail', {});
    const { invoiceId, email } = await approvedInvoice(tenant, admin);
    expect((await request('POST', `/api/invoices/${invoiceId}/send`, admin)).statusCode).toBe(200);
    await drainTenant(test.app, tenant.id);
    // Google is not connected: the e-mail failed, so the invoice is not sent.
    expect(await invoice(admin, invoiceId)).toMatchObject({
      status: 'approved',
      sentAt: null,
      deliveries: 0,
    });
    const failed = await ownerDb().outboundEmail.findFirstOrThrow({
      where: { subjectId: invoiceId, type: 'invoice_sent' },
    });
    expect(failed.status).toBe('failed');
    // A plain second send changes nothing; an explicit resend after connecting Gmail delivers it.
    expect((await request('POST', `/api/invoices/${invoiceId}/send`, admin)).statusCode).toBe(200);
    await drainTenant(test.app, tenant.id);
    expect(await ownerDb().outboundEmail.count({ where: { subjectId: invoiceId, status: 'sent' } })).toBe(0);
    // The one fake mailbox moves to this tenant (a mailbox belongs to one tenant).
    await ownerDb().tenant.updateMany({ where: { gmailAddress: mailbox }, data: { gmailAddress: null } });
    await ownerDb().tenant.update({ where: { id: tenant.id }, data: { gmailAddress: mailbox } });
    const stored = await request('PUT', '/api/integrations/google', admin, {
      clientId: 'invoice-delivery.apps.googleusercontent.com',
      clientSecret: 'GOCSPX-invoice-delivery',
      refreshToken: '1//invoice-delivery-refresh',
      gmailAddress: mailbox,
    });
    expect(stored.statusCode, stored.body).toBe(200);
    expect((await request('POST', `/api/invoices/${invoiceId}/send?resend=true`, admin)).statusCode).toBe(
      200,
    );
    await drainTenant(test.app, tenant.id);
    expect(
      gmail.sent().filter((mail) => mail.to?.includes(email) && mail.subject?.startsWith('Faktura')),
    ).toHaveLength(1);
    expect(await invoice(admin, invoiceId)).toMatchObject({ status: 'sent', deliveries: 1 });
  });
});
