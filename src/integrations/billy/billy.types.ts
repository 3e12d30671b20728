/**
 * Billy's v2 REST API (https://api.billysbilling.com/v2), the parts RenOS uses. Every request carries
 * `X-Access-Token`; a write sends one record in a singular envelope (`{ invoice: {…} }`) and every
 * answer is `{ meta, <plural>: [...] }` (a GET by id answers the singular). Amounts travel as JSON numbers.
 */

export interface BillyMeta {
  statusCode?: number;
  success?: boolean;
  paging?: { page: number; pageCount: number; pageSize: number; total: number };
}

export type BillyContactType = 'person' | 'company';

export interface BillyContactPerson {
  name?: string;
  email?: string;
  isPrimary?: boolean;
}

export interface BillyContact {
  id: string;
  organizationId: string;
  type: BillyContactType;
  name: string;
  countryId: string;
  street?: string | null;
  zipcodeText?: string | null;
  cityText?: string | null;
  registrationNo?: string | null;
  externalId?: string | null;
  isCustomer?: boolean;
}

export interface NewBillyContact {
  organizationId: string;
  type: BillyContactType;
  name: string;
  countryId: 'DK';
  street?: string;
  zipcodeText?: string;
  cityText?: string;
  /** CVR for companies. */
  registrationNo?: string;
  /** Our customer id, so the contact can be found again. */
  externalId: string;
  isCustomer: true;
  contactPersons?: BillyContactPerson[];
}

export interface BillyProductPrice {
  unitPrice: number;
  currencyId: string;
}

export interface BillyProduct {
  id: string;
  organizationId: string;
  name: string;
  productNo?: string | null;
  prices?: BillyProductPrice[];
}

export interface NewBillyProduct {
  organizationId: string;
  name: string;
  productNo: string;
  prices: BillyProductPrice[];
}

export type BillyInvoiceState = 'draft' | 'approved' | 'voided';

export interface BillyInvoiceLine {
  productId: string;
  description: string;
  quantity: number;
  /** Excl. VAT (taxMode `excl`). */
  unitPrice: number;
  priority?: number;
}

export interface NewBillyInvoice {
  organizationId: string;
  type: 'invoice' | 'creditNote';
  contactId: string;
  /** Our reference: Billy filters invoices by it, which makes a create after a timeout safe. */
  externalId: string;
  orderNo?: string;
  entryDate: string;
  paymentTermsMode: 'net';
  paymentTermsDays: number;
  currencyId: string;
  taxMode: 'excl';
  state: BillyInvoiceState;
  creditedInvoiceId?: string;
  contactMessage?: string;
  lines: BillyInvoiceLine[];
}

export interface BillyInvoice {
  id: string;
  organizationId: string;
  type: 'invoice' | 'creditNote';
  contactId: string;
  externalId?: string | null;
  invoiceNo: string | null;
  state: BillyInvoiceState;
  sentState?: string;
  entryDate: string;
  dueDate: string | null;
  currencyId: string;
  /** Net, excl. VAT. */
  amount: number;
  tax: number;
  grossAmount: number;
  balance: number;
  isPaid: boolean;
  creditedInvoiceId?: string | null;
}

export interface BillyContactPersonRecord {
  id: string;
  contactId: string;
  name?: string | null;
  email?: string | null;
  isPrimary?: boolean;
}

export interface NewBillyContactPerson {
  contactId: string;
  name: string;
  email: string;
  isPrimary: boolean;
}

/** `POST /invoices/{id}/emails`: Billy e-mails the approved invoice (its PDF and link) to one contact person. */
export interface BillyInvoiceEmail {
  contactPersonId: string;
  emailSubject: string;
  emailBody: string;
}
