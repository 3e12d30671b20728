import { Inject, Injectable } from '@nestjs/common';

import { AppConfig } from '../../core/config/app-config.js';
import type { BillyCredentials } from '../credentials/credentials.providers.js';
import { isIntegrationError } from '../integration-error.js';
import { billyHttpError, billyTrouble } from './billy.errors.js';
import type {
  BillyContact,
  BillyContactPersonRecord,
  BillyInvoice,
  BillyInvoiceEmail,
  BillyProduct,
  NewBillyContact,
  NewBillyContactPerson,
  NewBillyInvoice,
  NewBillyProduct,
} from './billy.types.js';

/** How patient the client is. One object, so a test can shorten the timeout of a running app. */
export interface BillyClientOptions {
  /** Per request; an answer later than this is a `retry` (the request may still have happened). */
  timeoutMs: number;
  /** Extra attempts of a read (GET) after a 429, a 5xx, a timeout or a network error. */
  readRetries: number;
  /** First wait between read attempts; doubles each time. */
  retryBaseMs: number;
}

export const BILLY_CLIENT_OPTIONS = Symbol('BILLY_CLIENT_OPTIONS');
export const DEFAULT_BILLY_CLIENT_OPTIONS: BillyClientOptions = {
  timeoutMs: 15_000,
  readRetries: 2,
  retryBaseMs: 250,
};
/** A Retry-After longer than this is left to the job's backoff rather than waited out in the call. */
const MAX_INLINE_WAIT_MS = 5_000;
const MAX_MESSAGE_LENGTH = 300;

type Query = Record<string, string | number | boolean | undefined>;

/** Injection token of the Billy port. */
export const BILLY_GATEWAY = Symbol('BillyGateway');

/** The Billy port: a client for one tenant's credentials. */
export interface BillyGateway {
  forCredentials(credentials: BillyCredentials): BillyClient;
}

/**
 * One organisation in Billy, in our words. Failures are IntegrationError with provider Billy (kinds in
 * billy.errors.ts).
 */
export interface BillyClient {
  readonly organizationId: string;
  findContactByExternalId(externalId: string): Promise<BillyContact | null>;
  /** The contact with this id, or null when Billy does not know it (deleted, or another organisation's). */
  getContact(id: string): Promise<BillyContact | null>;
  createContact(contact: NewBillyContact): Promise<BillyContact>;
  findProductByNo(productNo: string): Promise<BillyProduct | null>;
  createProduct(product: NewBillyProduct): Promise<BillyProduct>;
  /** Invoices carrying our reference as `externalId` (normally none or one). */
  findInvoicesByExternalId(externalId: string): Promise<BillyInvoice[]>;
  createInvoice(invoice: NewBillyInvoice): Promise<BillyInvoice>;
  getInvoice(id: string): Promise<BillyInvoice>;
  /** Draft → approved: Billy gives the invoice its number. */
  approveInvoice(id: string): Promise<BillyInvoice>;
  /** The contact's persons (Billy e-mails an invoice to one of them). */
  findContactPersons(contactId: string): Promise<BillyContactPersonRecord[]>;
  createContactPerson(person: NewBillyContactPerson): Promise<BillyContactPersonRecord>;
  /** Billy e-mails the approved invoice to the contact person; resolves when Billy accepted it. */
  sendInvoiceEmail(invoiceId: string, email: BillyInvoiceEmail): Promise<void>;
  /** The organisation the API key belongs to (GET /organization): a harmless call for a connection test. */
  getOrganization(): Promise<{ id: string; name: string }>;
}

/**
 * A small typed client over Billy's v2 REST API (Billy has no official Node SDK): `fetch` with a
 * timeout per request (AbortSignal.timeout), JSON envelopes in and out, and every failure turned into
 * an IntegrationError (provider Billy) of a kind the caller can act on. Reads are retried a little here; writes never are,
 * because a write that timed out may have happened: the caller searches before writing again.
 */
export class BillyRestClient implements BillyClient {
  constructor(
    private readonly baseUrl: string,
    private readonly credentials: BillyCredentials,
    private readonly options: BillyClientOptions,
  ) {}

  get organizationId(): string {
    return this.credentials.organizationId;
  }

  async findContactByExternalId(externalId: string): Promise<BillyContact | null> {
    const body = await this.request<{ contacts: BillyContact[] }>('GET', '/contacts', {
      query: { organizationId: this.organizationId, externalId },
    });
    return body.contacts.find((contact) => contact.externalId === externalId) ?? null;
  }

  /** The contact with this id, or null when Billy does not know it (deleted, or another organisation's). */
  async getContact(id: string): Promise<BillyContact | null> {
    try {
      const body = await this.request<{ contact?: BillyContact }>(
        'GET',
        `/contacts/${encodeURIComponent(id)}`,
      );
      return body.contact ?? null;
    } catch (error) {
      if (isIntegrationError(error, 'Billy') && error.kind === 'not_found') return null;
      throw error;
    }
  }

  async createContact(contact: NewBillyContact): Promise<BillyContact> {
    const body = await this.request<{ contacts: BillyContact[] }>('POST', '/contacts', { body: { contact } });
    return this.first(body.contacts, 'contacts');
  }

  async findProductByNo(productNo: string): Promise<BillyProduct | null> {
    const body = await this.request<{ products: BillyProduct[] }>('GET', '/products', {
      query: { organizationId: this.organizationId, productNo },
    });
    return body.products.find((product) => product.productNo === productNo) ?? null;
  }

