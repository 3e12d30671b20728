import type { DecimalInput } from '../../core/money/money.js';
import {
  firstNameOf,
  formatHourlyPrice,
  formatHours,
  formatKroner,
  formatShortDateTime,
} from '../../core/format/danish.js';
import { DEFAULT_SMS_TEMPLATES, renderSms, type SmsVariables } from './sms-templates.js';

/**
 * The customer-facing texts: each builder fills its template (the tenant's own wording, or the default
 * of sms-templates.ts) and gives GSM-7, short enough by default that an offer of three times stays at two
 * segments. Dates, times, hours and amounts come from core/format/danish.ts, so an SMS writes them as
 * the e-mails do.
 */

export interface OfferTextInput {
  customerName: string;
  tenantName: string;
  timezone: string;
  slots: ReadonlyArray<{ choice: number; startsAt: Date }>;
  hours: DecimalInput;
  hourlyRate: DecimalInput;
  vatRate: DecimalInput;
  /** A repeated offer after the chosen time was taken or had expired. */
  retry?: boolean;
}

/** "Hej Mette" or, without a name, "Hej" (never "Hej Ukendt"); the template adds the punctuation. */
export function personSmsVariables(name: string | null): { greeting: string; firstName: string } {
  const first = firstNameOf(name ?? '');
  // A long company name would cost the offer its second segment: the plain greeting then.
  const short = first && first.length <= 24 ? first : '';
  return { greeting: short ? `Hej ${short}` : 'Hej', firstName: short };
}

/** "Svar 1", "Svar 1 eller 2", "Svar 1, 2 eller 3" for these numbers (1 when there are none). */
export function choicesText(numbers: readonly number[]): string {
  const rest = numbers.length > 0 ? [...numbers] : [1];
  const last = rest.pop()!;
  return rest.length > 0 ? `Svar ${rest.join(', ')} eller ${last}` : `Svar ${last}`;
}

const upTo = (count: number) => Array.from({ length: Math.max(count, 1) }, (_, i) => i + 1);

export function offerVariables(input: OfferTextInput): SmsVariables<'offer'> {
  return {
    companyName: input.tenantName,
    ...personSmsVariables(input.customerName),
    slots: input.slots
      .map((slot) => `${slot.choice}) ${formatShortDateTime(slot.startsAt, input.timezone)}`)
      .join('\n'),
    duration: formatHours(input.hours),
    hourlyPrice: formatHourlyPrice(input.hourlyRate, input.vatRate),
    choices: choicesText(upTo(input.slots.length)),
  };
}

/** The offer (or, `retry`, the repeated one); `template` is the tenant's wording of that type. */
export function offerText(input: OfferTextInput, template?: string): string {
  const type = input.retry ? 'offer_retry' : 'offer';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, offerVariables(input));
}

/** What a text about one booking says: when, how long, where, to whom and who sends it. */
export interface BookingText {
  tenantName: string;
  timezone: string;
  startsAt: Date;
  hours: DecimalInput;
  address: string;
  customerName?: string | null;
}

export function bookingVariables(input: BookingText): SmsVariables<'booking_confirmation'> {
  return {
    companyName: input.tenantName,
    ...personSmsVariables(input.customerName ?? null),
    dateTime: formatShortDateTime(input.startsAt, input.timezone),
    duration: formatHours(input.hours),
    address: input.address,
  };
}

type BookingWithoutHours = Omit<BookingText, 'hours'>;

function bookingTimeVariables(input: BookingWithoutHours): SmsVariables<'booking_reminder'> {
  return {
    companyName: input.tenantName,
    ...personSmsVariables(input.customerName ?? null),
    dateTime: formatShortDateTime(input.startsAt, input.timezone),
    address: input.address,
  };
}

export function confirmationText(input: BookingText, template?: string): string {
  const type = 'booking_confirmation';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, bookingVariables(input));
}

export function reminderText(input: BookingWithoutHours, template?: string): string {
  const type = 'booking_reminder';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, bookingTimeVariables(input));
}

/** A confirmed booking moved by staff (time, length or team): the time as it is now. */
export function bookingMovedText(input: BookingText, template?: string): string {
  const type = 'booking_moved';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, bookingVariables(input));
}

