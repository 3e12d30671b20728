import { formatAmount, formatDay, formatShortDateTime } from '../core/format/danish.js';
import { DomainError } from '../core/http/domain-error.js';
import { placeholdersIn, renderTemplate, singleLine } from '../email/email-template.js';
import {
  bookingVariables,
  EMAIL_PLACEHOLDERS,
  personVariables,
  type TemplatedEmailType,
} from '../email/email-variables.js';
import type { SmsTemplateType } from '../generated/prisma/enums.js';
import { leadReplyVariables } from '../intake/lead-reply.js';
import { paymentLines } from '../invoices/invoice-document.js';
import {
  MAX_SMS_SEGMENTS,
  renderSms,
  SMS_PLACEHOLDERS,
  SMS_REQUIRED_IN_TEXT,
  smsBudget,
} from '../sms/text/sms-templates.js';
import { cancellationFeeText, offerVariables } from '../sms/text/sms-texts.js';
import { DEFAULT_EMAIL_TEMPLATES } from '../tenants/tenant-defaults.js';

/**
 * What a template a tenant writes must be, and how it looks filled with typical values: the rules
 * behind PUT and preview of /email-templates and /sms-templates.
 */

/** The e-mail types a tenant may edit: every one with a template (the staff notification has none). */
export type EditableEmailType = TemplatedEmailType;
export const EMAIL_TEMPLATE_TYPES = DEFAULT_EMAIL_TEMPLATES.map((t) => t.type) as EditableEmailType[];

export function isEmailTemplateType(type: string): type is EditableEmailType {
  return (EMAIL_TEMPLATE_TYPES as string[]).includes(type);
}

export function emailPlaceholders(type: EditableEmailType): readonly string[] {
  return EMAIL_PLACEHOLDERS[type];
}

export function smsPlaceholders(type: SmsTemplateType): readonly string[] {
  return SMS_PLACEHOLDERS[type];
}

export class UnknownTemplateTypeError extends DomainError {
  constructor(kind: 'e-mail' | 'SMS', type: string, known: readonly string[]) {
    super('not_found', `No ${kind} template of type "${type}"`, { type, known });
  }
}

/** A 400 naming the field (`subject`, `body`) and what is wrong with it. */
export class TemplateFieldError extends DomainError {
  constructor(field: string, message: string, extra: Record<string, unknown> = {}) {
    super('validation_failed', `Invalid ${field}: ${message}`, [{ field, message, ...extra }]);
  }
}

/** `{{…}}` that is not a placeholder ("{{ first name }}", a lone "{{"): the customer would read it. */
const LEFTOVER_BRACES = /\{\{|\}\}/;

/**
 * Checks one part of a template: only the placeholders `allowed` lists, and no braces that are not
 * one. Throws a 400 naming the field and every unknown placeholder.
 */
export function checkPlaceholders(field: string, text: string, allowed: readonly string[]): void {
  const unknown = placeholdersIn(text).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) {
    const names = unknown.map((name) => `{{${name}}}`).join(', ');
    throw new TemplateFieldError(
      field,
      `unknown placeholder${unknown.length > 1 ? 's' : ''} ${names}; this template may use ${allowed
        .map((name) => `{{${name}}}`)
        .join(', ')}`,
      { unknown, allowed },
    );
  }
  const emptied = renderTemplate(text, Object.fromEntries(allowed.map((name) => [name, '']))).text;
  if (LEFTOVER_BRACES.test(emptied))
    throw new TemplateFieldError(
      field,
      'braces that are not a placeholder: write a placeholder as {{name}}, with one of the names listed',
      { allowed },
    );
}

// The sample values: typical, on the long side (the longest weekday and month in the times).
const ZONE = 'Europe/Copenhagen';
const THURSDAY_10 = new Date('2026-09-24T08:00:00Z');
const SAMPLE_NAME = 'Christoffer Hansen';
/** The longer of the two fee sentences a customer's cancellation gets. */
const LATE_FEE_SAMPLE = cancellationFeeText({ hours: 24, feeInclVat: '312.50' });
const SAMPLE_LEAD = {
  serviceType: 'Flytterengøring',
  address: 'Søndergade 4',
  postalCode: '8000',
  city: 'Aarhus C',
};

