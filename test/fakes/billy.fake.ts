import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import {
  Delays,
  FailureQueue,
  FakeHttpServer,
  type FakeRequest,
  type RunningFake,
  sendJson,
  sleep,
} from './http.js';

/**
 * Billy's v2 REST API (https://api.billysbilling.com/v2), as its public documentation describes it,
 * for the parts RenOS uses. Served under `/v2`, so BILLY_API_BASE_URL is `${fake.url}/v2`.
 *
 *   GET  /v2/contacts?organizationId&externalId&registrationNo   { meta, contacts: [...] }
 *   POST /v2/contacts            { contact: {...} }               { meta, contacts: [created] }
 *   GET  /v2/contacts/{id}                                       { meta, contact }
 *   GET  /v2/products?organizationId&productNo                   { meta, products: [...] }
 *   POST /v2/products            { product: {...} }               { meta, products: [created] }
 *   GET  /v2/invoices?organizationId&externalId&state&isPaid&contactId   { meta, invoices: [...] }
 *   POST /v2/invoices            { invoice: {..., lines: [...]} } { meta, invoices: [created] }
 *   GET  /v2/invoices/{id}                                       { meta, invoice }
 *   PUT  /v2/invoices/{id}       { invoice: { state: 'approved' } }  { meta, invoices: [updated] }
 *   GET  /v2/contactPersons?contactId                            { meta, contactPersons: [...] }
 *   POST /v2/contactPersons      { contactPerson: { contactId, name, email, isPrimary } }  { meta, contactPersons: [created] }
 *   POST /v2/invoices/{id}/emails  { email: { contactPersonId, emailSubject, emailBody } }  { meta }
 *        (Billy e-mails the approved invoice to that contact person; a draft answers 422)
 *   POST /v2/bankPayments        { bankPayment: { entryDate, cashAmount, associations: [{ subjectReference: 'invoice:{id}' }] } }
 *
 * Every request needs `X-Access-Token`; a wrong one answers 401. Errors are
 * `{ meta: { statusCode, success: false }, errorCode, errorMessage }` (validation: 422 VALIDATION_ERROR).
 * Invoices are priced like Billy: each line's net and VAT rounded to øre, amounts as JSON numbers; an
 * approved invoice gets the next `invoiceNo`, and `balance`/`isPaid` follow the payments recorded.
 */

export type BillyMethod =
  | 'contacts.list'
  | 'contacts.create'
  | 'contacts.get'
  | 'products.list'
  | 'products.create'
  | 'invoices.list'
  | 'invoices.create'
  | 'invoices.get'
  | 'invoices.update'
  | 'bankPayments.create'
  | 'contactPersons.list'
  | 'contactPersons.create'
  | 'invoices.email'
  | 'organization.get';

export interface BillyFakeContactPerson {
  id: string;
  contactId: string;
  name: string | null;
  email: string | null;
  isPrimary: boolean;
}

/** An invoice e-mail Billy accepted: what it was asked to send, to whom. */
export interface BillyFakeInvoiceEmail {
  invoiceId: string;
  contactPersonId: string;
  to: string | null;
  emailSubject: string;
  emailBody: string;
  at: Date;
}

export interface BillyFakeContact {
  id: string;
  organizationId: string;
  type: 'person' | 'company';
  name: string;
  countryId: string;
  street: string | null;
  zipcodeText: string | null;
  cityText: string | null;
  registrationNo: string | null;
  externalId: string | null;
  isCustomer: boolean;
  createdTime: string;
}

export interface BillyFakeProduct {
  id: string;
  organizationId: string;
  name: string;
  productNo: string | null;
  prices: { unitPrice: number; currencyId: string }[];
}

export interface BillyFakeLine {
  id: string;
  productId: string;
  description: string;
  quantity: number;
  unitPrice: number;
  amount: number;
  tax: number;
  priority: number;
}

export interface BillyFakeInvoice {
  id: string;
  organizationId: string;
  type: 'invoice' | 'creditNote';
  createdTime: string;
  approvedTime: string | null;
  contactId: string;
  externalId: string | null;
  orderNo: string | null;
  entryDate: string;
  paymentTermsMode: string;
  paymentTermsDays: number;
  dueDate: string;
  state: 'draft' | 'approved' | 'voided';
  sentState: 'unsent' | 'sent';
  invoiceNo: string | null;
  taxMode: 'excl' | 'incl';
  amount: number;
  tax: number;
  grossAmount: number;
  currencyId: string;
  balance: number;
  isPaid: boolean;
  creditedInvoiceId: string | null;
  contactMessage: string | null;
  lines: BillyFakeLine[];
}

