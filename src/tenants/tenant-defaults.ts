import type { Prisma, Tenant } from '../generated/prisma/client.js';
import type { EmailTemplateType, SeriesInvoicing } from '../generated/prisma/enums.js';

/**
 * What a new tenant starts with (docs/architecture.md, Data model): Copenhagen time, DKK, 349 kr./hour excl.
 * VAT, 25 % VAT, 14 days' payment terms, weekday working hours, four slot start times, Danish public holidays
 * closed. The seed and POST /tenants both use these, so every tenant starts the same way.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export interface TimeRange {
  start: string;
  end: string;
}
export type WorkingHours = Record<Weekday, TimeRange[]>;

export interface SlotRules {
  startTimes: string[];
  bufferMinutes: number;
  /** 1 = the next working day at the earliest. */
  minimumNoticeDays: number;
  horizonDays: number;
  /** How long offered slots are held; 0 turns holds off. */
  holdMinutes: number;
}

export interface ClosedDays {
  danishPublicHolidays: boolean;
  /** Extra closed dates, YYYY-MM-DD in the tenant's time zone. */
  dates: string[];
}

export interface ExtractionRules {
  minimumConfidence: number;
  /** Hours of work per m² by service type, for leads that give a size but no hours. */
  hoursPerSquareMetre: Record<string, number>;
}

export interface SmsRules {
  quietHoursStart: string;
  quietHoursEnd: string;
  dailyCap: number;
}

/**
 * Which booking changes made by staff the customer is told of, by SMS and e-mail (docs/architecture.md,
 * step 7): a booking confirmed, moved (time, length or team) or cancelled. All on by default.
 */
export interface CustomerNotices {
  bookingConfirmed: boolean;
  bookingMoved: boolean;
  bookingCancelled: boolean;
}

const WEEKDAY: TimeRange[] = [{ start: '08:00', end: '16:00' }];

/** What may happen to a series visit whose date is closed or whose team is busy: moved, or left out. */
export const SERIES_CONFLICT_RULES = ['next_working_day', 'skip'] as const;

/**
 * The tenant's rules for recurring cleaning (the `seriesRules` column, `PATCH /api/tenant`): how far ahead visits are made,
 * what happens to a visit whose date is closed or whose team is busy, and how visits are invoiced when
 * the series does not say.
 */
export interface SeriesRules {
  horizonWeeks: number;
  onConflict: (typeof SERIES_CONFLICT_RULES)[number];
  invoicing: SeriesInvoicing;
}

export const DEFAULT_SERIES_RULES: SeriesRules = {
  horizonWeeks: 8,
  onConflict: 'next_working_day',
  invoicing: 'per_visit',
};

export function seriesRules(stored: unknown): SeriesRules {
  const value = (stored && typeof stored === 'object' ? stored : {}) as Partial<SeriesRules>;
  return {
    horizonWeeks:
      Number.isInteger(value.horizonWeeks) && value.horizonWeeks! >= 1 && value.horizonWeeks! <= 52
        ? value.horizonWeeks!
        : DEFAULT_SERIES_RULES.horizonWeeks,
    onConflict: value.onConflict === 'skip' ? 'skip' : 'next_working_day',
    invoicing: value.invoicing === 'monthly' ? 'monthly' : 'per_visit',
  };
}

/** A tenant's rule settings, typed: the JSON columns are written only through the validated DTOs and the defaults. */
export interface TenantRules {
  seriesRules: SeriesRules;
  workingHours: WorkingHours;
  slotRules: SlotRules;
  closedDays: ClosedDays;
  extractionRules: ExtractionRules;
  smsRules: SmsRules;
  customerNotices: CustomerNotices;
}

export function tenantRules(tenant: Pick<Tenant, keyof TenantRules>): TenantRules {
  return {
    workingHours: tenant.workingHours as unknown as WorkingHours,
    slotRules: tenant.slotRules as unknown as SlotRules,
    closedDays: tenant.closedDays as unknown as ClosedDays,
    extractionRules: tenant.extractionRules as unknown as ExtractionRules,
    smsRules: tenant.smsRules as unknown as SmsRules,
    seriesRules: seriesRules(tenant.seriesRules),
    customerNotices: { ...DEFAULT_CUSTOMER_NOTICES, ...(tenant.customerNotices as Partial<CustomerNotices>) },
  };
}