  async createProduct(product: NewBillyProduct): Promise<BillyProduct> {
    const body = await this.request<{ products: BillyProduct[] }>('POST', '/products', { body: { product } });
    return this.first(body.products, 'products');
  }

  /** Invoices carrying our reference as `externalId` (normally none or one). */
  async findInvoicesByExternalId(externalId: string): Promise<BillyInvoice[]> {
    const body = await this.request<{ invoices: BillyInvoice[] }>('GET', '/invoices', {
      query: { organizationId: this.organizationId, externalId },
    });
    return body.invoices.filter((invoice) => invoice.externalId === externalId);
  }

  async createInvoice(invoice: NewBillyInvoice): Promise<BillyInvoice> {
    const body = await this.request<{ invoices: BillyInvoice[] }>('POST', '/invoices', { body: { invoice } });
    return this.first(body.invoices, 'invoices');
  }

  async getInvoice(id: string): Promise<BillyInvoice> {
    const body = await this.request<{ invoice: BillyInvoice }>('GET', `/invoices/${encodeURIComponent(id)}`);
    if (!body.invoice) throw billyTrouble('unavailable', 'Billy answered without the invoice');
    return body.invoice;
  }

  /** Draft → approved: Billy gives the invoice its number. */
  async approveInvoice(id: string): Promise<BillyInvoice> {
    const body = await this.request<{ invoices: BillyInvoice[] }>(
      'PUT',
      `/invoices/${encodeURIComponent(id)}`,
      { body: { invoice: { state: 'approved' } } },
    );
    return this.first(body.invoices, 'invoices');
  }

  async findContactPersons(contactId: string): Promise<BillyContactPersonRecord[]> {
    const body = await this.request<{ contactPersons?: BillyContactPersonRecord[] }>(
      'GET',
      '/contactPersons',
      {
        query: { contactId },
      },
    );
    return (body.contactPersons ?? []).filter((person) => person.contactId === contactId);
  }

  async createContactPerson(person: NewBillyContactPerson): Promise<BillyContactPersonRecord> {
    const body = await this.request<{ contactPersons: BillyContactPersonRecord[] }>(
      'POST',
      '/contactPersons',
      {
        body: { contactPerson: person },
      },
    );
    return this.first(body.contactPersons, 'contactPersons');
  }

  async sendInvoiceEmail(invoiceId: string, email: BillyInvoiceEmail): Promise<void> {
    await this.request<unknown>('POST', `/invoices/${encodeURIComponent(invoiceId)}/emails`, {
      body: { email },
    });
  }

  async getOrganization(): Promise<{ id: string; name: string }> {
    const body = await this.request<{ organization?: { id?: string; name?: string } }>(
      'GET',
      '/organization',
    );
    const organization = body.organization;
    if (!organization?.id) throw billyTrouble('unavailable', 'Billy answered without organization');
    return { id: organization.id, name: organization.name ?? '' };
  }

  private first<T>(records: T[] | undefined, root: string): T {
    const record = records?.[0];
    if (!record) throw billyTrouble('unavailable', `Billy answered without ${root}`);
    return record;
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const attempts = method === 'GET' ? this.options.readRetries + 1 : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.once<T>(method, path, options);
      } catch (error) {
        if (!isIntegrationError(error, 'Billy') || !error.retryable || attempt >= attempts) throw error;
        const backoff = this.options.retryBaseMs * 2 ** (attempt - 1);
        const wait = Math.max(backoff, (error.retryAfterSeconds ?? 0) * 1000);
        if (wait > MAX_INLINE_WAIT_MS) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async once<T>(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown },
  ): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          'X-Access-Token': this.credentials.apiKey,
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw billyTrouble(
          'unreachable',
          `Billy did not answer ${method} ${path} within ${this.options.timeoutMs} ms`,
        );
      }
      throw billyTrouble('unreachable', `Billy could not be reached (${method} ${path})`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw billyTrouble('unreachable', `Billy's answer to ${method} ${path} was cut off`);
    }
    const parsed = parseJson(text);
    if (!response.ok) {
      const envelope = (parsed ?? {}) as { errorCode?: unknown; errorMessage?: unknown };
      const errorCode = typeof envelope.errorCode === 'string' ? envelope.errorCode : undefined;
      const detail = typeof envelope.errorMessage === 'string' ? `: ${envelope.errorMessage}` : '';
      const retryAfter = Number(response.headers.get('retry-after'));
      throw billyHttpError(
        response.status,
        `Billy answered ${response.status} to ${method} ${path}${detail}`.slice(0, MAX_MESSAGE_LENGTH),
        errorCode,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      );
    }
    if (parsed === undefined)
      throw billyTrouble('unavailable', `Billy answered ${method} ${path} without JSON`);
    return parsed as T;
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Makes a client for one tenant's credentials, against BILLY_API_BASE_URL. */
@Injectable()
export class BillyRestGateway implements BillyGateway {
  constructor(
    private readonly config: AppConfig,
    @Inject(BILLY_CLIENT_OPTIONS) private readonly options: BillyClientOptions,
  ) {}

  forCredentials(credentials: BillyCredentials): BillyClient {
    return new BillyRestClient(this.config.billy.apiBaseUrl, credentials, this.options);
  }
}