export interface BillyCall {
  method: BillyMethod | 'unknown';
  httpMethod: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status?: number;
  at: Date;
}

export interface BillyFakeOptions {
  accessToken?: string;
  organizationId?: string;
  /** VAT rate Billy's sales-tax ruleset applies, as a fraction (Danish standard: 0.25). */
  vatRate?: number;
  /** The first invoice number Billy hands out. */
  firstInvoiceNo?: number;
}

const newId = () => randomBytes(11).toString('base64url');
const ore = (amount: number) => Math.round(Number((amount * 100).toFixed(6)));
const kroner = (amountInOre: number) => amountInOre / 100;
const isDate = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);

function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

class BillyValidationError extends Error {}

export function billyError(status: number, errorCode: string, errorMessage: string) {
  return { meta: { statusCode: status, success: false }, errorCode, errorMessage };
}

export class BillyFake {
  readonly accessToken: string;
  readonly organizationId: string;
  private readonly http = new FakeHttpServer('billy', (req, res) => this.handle(req, res));
  private readonly contactsById = new Map<string, BillyFakeContact>();
  private readonly productsById = new Map<string, BillyFakeProduct>();
  private readonly invoicesById = new Map<string, BillyFakeInvoice>();
  private readonly contactPersonsById = new Map<string, BillyFakeContactPerson>();
  private readonly sentEmails: BillyFakeInvoiceEmail[] = [];
  private readonly failures = new FailureQueue<BillyMethod>();
  /** Invoices whose reads answer an error until `failInvoice(id, null)` or reset(), by id. */
  private readonly failingInvoices = new Map<string, number>();
  private readonly delays = new Delays<BillyMethod>();
  private readonly hangs: { method: BillyMethod; ms: number }[] = [];
  private readonly callLog: BillyCall[] = [];
  private nextInvoiceNo: number;
  private readonly vatRate: number;
  /** Added to the VAT of the next invoice created: how a test makes Billy disagree by an øre. */
  private nextTaxAdjustment = 0;

  constructor(options: BillyFakeOptions = {}) {
    this.accessToken = options.accessToken ?? `billy-${newId()}`;
    this.organizationId = options.organizationId ?? `org-${newId()}`;
    this.vatRate = options.vatRate ?? 0.25;
    this.nextInvoiceNo = options.firstInvoiceNo ?? 1001;
  }