export const DEFAULT_WORKING_HOURS: WorkingHours = {
  mon: WEEKDAY,
  tue: WEEKDAY,
  wed: WEEKDAY,
  thu: WEEKDAY,
  fri: WEEKDAY,
  sat: [],
  sun: [],
};

export const DEFAULT_SLOT_RULES: SlotRules = {
  startTimes: ['08:00', '10:00', '12:00', '14:00'],
  bufferMinutes: 30,
  minimumNoticeDays: 1,
  horizonDays: 14,
  holdMinutes: 1440,
};

export const DEFAULT_CLOSED_DAYS: ClosedDays = { danishPublicHolidays: true, dates: [] };

export const DEFAULT_EXTRACTION_RULES: ExtractionRules = {
  minimumConfidence: 0.7,
  hoursPerSquareMetre: {
    Flytterengøring: 0.05,
    Hovedrengøring: 0.04,
    Vinduespudsning: 0.015,
    'Fast rengøring': 0.025,
    Erhvervsrengøring: 0.02,
  },
};

export const DEFAULT_SMS_RULES: SmsRules = {
  quietHoursStart: '21:00',
  quietHoursEnd: '08:00',
  dailyCap: 500,
};

export const DEFAULT_CUSTOMER_NOTICES: CustomerNotices = {
  bookingConfirmed: true,
  bookingMoved: true,
  bookingCancelled: true,
};

export const DEFAULT_LEAD_SENDER_DOMAINS = ['leadpoint.dk', 'leadmail.no', 'rendetalje.dk'];

export const DEFAULT_TEAM_NAME = 'Hold 1';

/** The tenant columns a new tenant gets besides its name, slug and addresses. */
export function defaultTenantSettings() {
  return {
    timezone: 'Europe/Copenhagen',
    currency: 'DKK',
    hourlyRate: '349.00',
    vatRate: '25.00',
    paymentTermsDays: 14,
    billyInvoiceState: 'draft' as const,
    workingHours: DEFAULT_WORKING_HOURS as unknown as Prisma.InputJsonObject,
    slotRules: DEFAULT_SLOT_RULES as unknown as Prisma.InputJsonObject,
    closedDays: DEFAULT_CLOSED_DAYS as unknown as Prisma.InputJsonObject,
    extractionRules: DEFAULT_EXTRACTION_RULES as unknown as Prisma.InputJsonObject,
    smsRules: DEFAULT_SMS_RULES as unknown as Prisma.InputJsonObject,
    customerNotices: DEFAULT_CUSTOMER_NOTICES as unknown as Prisma.InputJsonObject,
  };
}

export interface TemplateDefault {
  type: EmailTemplateType;
  name: string;
  subject: string;
  content: string;
}

/**
 * Danish texts; `{{placeholders}}` are filled when sent (email/email-variables.ts lists which each
 * type gets). Prices are shown incl. VAT. The sentences that depend on what will happen (a price or
 * not, an SMS now, later or a call) are whole placeholders, so a text never promises what is not true.
 */