/** Sample values of every placeholder of an e-mail type, with the tenant's name as `companyName`. */
export function emailSamples(type: EditableEmailType, companyName: string): Record<string, string> {
  const booking = {
    companyName,
    ...bookingVariables({
      ...SAMPLE_LEAD,
      customerName: SAMPLE_NAME,
      startsAt: THURSDAY_10,
      durationHours: '3.5',
      totalInclVat: '1526.88',
      timezone: ZONE,
    }),
  };
  switch (type) {
    case 'lead_response':
      return {
        companyName,
        ...leadReplyVariables({
          ...SAMPLE_LEAD,
          customerName: SAMPLE_NAME,
          estimatedHours: '3.5',
          hourlyRate: '349.00',
          vatRate: '25.00',
          timezone: ZONE,
          plan: { kind: 'sms_now' },
          now: THURSDAY_10,
        }),
      };
    case 'booking_confirmation':
    case 'booking_moved':
    case 'booking_cancelled':
    case 'booking_moved_by_customer':
    case 'booking_reminder':
      return booking;
    case 'booking_cancelled_by_customer':
      return { ...booking, feeText: LATE_FEE_SAMPLE };
    case 'invoice_reminder':
      return {
        companyName,
        ...personVariables(SAMPLE_NAME),
        invoiceNumber: '1042',
        total: formatAmount('1526.88'),
        dueDate: formatDay(THURSDAY_10, 'UTC'),
        paymentDetails: paymentLines(
          { bankRegNo: '1234', bankAccountNo: '0012345678', fikCreditorNo: null, mobilePayNumber: '12345' },
          '1042',
        ).join('\n'),
      };
  }
}

/** Sample values of every SMS placeholder, with the tenant's name as `companyName`. */
export function smsSamples(companyName: string): Record<string, string> {
  const offer = offerVariables({
    customerName: SAMPLE_NAME,
    tenantName: companyName,
    timezone: ZONE,
    slots: [
      { choice: 1, startsAt: THURSDAY_10 },
      { choice: 2, startsAt: new Date('2026-09-23T12:00:00Z') },
      { choice: 3, startsAt: new Date('2026-09-28T06:00:00Z') },
    ],
    hours: '3.5',
    hourlyRate: '349.00',
    vatRate: '25.00',
  });
  return {
    ...offer,
    dateTime: formatShortDateTime(THURSDAY_10, ZONE),
    feeText: LATE_FEE_SAMPLE,
    answerBy: formatShortDateTime(THURSDAY_10, ZONE),
    address: 'Søndergade 4, 8000 Aarhus C',
  };
}

export interface RenderedEmail {
  subject: string;
  body: string;
}

/** An e-mail template filled with the sample values, as EmailService renders it. */
export function renderEmailSample(
  type: EditableEmailType,
  template: RenderedEmail,
  companyName: string,
): RenderedEmail {
  const values = emailSamples(type, companyName);
  return {
    subject: singleLine(renderTemplate(template.subject, values).text),
    body: renderTemplate(template.body, values).text,
  };
}

export interface RenderedSms {
  body: string;
  /** Characters as a handset counts them (GSM-7 septets, or UTF-16 units in UCS-2). */
  characters: number;
  segments: number;
  encoding: string;
}

/** An SMS template filled with the sample values, as it would be sent, with its length. */
export function renderSmsSample(type: SmsTemplateType, template: string, companyName: string): RenderedSms {
  const body = renderSms(type, template, smsSamples(companyName) as never);
  const budget = smsBudget(body);
  return { body, characters: budget.characters, segments: budget.segments, encoding: budget.encoding };
}

/**
 * Checks an SMS template a tenant wants to store: known placeholders only, the ones it cannot do
 * without (an offer's times), and no longer than two segments when filled with typical values.
 * Returns the sample rendering.
 */
export function checkSmsTemplate(type: SmsTemplateType, body: string, companyName: string): RenderedSms {
  checkPlaceholders('body', body, SMS_PLACEHOLDERS[type]);
  const used = placeholdersIn(body);
  const left = (SMS_REQUIRED_IN_TEXT[type] ?? []).filter((name) => !used.includes(name));
  if (left.length > 0)
    throw new TemplateFieldError(
      'body',
      `must use ${left.map((name) => `{{${name}}}`).join(', ')}: without it the customer cannot answer`,
      { missing: left },
    );
  const rendered = renderSmsSample(type, body, companyName);
  if (rendered.segments > MAX_SMS_SEGMENTS) {
    const limit = rendered.encoding === 'GSM-7' ? 306 : 134;
    throw new TemplateFieldError(
      'body',
      `renders to ${rendered.characters} characters (${rendered.encoding}, ${rendered.segments} segments) with typical values; ` +
        `at most ${limit} fit in ${MAX_SMS_SEGMENTS} segments`,
      { characters: rendered.characters, encoding: rendered.encoding, segments: rendered.segments, limit },
    );
  }
  return rendered;
}

/** Checks an e-mail template a tenant wants to store (or preview): known placeholders only. */
export function checkEmailTemplate(type: EditableEmailType, template: Partial<RenderedEmail>): void {
  if (template.subject !== undefined)
    checkPlaceholders('subject', template.subject, EMAIL_PLACEHOLDERS[type]);
  if (template.body !== undefined) checkPlaceholders('body', template.body, EMAIL_PLACEHOLDERS[type]);
}