  start(): Promise<RunningFake> {
    return this.http.start();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  get url(): string {
    return this.http.url;
  }

  /** BILLY_API_BASE_URL for the app. */
  get apiBaseUrl(): string {
    return `${this.http.url}/v2`;
  }

  // ------------------------------------------------------------ control API

  contacts(): BillyFakeContact[] {
    return [...this.contactsById.values()];
  }

  products(): BillyFakeProduct[] {
    return [...this.productsById.values()];
  }

  invoices(filter: { externalId?: string } = {}): BillyFakeInvoice[] {
    return [...this.invoicesById.values()].filter(
      (invoice) => filter.externalId === undefined || invoice.externalId === filter.externalId,
    );
  }

  invoice(id: string): BillyFakeInvoice | undefined {
    return this.invoicesById.get(id);
  }

  contactPersons(contactId?: string): BillyFakeContactPerson[] {
    return [...this.contactPersonsById.values()].filter(
      (person) => contactId === undefined || person.contactId === contactId,
    );
  }

  /** The invoice e-mails Billy accepted (and would have sent), oldest first. */
  invoiceEmails(invoiceId?: string): BillyFakeInvoiceEmail[] {
    return this.sentEmails.filter((email) => invoiceId === undefined || email.invoiceId === invoiceId);
  }

  calls(method?: BillyMethod): BillyCall[] {
    return this.callLog.filter((call) => method === undefined || call.method === method);
  }

  /** A payment registered in Billy (as POST /bankPayments does); the whole balance by default. */
  recordPayment(invoiceId: string, amount?: number): BillyFakeInvoice {
    const invoice = this.invoicesById.get(invoiceId);
    if (!invoice) throw new Error(`no Billy invoice ${invoiceId}`);
    this.applyPayment(invoice, amount ?? invoice.balance);
    return invoice;
  }

  /** The next `times` calls of `method` answer `status` with Billy's error envelope. */
  failNext(
    method: BillyMethod | '*',
    status: number,
    options: {
      times?: number;
      errorCode?: string;
      errorMessage?: string;
      headers?: Record<string, string>;
    } = {},
  ): void {
    const errorCode =
      options.errorCode ??
      (status === 401 ? 'AUTHENTICATION_REQUIRED' : status === 422 ? 'VALIDATION_ERROR' : 'SERVER_ERROR');
    this.failures.add(method, {
      status,
      body: billyError(status, errorCode, options.errorMessage ?? `Injected ${status}`),
      headers: options.headers ?? {},
      remaining: options.times ?? 1,
    });
  }

  /** Every read of this one invoice answers `status` (Billy down for it alone); `null` ends that. */
  failInvoice(invoiceId: string, status: number | null = 503): void {
    if (status === null) this.failingInvoices.delete(invoiceId);
    else this.failingInvoices.set(invoiceId, status);
  }

  /**
   * The next call of `method` is carried out, and then its answer is held for `ms`: a client with a
   * shorter timeout sees a timeout although Billy did the work (the case the caller must survive).
   */
  hangAfterNext(method: BillyMethod, ms: number): void {
    this.hangs.push({ method, ms });
  }

  delay(ms: number, method: BillyMethod | '*' = '*'): void {
    this.delays.set(ms, method);
  }

  /** The next invoice created gets this much more VAT than its lines add up to (e.g. 0.01). */
  adjustNextTax(amount: number): void {
    this.nextTaxAdjustment = amount;
  }

  reset(): void {
    this.contactsById.clear();
    this.productsById.clear();
    this.invoicesById.clear();
    this.contactPersonsById.clear();
    this.sentEmails.length = 0;
    this.failures.clear();
    this.failingInvoices.clear();
    this.delays.clear();
    this.hangs.length = 0;
    this.callLog.length = 0;
    this.nextTaxAdjustment = 0;
  }

  // ------------------------------------------------------------ internals

  private route(req: FakeRequest): { method: BillyMethod | 'unknown'; id?: string } {
    // The organization the access token belongs to (a connection test asks for it).
    if (req.method === 'GET' && req.path === '/v2/organization') return { method: 'organization.get' };
    const match =
      /^\/v2\/(contacts|products|invoices|bankPayments|contactPersons)(?:\/([^/]+))?(\/emails)?$/.exec(
        req.path,
      );
    if (!match) return { method: 'unknown' };
    const [, resource, id, sub] = match;
    const one = id === undefined ? undefined : decodeURIComponent(id);
    const key = `${req.method} ${resource}${one === undefined ? '' : '/:id'}${sub ?? ''}`;
    const methods: Record<string, BillyMethod> = {
      'GET contacts': 'contacts.list',
      'POST contacts': 'contacts.create',
      'GET contacts/:id': 'contacts.get',
      'GET products': 'products.list',
      'POST products': 'products.create',
      'GET invoices': 'invoices.list',
      'POST invoices': 'invoices.create',
      'GET invoices/:id': 'invoices.get',
      'PUT invoices/:id': 'invoices.update',
      'POST bankPayments': 'bankPayments.create',
      'GET contactPersons': 'contactPersons.list',
      'POST contactPersons': 'contactPersons.create',
      'POST invoices/:id/emails': 'invoices.email',
    };
    return { method: methods[key] ?? 'unknown', id: one };
  }

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    const { method, id } = this.route(req);
    let body: unknown;
    try {
      body = req.json();
    } catch {
      body = req.text();
    }
    const call: BillyCall = {
      method,
      httpMethod: req.method,
      path: req.path,
      query: Object.fromEntries(req.query),
      body,
      at: new Date(),
    };
    this.callLog.push(call);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      if (!res.destroyed) sendJson(res, status, payload, headers);
    };

