import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { BillyRestClient } from '../../src/integrations/billy/billy.client.js';
import { IntegrationError } from '../../src/integrations/integration-error.js';
import { BillyFake } from '../fakes/billy.fake.js';

// The client against the fake, over real HTTP: envelopes, error kinds, retries and the timeout.
describe('BillyClient against the Billy fake', () => {
  const fake = new BillyFake();
  let client: BillyRestClient;
  const options = { timeoutMs: 300, readRetries: 2, retryBaseMs: 10 };

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    client = new BillyRestClient(
      fake.apiBaseUrl,
      { apiKey: fake.accessToken, organizationId: fake.organizationId },
      options,
    );
  });

  async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(IntegrationError);
      expect(error).toMatchObject({ provider: 'Billy' });
      return error as IntegrationError;
    }
    throw new Error('expected the call to fail');
  }

  async function contactAndProduct() {
    const contact = await client.createContact({
      organizationId: client.organizationId,
      type: 'company',
      name: 'Byg & Co ApS',
      countryId: 'DK',
      registrationNo: '12345678',
      externalId: 'customer-1',
      isCustomer: true,
    });
    const product = await client.createProduct({
      organizationId: client.organizationId,
      name: 'Rengøring',
      productNo: 'RENOS-CLEANING',
      prices: [{ unitPrice: 349, currencyId: 'DKK' }],
    });
    return { contact, product };
  }

  const invoiceFor = (contactId: string, productId: string, externalId: string) => ({
    organizationId: client.organizationId,
    type: 'invoice' as const,
    contactId,
    externalId,
    entryDate: '2026-11-30',
    paymentTermsMode: 'net' as const,
    paymentTermsDays: 14,
    currencyId: 'DKK',
    taxMode: 'excl' as const,
    state: 'draft' as const,
    lines: [{ productId, description: 'Flytterengøring', quantity: 3.5, unitPrice: 349 }],
  });

  it('creates and finds contacts and products by our keys, in Billy envelopes', async () => {
    const { contact, product } = await contactAndProduct();
    expect(fake.calls('contacts.create')[0]!.body).toMatchObject({ contact: { name: 'Byg & Co ApS' } });
    expect(await client.findContactByExternalId('customer-1')).toMatchObject({ id: contact.id });
    expect(await client.findContactByExternalId('customer-2')).toBeNull();
    expect(await client.findProductByNo('RENOS-CLEANING')).toMatchObject({ id: product.id });
    expect(fake.calls('contacts.list')[0]!.query).toMatchObject({ organizationId: fake.organizationId });
  });

  it('creates a draft, approves it, reads back number and totals, finds it by our reference', async () => {
    const { contact, product } = await contactAndProduct();
    const draft = await client.createInvoice(invoiceFor(contact.id, product.id, 'RO-1'));
    expect(draft).toMatchObject({ state: 'draft', invoiceNo: null, amount: 1221.5, tax: 305.38 });
    const approved = await client.approveInvoice(draft.id);
    expect(approved).toMatchObject({ state: 'approved', invoiceNo: '1001', grossAmount: 1526.88 });
    expect(await client.getInvoice(draft.id)).toMatchObject({ balance: 1526.88, isPaid: false });
    expect((await client.findInvoicesByExternalId('RO-1')).map((i) => i.id)).toEqual([draft.id]);
    expect(await client.findInvoicesByExternalId('RO-2')).toEqual([]);

    fake.recordPayment(draft.id);
    expect(await client.getInvoice(draft.id)).toMatchObject({ balance: 0, isPaid: true });
  });

  it('registers a payment the way Billy does (POST /bankPayments), which the invoice then shows', async () => {
    const { contact, product } = await contactAndProduct();
    const created = await client.createInvoice({
      ...invoiceFor(contact.id, product.id, 'RO-P'),
      state: 'approved',
    });
    const response = await fetch(`${fake.apiBaseUrl}/bankPayments`, {
      method: 'POST',
      headers: { 'X-Access-Token': fake.accessToken, 'content-type': 'application/json' },
      body: JSON.stringify({
        bankPayment: {
          organizationId: fake.organizationId,
          entryDate: '2026-12-01',
          cashAmount: 1526.88,
          cashSide: 'debit',
          associations: [{ subjectReference: `invoice:${created.id}` }],
        },
      }),
    });
    expect(response.status).toBe(200);
    expect(await client.getInvoice(created.id)).toMatchObject({ isPaid: true, balance: 0 });
  });

  it('maps errors to kinds: give up (validation), needs attention (auth), not found', async () => {
    const invalid = await failure(
      client.createContact({
        organizationId: client.organizationId,
        type: 'person',
        name: '',
        countryId: 'DK',
        externalId: 'x',
        isCustomer: true,
      }),
    );
    expect(invalid).toMatchObject({ kind: 'give_up', httpStatus: 422, vendorCode: 'VALIDATION_ERROR' });
    expect(invalid.retryable).toBe(false);
    expect(invalid.message).toContain('name');

    const wrongToken = new BillyRestClient(
      fake.apiBaseUrl,
      { apiKey: 'wrong', organizationId: fake.organizationId },
      options,
    );
    const auth = await failure(wrongToken.getInvoice('x'));
    expect(auth).toMatchObject({ kind: 'needs_attention', httpStatus: 401 });
    expect(auth.message).not.toContain(fake.accessToken);
    expect(await failure(client.getInvoice('missing'))).toMatchObject({ kind: 'not_found', httpStatus: 404 });
  });

  it('retries reads after 429 and 5xx, but never a write', async () => {
    fake.failNext('invoices.list', 429, { headers: { 'retry-after': '0' } });
    fake.failNext('invoices.list', 503);
    expect(await client.findInvoicesByExternalId('RO-9')).toEqual([]);
    expect(fake.calls('invoices.list')).toHaveLength(3);

    fake.failNext('contacts.create', 503);
    const error = await failure(contactAndProduct());
    expect(error).toMatchObject({ kind: 'retry', trouble: 'unavailable', httpStatus: 503 });
    expect(error.retryable).toBe(true);
    expect(fake.calls('contacts.create')).toHaveLength(1);

    fake.failNext('invoices.list', 500, { times: 5 });
    expect(await failure(client.findInvoicesByExternalId('RO-9'))).toMatchObject({
      kind: 'retry',
      trouble: 'unavailable',
    });
  });

  it('gives up after its timeout with a retryable timeout, though Billy did the work', async () => {
    const { contact, product } = await contactAndProduct();
    fake.hangAfterNext('invoices.create', 1_000);
    const error = await failure(client.createInvoice(invoiceFor(contact.id, product.id, 'RO-T')));
    expect(error).toMatchObject({ kind: 'retry', trouble: 'unreachable', httpStatus: null });
    expect(error.message).toContain('did not answer');
    expect(error.retryable).toBe(true);
    expect(fake.invoices({ externalId: 'RO-T' })).toHaveLength(1);
  });
});