/** A booking cancelled by staff. */
export function bookingCancelledText(input: BookingWithoutHours, template?: string): string {
  const type = 'booking_cancelled';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, bookingTimeVariables(input));
}

export function helpText(
  input: { tenantName: string; count: number; customerName?: string | null },
  template?: string,
): string {
  const type = 'help';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, {
    companyName: input.tenantName,
    ...personSmsVariables(input.customerName ?? null),
    choices: choicesText(upTo(input.count)),
  });
}

export function noSlotsText(
  input: { tenantName: string; customerName?: string | null },
  template?: string,
): string {
  const type = 'no_slots';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, {
    companyName: input.tenantName,
    ...personSmsVariables(input.customerName ?? null),
  });
}

export function optOutText(input: { tenantName: string }, template?: string): string {
  const type = 'opt_out';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, { companyName: input.tenantName });
}

export function optInText(input: { tenantName: string }, template?: string): string {
  const type = 'opt_in';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, { companyName: input.tenantName });
}

/**
 * The one reminder of an offer nobody has answered: the same numbers, and until when they can be
 * answered (`answerBy`, when the times stop being held).
 */
export function offerReminderText(
  input: {
    customerName: string;
    tenantName: string;
    timezone: string;
    /** The numbers still open (a time that has begun meanwhile is left out): "Svar 2 eller 3". */
    open: readonly number[];
    answerBy: Date;
  },
  template?: string,
): string {
  const type = 'offer_reminder';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, {
    companyName: input.tenantName,
    ...personSmsVariables(input.customerName),
    choices: choicesText(input.open),
    answerBy: formatShortDateTime(input.answerBy, input.timezone),
  });
}

/**
 * What a cancellation by the customer costs, as one sentence for the SMS and the e-mail: free, or the
 * fee (incl. VAT) because it came later than the tenant's notice ("24 timer").
 */
export function cancellationFeeText(fee: { hours: number; feeInclVat: DecimalInput } | null): string {
  if (!fee) return 'Aflysningen er gratis.';
  const notice = fee.hours === 1 ? '1 time' : `${fee.hours} timer`;
  return `Da du har aflyst mindre end ${notice} før, opkræver vi et aflysningsgebyr på ${formatKroner(fee.feeInclVat)} inkl. moms.`;
}

/** A booking the customer cancelled themselves (booking link or AFLYS), with what it costs. */
export function customerCancelledText(
  input: BookingWithoutHours & { fee: { hours: number; feeInclVat: DecimalInput } | null },
  template?: string,
): string {
  const type = 'booking_cancelled_by_customer';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, {
    ...bookingTimeVariables(input),
    feeText: cancellationFeeText(input.fee),
  });
}

/** A booking the customer moved themselves (booking link or FLYT): the new time. */
export function customerMovedText(input: BookingText, template?: string): string {
  const type = 'booking_moved_by_customer';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, bookingVariables(input));
}

/** The answer to FLYT: the booking's time now and the numbered times it can move to. */
export function rescheduleOptionsText(
  input: {
    tenantName: string;
    timezone: string;
    customerName?: string | null;
    startsAt: Date;
    slots: ReadonlyArray<{ choice: number; startsAt: Date }>;
  },
  template?: string,
): string {
  const type = 'reschedule_options';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, {
    companyName: input.tenantName,
    ...personSmsVariables(input.customerName ?? null),
    dateTime: formatShortDateTime(input.startsAt, input.timezone),
    slots: input.slots
      .map((slot) => `${slot.choice}) ${formatShortDateTime(slot.startsAt, input.timezone)}`)
      .join('\n'),
    choices: choicesText(upTo(input.slots.length)),
  });
}

/** The answer to AFLYS or FLYT from a number with no upcoming booking. */
export function noBookingText(
  input: { tenantName: string; customerName?: string | null },
  template?: string,
): string {
  const type = 'no_booking';
  return renderSms(type, template ?? DEFAULT_SMS_TEMPLATES[type].body, {
    companyName: input.tenantName,
    ...personSmsVariables(input.customerName ?? null),
  });
}