    if (req.headers['x-access-token'] !== this.accessToken) {
      reply(401, billyError(401, 'AUTHENTICATION_REQUIRED', 'You must be logged in to do that.'));
      return;
    }
    if (method === 'unknown') {
      reply(404, billyError(404, 'ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}`));
      return;
    }
    await this.delays.wait(method);
    const failure = this.failures.take(method);
    if (failure) {
      reply(failure.status, failure.body, failure.headers);
      return;
    }
    const failingStatus =
      method === 'invoices.get' ? this.failingInvoices.get(req.path.split('/').pop() ?? '') : undefined;
    if (failingStatus !== undefined) {
      reply(failingStatus, billyError(failingStatus, 'SERVER_ERROR', `Injected ${failingStatus}`));
      return;
    }

    let status = 200;
    let payload: unknown;
    try {
      payload = this.perform(method, id, req.query, body);
    } catch (error) {
      if (!(error instanceof BillyValidationError)) throw error;
      reply(422, billyError(422, 'VALIDATION_ERROR', error.message));
      return;
    }
    if (payload === null) {
      status = 404;
      payload = billyError(404, 'RECORD_NOT_FOUND', `No ${method.split('.')[0]} with id ${id}`);
    }
    const hang = this.hangs.findIndex((entry) => entry.method === method);
    if (hang >= 0) {
      const [{ ms }] = this.hangs.splice(hang, 1);
      await sleep(ms);
    }
    reply(status, payload);
  }

  private meta(total?: number) {
    return {
      statusCode: 200,
      success: true,
      ...(total === undefined ? {} : { paging: { page: 1, pageCount: 1, pageSize: 1000, total } }),
    };
  }

  /** Answers the body of a success, or null for a missing record. */
  private perform(
    method: BillyMethod,
    id: string | undefined,
    query: URLSearchParams,
    body: unknown,
  ): unknown {
    const organizationId = query.get('organizationId');
    const matches = (record: Record<string, unknown>, fields: string[]) =>
      (organizationId === null || record.organizationId === organizationId) &&
      fields.every((field) => {
        const wanted = query.get(field);
        return wanted === null || String(record[field]) === wanted;
      });
    switch (method) {
      case 'organization.get':
        return {
          meta: this.meta(),
          organization: { id: this.organizationId, name: 'Fake ApS', baseCurrencyId: 'DKK' },
        };
      case 'contacts.list': {
        const contacts = this.contacts().filter((c) => matches({ ...c }, ['externalId', 'registrationNo']));
        return { meta: this.meta(contacts.length), contacts };
      }
      case 'contacts.get': {
        const contact = this.contactsById.get(id!);
        return contact ? { meta: this.meta(), contact } : null;
      }
      case 'contacts.create':
        return { meta: this.meta(), contacts: [this.createContact(envelope(body, 'contact'))] };
      case 'products.list': {
        const products = this.products().filter((p) => matches({ ...p }, ['productNo']));
        return { meta: this.meta(products.length), products };
      }
      case 'products.create':
        return { meta: this.meta(), products: [this.createProduct(envelope(body, 'product'))] };
      case 'invoices.list': {
        const invoices = this.invoices().filter((i) =>
          matches({ ...i }, ['externalId', 'state', 'isPaid', 'contactId']),
        );
        return { meta: this.meta(invoices.length), invoices: invoices.map(withoutLines) };
      }
      case 'invoices.get': {
        const invoice = this.invoicesById.get(id!);
        return invoice ? { meta: this.meta(), invoice: withoutLines(invoice) } : null;
      }
      case 'invoices.create':
        return { meta: this.meta(), invoices: [withoutLines(this.createInvoice(envelope(body, 'invoice')))] };
      case 'invoices.update': {
        const invoice = this.invoicesById.get(id!);
        if (!invoice) return null;
        this.updateInvoice(invoice, envelope(body, 'invoice'));
        return { meta: this.meta(), invoices: [withoutLines(invoice)] };
      }
      case 'contactPersons.list': {
        const contactId = query.get('contactId');
        const contactPersons = this.contactPersons(contactId ?? undefined);
        return { meta: this.meta(contactPersons.length), contactPersons };
      }
      case 'contactPersons.create': {
        const input = envelope(body, 'contactPerson');
        if (typeof input.contactId !== 'string' || !this.contactsById.has(input.contactId))
          throw new BillyValidationError('contactId: unknown contact');
        const person = this.addContactPerson(input.contactId, input);
        return { meta: this.meta(), contactPersons: [person] };
      }
      case 'invoices.email': {
        const invoice = this.invoicesById.get(id!);
        if (!invoice) return null;
        const input = envelope(body, 'email');
        if (invoice.state !== 'approved')
          throw new BillyValidationError('invoice: only an approved invoice can be e-mailed');
        const person =
          typeof input.contactPersonId === 'string'
            ? this.contactPersonsById.get(input.contactPersonId)
            : undefined;
        if (!person || person.contactId !== invoice.contactId)
          throw new BillyValidationError("contactPersonId: not a contact person of the invoice's contact");
        if (typeof input.emailSubject !== 'string' || input.emailSubject.trim() === '')
          throw new BillyValidationError('emailSubject: is required');
        if (typeof input.emailBody !== 'string' || input.emailBody.trim() === '')
          throw new BillyValidationError('emailBody: is required');
        this.sentEmails.push({
          invoiceId: invoice.id,
          contactPersonId: person.id,
          to: person.email,
          emailSubject: input.emailSubject,
          emailBody: input.emailBody,
          at: new Date(),
        });
        invoice.sentState = 'sent';
        return { meta: this.meta() };
      }
      case 'bankPayments.create': {
        const payment = envelope(body, 'bankPayment');
        const reference = (payment.associations as { subjectReference?: string }[] | undefined)?.[0]
          ?.subjectReference;
        const invoice = this.invoicesById.get(String(reference ?? '').replace(/^invoice:/, ''));
        if (!invoice) throw new BillyValidationError('associations: unknown invoice');
        if (typeof payment.cashAmount !== 'number' || payment.cashAmount <= 0)
          throw new BillyValidationError('cashAmount must be a positive number');
        this.applyPayment(invoice, payment.cashAmount);
        return { meta: this.meta(), bankPayments: [{ id: newId(), ...payment }] };
      }
    }
  }

  private checkOrganization(record: Record<string, unknown>): void {
    if (record.organizationId !== this.organizationId)
      throw new BillyValidationError('organizationId: not an organization of this access token');
  }

  private createContact(input: Record<string, unknown>): BillyFakeContact {
    this.checkOrganization(input);
    if (typeof input.name !== 'string' || input.name.trim() === '')
      throw new BillyValidationError('name: is required');
    if (input.type !== 'person' && input.type !== 'company')
      throw new BillyValidationError('type: must be person or company');
    if (typeof input.countryId !== 'string') throw new BillyValidationError('countryId: is required');
    const text = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : null);
    const contact: BillyFakeContact = {
      id: newId(),
      organizationId: this.organizationId,
      type: input.type,
      name: input.name,
      countryId: input.countryId,
      street: text('street'),
      zipcodeText: text('zipcodeText'),
      cityText: text('cityText'),
      registrationNo: text('registrationNo'),
      externalId: text('externalId'),
      isCustomer: input.isCustomer === true,
      createdTime: new Date().toISOString(),
    };
    this.contactsById.set(contact.id, contact);
    // Billy creates the persons given with the contact (`contactPersons: [...]`) as records of their own.
    if (Array.isArray(input.contactPersons))
      for (const person of input.contactPersons as Record<string, unknown>[])
        this.addContactPerson(contact.id, person);
    return contact;
  }

