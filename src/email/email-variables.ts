import {
  firstNameOf,
  formatAddress,
  formatAmount,
  formatDate,
  formatHours,
  formatHoursNumber,
  formatTime,
  greetingFor,
  serviceInSentence,
  UNKNOWN_CUSTOMER_NAME,
} from '../core/format/danish.js';
import type { DecimalInput } from '../core/money/money.js';
import type { EmailTemplateType } from '../generated/prisma/enums.js';

/**
 * The placeholders each e-mail template type is filled with: the code that records an e-mail must give
 * every one of them a value (the types below make it, and `renderTemplate` throws when one is missing,
 * so a gap fails a test instead of reaching a customer as an empty word).
 *
 * - `greeting`: "Hej Mette" (the first name, or a company's whole name), or "Hej" without a name;
 * - `serviceType`: lower case for the middle of a sentence ("flytterengøring"; "rengøring" when unknown);
 * - dates "tirsdag d. 22. marts 2027", times "10.00" (the template writes "kl."), amounts "1.526,88"
 *   (the template writes "kr."), durations "2,5 timer" / "1 time": all from core/format/danish.ts.
 */
const PERSON = ['companyName', 'customerName', 'firstName', 'greeting'] as const;
const BOOKING = [
  ...PERSON,
  'serviceType',
  'bookingDate',
  'bookingTime',
  'address',
  'duration',
  'durationHours',
  'totalAmount',
] as const;

export const EMAIL_PLACEHOLDERS = {
  lead_response: [
    ...PERSON,
    'serviceType',
    'serviceDescription',
    'address',
    'priceText',
    'nextStep',
    'hourlyRate',
  ],
  booking_confirmation: BOOKING,
  booking_moved: BOOKING,
  booking_cancelled: BOOKING,
  // The customer did it themselves (the booking link, or AFLYS/FLYT by SMS). `feeText`: one sentence on
  // what the cancellation costs ("Aflysningen er gratis.").
  booking_cancelled_by_customer: [...BOOKING, 'feeText'],
  booking_moved_by_customer: BOOKING,
  booking_reminder: [...PERSON, 'serviceType', 'bookingDate', 'bookingTime', 'address'],
  invoice_reminder: [...PERSON, 'invoiceNumber', 'total', 'dueDate', 'paymentDetails'],
  // Written whole by their senders (NotificationsService, the people module, the invoices feature with
  // the invoice's PDF): no template, no placeholders.
  staff_notification: [],
  invoice_sent: [],
  user_invitation: [],
  password_reset: [],
} as const satisfies Record<EmailTemplateType, readonly string[]>;

/** The types whose text the sending code writes whole (`EmailService.enqueueWritten`): no tenant template. */
export const WRITTEN_EMAIL_TYPES = [
  'staff_notification',
  'invoice_sent',
  'user_invitation',
  'password_reset',
] as const satisfies readonly EmailTemplateType[];

/** The types a tenant's template writes, which it can read and edit (GET/PUT /email-templates/:type). */
export type TemplatedEmailType = Exclude<EmailTemplateType, (typeof WRITTEN_EMAIL_TYPES)[number]>;

export type EmailPlaceholder<T extends EmailTemplateType> = (typeof EMAIL_PLACEHOLDERS)[T][number];

/**
 * What a caller gives for a template of type T: every placeholder but `companyName` (EmailService adds
 * the tenant's name), plus optional values older, edited templates may still use ("estimatedHours").
 */
export type EmailVariables<T extends EmailTemplateType> = Record<
  Exclude<EmailPlaceholder<T>, 'companyName'>,
  string
> &
  Readonly<Record<string, string>>;

/** `customerName`, `firstName` and `greeting` for a customer's stored name. */
export function personVariables(
  customerName: string | null,
): Record<'customerName' | 'firstName' | 'greeting', string> {
  const name = (customerName ?? '').trim();
  return {
    customerName: name === UNKNOWN_CUSTOMER_NAME ? '' : name,
    firstName: firstNameOf(name),
    greeting: greetingFor(name),
  };
}

export interface BookingForEmail {
  customerName: string;
  serviceType: string;
  address: string;
  postalCode: string;
  city: string;
  startsAt: Date;
  durationHours: DecimalInput;
  /** The booking's amount incl. VAT. */
  totalInclVat: DecimalInput;
  timezone: string;
}

/** The values of every booking e-mail (confirmed, moved, cancelled), in the tenant's zone. */
export function bookingVariables(
  booking: BookingForEmail,
): EmailVariables<
  'booking_confirmation' | 'booking_moved' | 'booking_cancelled' | 'booking_moved_by_customer'
> {
  return {
    ...personVariables(booking.customerName),
    serviceType: serviceInSentence(booking.serviceType),
    bookingDate: formatDate(booking.startsAt, booking.timezone),
    bookingTime: formatTime(booking.startsAt, booking.timezone),
    address: formatAddress(booking.address, booking.postalCode, booking.city),
    duration: formatHours(booking.durationHours),
    durationHours: formatHoursNumber(booking.durationHours),
    totalAmount: formatAmount(booking.totalInclVat),
  };
}