export const DEFAULT_EMAIL_TEMPLATES: readonly TemplateDefault[] = [
  {
    type: 'lead_response',
    name: 'Svar på forespørgsel',
    subject: 'Tak for din forespørgsel om {{serviceType}}',
    content: [
      '{{greeting}}',
      '',
      'Tak for din forespørgsel om {{serviceDescription}}.',
      '{{priceText}}',
      '',
      '{{nextStep}}',
      '',
      'Venlig hilsen',
      '{{companyName}}',
    ].join('\n'),
  },
  {
    type: 'booking_confirmation',
    name: 'Bekræftelse af booking',
    subject: 'Din booking er bekræftet: {{bookingDate}} kl. {{bookingTime}}',
    content: [
      '{{greeting}}',
      '',
      'Tak for din booking. Vi kommer {{bookingDate}} kl. {{bookingTime}} til {{address}}.',
      'Opgave: {{serviceType}}, ca. {{duration}}, i alt ca. {{totalAmount}} kr. inkl. moms.',
      '',
      'Skal tiden ændres, så svar blot på denne e-mail.',
      '',
      'Venlig hilsen',
      '{{companyName}}',
    ].join('\n'),
  },
  {
    type: 'booking_moved',
    name: 'Booking ændret',
    subject: 'Din booking er ændret: {{bookingDate}} kl. {{bookingTime}}',
    content: [
      '{{greeting}}',
      '',
      'Vi har ændret din booking. Vi kommer nu {{bookingDate}} kl. {{bookingTime}} til {{address}}.',
      'Opgave: {{serviceType}}, ca. {{duration}}, i alt ca. {{totalAmount}} kr. inkl. moms.',
      '',
      'Passer det nye tidspunkt ikke, så svar blot på denne e-mail.',
      '',
      'Venlig hilsen',
      '{{companyName}}',
    ].join('\n'),
  },
  {
    type: 'booking_cancelled',
    name: 'Booking aflyst',
    subject: 'Din booking {{bookingDate}} kl. {{bookingTime}} er aflyst',
    content: [
      '{{greeting}}',
      '',
      'Vi har aflyst din {{serviceType}} {{bookingDate}} kl. {{bookingTime}} på {{address}}.',
      '',
      'Ønsker du en ny tid, så svar blot på denne e-mail.',
      '',
      'Venlig hilsen',
      '{{companyName}}',
    ].join('\n'),
  },
  {
    type: 'booking_cancelled_by_customer',
    name: 'Kunden har aflyst',
    subject: 'Din booking {{bookingDate}} kl. {{bookingTime}} er aflyst',
    content: [
      '{{greeting}}',
      '',
      'Tak for din besked. Vi har aflyst din {{serviceType}} {{bookingDate}} kl. {{bookingTime}} på {{address}}, som du bad om.',
      '',
      '{{feeText}}',
      '',
      'Ønsker du en ny tid, så svar blot på denne e-mail.',
      '',
      'Venlig hilsen',
      '{{companyName}}',
    ].join('\n'),
  },
  {
    type: 'booking_moved_by_customer',
    name: 'Kunden har flyttet sin booking',
    subject: 'Din booking er flyttet til {{bookingDate}} kl. {{bookingTime}}',
    content: [
      '{{greeting}}',
      '',
      'Tak for din besked. Vi har flyttet din booking, som du bad om. Vi kommer nu {{bookingDate}} kl. {{bookingTime}} til {{address}}.',
      'Opgave: {{serviceType}}, ca. {{duration}}, i alt ca. {{totalAmount}} kr. inkl. moms.',
      '',
      'Venlig hilsen',
      '{{companyName}}',
    ].join('\n'),
  },
  {
    type: 'booking_reminder',
    name: 'Påmindelse om booking',
    subject: 'Påmindelse: vi kommer {{bookingDate}} kl. {{bookingTime}}',
    content: [
      '{{greeting}}',
      '',
      'En venlig påmindelse om, at vi kommer {{bookingDate}} kl. {{bookingTime}} til {{address}}.',
      '',
      'Venlig hilsen',
      '{{companyName}}',
    ].join('\n'),
  },
  {
    type: 'invoice_reminder',
    name: 'Betalingspåmindelse',
    subject: 'Påmindelse om faktura nr. {{invoiceNumber}}',
    content: [
      '{{greeting}}',
      '',
      'Vi har endnu ikke modtaget betaling for faktura nr. {{invoiceNumber}} på {{total}} kr. inkl. moms',
      'med forfald {{dueDate}}. Vi beder dig venligst betale beløbet hurtigst muligt.',
      '',
      '{{paymentDetails}}',
      '',
      'Har du allerede betalt, kan du se bort fra denne påmindelse.',
      '',
      'Venlig hilsen',
      '{{companyName}}',
    ].join('\n'),
  },
];