  private addContactPerson(contactId: string, input: Record<string, unknown>): BillyFakeContactPerson {
    const person: BillyFakeContactPerson = {
      id: newId(),
      contactId,
      name: typeof input.name === 'string' ? input.name : null,
      email: typeof input.email === 'string' ? input.email : null,
      isPrimary: input.isPrimary === true,
    };
    this.contactPersonsById.set(person.id, person);
    return person;
  }

  private createProduct(input: Record<string, unknown>): BillyFakeProduct {
    this.checkOrganization(input);
    if (typeof input.name !== 'string' || input.name.trim() === '')
      throw new BillyValidationError('name: is required');
    const product: BillyFakeProduct = {
      id: newId(),
      organizationId: this.organizationId,
      name: input.name,
      productNo: typeof input.productNo === 'string' ? input.productNo : null,
      prices: Array.isArray(input.prices) ? (input.prices as BillyFakeProduct['prices']) : [],
    };
    this.productsById.set(product.id, product);
    return product;
  }

  private createInvoice(input: Record<string, unknown>): BillyFakeInvoice {
    this.checkOrganization(input);
    if (typeof input.contactId !== 'string' || !this.contactsById.has(input.contactId))
      throw new BillyValidationError('contactId: unknown contact');
    if (!isDate(input.entryDate)) throw new BillyValidationError('entryDate: must be YYYY-MM-DD');
    const type = input.type === 'creditNote' ? 'creditNote' : 'invoice';
    const creditedInvoiceId = typeof input.creditedInvoiceId === 'string' ? input.creditedInvoiceId : null;
    if (type === 'creditNote' && (!creditedInvoiceId || !this.invoicesById.has(creditedInvoiceId)))
      throw new BillyValidationError('creditedInvoiceId: unknown invoice');
    if (!Array.isArray(input.lines) || input.lines.length === 0)
      throw new BillyValidationError('lines: at least one line is required');
    const lines = (input.lines as Record<string, unknown>[]).map((line, index): BillyFakeLine => {
      if (typeof line.productId !== 'string' || !this.productsById.has(line.productId))
        throw new BillyValidationError(`lines.${index}.productId: unknown product`);
      if (typeof line.quantity !== 'number' || line.quantity <= 0)
        throw new BillyValidationError(`lines.${index}.quantity: must be a positive number`);
      if (typeof line.unitPrice !== 'number')
        throw new BillyValidationError(`lines.${index}.unitPrice: is required`);
      const net = Math.round(Number((line.quantity * ore(line.unitPrice)).toFixed(6)));
      const tax = Math.round(Number((net * this.vatRate).toFixed(6)));
      return {
        id: newId(),
        productId: line.productId,
        description: typeof line.description === 'string' ? line.description : '',
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        amount: kroner(net),
        tax: kroner(tax),
        priority: typeof line.priority === 'number' ? line.priority : index + 1,
      };
    });
    const amountOre = lines.reduce((sum, line) => sum + ore(line.amount), 0);
    const taxOre = lines.reduce((sum, line) => sum + ore(line.tax), 0) + ore(this.nextTaxAdjustment);
    this.nextTaxAdjustment = 0;
    const paymentTermsDays = typeof input.paymentTermsDays === 'number' ? input.paymentTermsDays : 8;
    const invoice: BillyFakeInvoice = {
      id: newId(),
      organizationId: this.organizationId,
      type,
      createdTime: new Date().toISOString(),
      approvedTime: null,
      contactId: input.contactId,
      externalId: typeof input.externalId === 'string' ? input.externalId : null,
      orderNo: typeof input.orderNo === 'string' ? input.orderNo : null,
      entryDate: input.entryDate,
      paymentTermsMode: typeof input.paymentTermsMode === 'string' ? input.paymentTermsMode : 'net',
      paymentTermsDays,
      dueDate: addDays(input.entryDate, paymentTermsDays),
      state: 'draft',
      sentState: 'unsent',
      invoiceNo: null,
      taxMode: input.taxMode === 'incl' ? 'incl' : 'excl',
      amount: kroner(amountOre),
      tax: kroner(taxOre),
      grossAmount: kroner(amountOre + taxOre),
      currencyId: typeof input.currencyId === 'string' ? input.currencyId : 'DKK',
      balance: 0,
      isPaid: false,
      creditedInvoiceId,
      contactMessage: typeof input.contactMessage === 'string' ? input.contactMessage : null,
      lines,
    };
    if (input.state === 'approved') this.approve(invoice);
    this.invoicesById.set(invoice.id, invoice);
    return invoice;
  }

  private updateInvoice(invoice: BillyFakeInvoice, input: Record<string, unknown>): void {
    if (invoice.state !== 'draft')
      throw new BillyValidationError('state: an approved invoice cannot be changed');
    if (input.state === 'approved') this.approve(invoice);
  }

  private approve(invoice: BillyFakeInvoice): void {
    invoice.state = 'approved';
    invoice.approvedTime = new Date().toISOString();
    invoice.invoiceNo = String(this.nextInvoiceNo++);
    invoice.balance = invoice.grossAmount;
    if (invoice.type === 'creditNote' && invoice.creditedInvoiceId) {
      const credited = this.invoicesById.get(invoice.creditedInvoiceId);
      if (credited) this.applyPayment(credited, Math.min(credited.balance, invoice.grossAmount));
      invoice.balance = 0;
      invoice.isPaid = true;
    }
  }

  private applyPayment(invoice: BillyFakeInvoice, amount: number): void {
    if (invoice.state !== 'approved') throw new BillyValidationError('only approved invoices can be paid');
    invoice.balance = kroner(Math.max(0, ore(invoice.balance) - ore(amount)));
    invoice.isPaid = invoice.balance === 0;
  }
}

function envelope(body: unknown, root: string): Record<string, unknown> {
  const value = (body as Record<string, unknown> | undefined)?.[root];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BillyValidationError(`${root}: the request body must be { ${root}: {...} }`);
  return value as Record<string, unknown>;
}

/** Billy sideloads lines separately; the invoice record itself carries none. */
function withoutLines(invoice: BillyFakeInvoice): Omit<BillyFakeInvoice, 'lines'> {
  const { lines: _lines, ...rest } = invoice;
  return rest;
}
