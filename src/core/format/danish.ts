import { DateTime } from 'luxon';

import { Decimal, withVat, type DecimalInput } from '../money/money.js';

/**
 * Every number, amount, date, time and phone number a customer reads (SMS, e-mail, the invoice lines
 * Billy prints) is written here, the Danish way, so the texts agree with each other:
 *
 * - amounts: "1.526,88 kr.": "." between thousands, "," before øre, and always two decimals, also for
 *   whole kroner ("1.090,00 kr."), so a price reads the same in every text;
 * - times: "kl. 10.00" (Danish writes a period, not a colon);
 * - dates: "tirsdag d. 22. marts 2027", in SMS without the year ("tirsdag d. 22. marts"), due dates
 *   without the weekday ("22. marts 2027");
 * - hours: "2,5 timer", "1 time";
 * - phone: "28 14 55 90" for a Danish (+45) number, any other number as given.
 *
 * Dates and times take the zone explicitly (the tenant's): a booking at 10.00 in Copenhagen is 10.00 on
 * any server. A calendar date stored as midnight UTC (an invoice's due date) is formatted with 'UTC'.
 * Amounts are formatted from the Decimal, not a float, so øre never round the wrong way; the space before
 * "kr." and "time(r)" is an ordinary space (GSM-7 has no non-breaking space).
 */

/** "1.526,88": an amount in kroner with thousands points and two decimals, without the unit. */
export function formatAmount(amount: DecimalInput): string {
  const value = new Decimal(amount).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const sign = value.isNegative() && !value.isZero() ? '-' : '';
  const [whole, fraction] = value.abs().toFixed(2).split('.') as [string, string];
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${fraction}`;
}

/** "1.526,88 kr.". */
export function formatKroner(amount: DecimalInput): string {
  return `${formatAmount(amount)} kr.`;
}

/** "436,25 kr./time inkl. moms": an hourly rate (stored excl. VAT) as customers are quoted it. */
export function formatHourlyPrice(hourlyRate: DecimalInput, vatRate: DecimalInput): string {
  return `${formatAmount(withVat(hourlyRate, vatRate))} kr./time inkl. moms`;
}

/** "2,5", "3", "2,25": a number of hours, up to two decimals, without the unit. */
export function formatHoursNumber(hours: DecimalInput): string {
  return new Decimal(hours).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toString().replace('.', ',');
}

/** "2,5 timer", "1 time". */
export function formatHours(hours: DecimalInput): string {
  const value = new Decimal(hours).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return `${formatHoursNumber(value)} ${value.equals(1) ? 'time' : 'timer'}`;
}

const local = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).setLocale('da');

/** "10.00": the time of day in `zone`, without "kl.". */
export function formatTime(at: Date, zone: string): string {
  return local(at, zone).toFormat('HH.mm');
}

/** "kl. 10.00". */
export function formatClock(at: Date, zone: string): string {
  return `kl. ${formatTime(at, zone)}`;
}

/** "tirsdag d. 22. marts 2027". */
export function formatDate(at: Date, zone: string): string {
  return local(at, zone).toFormat("cccc 'd.' d. LLLL yyyy");
}

/** "tirsdag d. 22. marts": the short form for SMS, where the next weeks need no year. */
export function formatShortDate(at: Date, zone: string): string {
  return local(at, zone).toFormat("cccc 'd.' d. LLLL");
}

/** "22. marts 2027": a calendar day without the weekday (a due date). */
export function formatDay(at: Date, zone: string): string {
  return local(at, zone).toFormat('d. LLLL yyyy');
}

/** "tirsdag d. 22. marts 2027 kl. 10.00". */
export function formatDateTime(at: Date, zone: string): string {
  return `${formatDate(at, zone)} ${formatClock(at, zone)}`;
}

/** "tirsdag d. 22. marts kl. 10.00": a time offered or booked, in an SMS. */
export function formatShortDateTime(at: Date, zone: string): string {
  return `${formatShortDate(at, zone)} ${formatClock(at, zone)}`;
}

/** "28 14 55 90" for a Danish E.164 number (+45 and eight digits); any other number as given. */
export function formatPhone(e164: string): string {
  const danish = /^\+45(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(e164);
  return danish ? danish.slice(1).join(' ') : e164;
}

/** The name stored for a customer whose lead gave none: never said to the customer. */
export const UNKNOWN_CUSTOMER_NAME = 'Ukendt kunde';

/** A company's name ends in its legal form: it is greeted whole ("Hej Fynsk Revision ApS"). */
const COMPANY_FORM = /(?:^|\s)(?:ApS|A\/S|I\/S|IVS|K\/S|P\/S|A\.m\.b\.a\.|AMBA|SMBA|F\.M\.B\.A\.)\.?$/i;

/** "Mette" for "Mette Holm Sørensen"; a company's whole name; "" when there is no name. */
export function firstNameOf(name: string | null | undefined): string {
  const trimmed = (name ?? '').trim().replace(/\s+/g, ' ');
  if (!trimmed || trimmed === UNKNOWN_CUSTOMER_NAME) return '';
  if (COMPANY_FORM.test(trimmed)) return trimmed;
  return trimmed.split(' ')[0]!;
}

/** "Hej Mette", or a plain "Hej" when the name is not known (never "Hej Ukendt kunde"). */
export function greetingFor(name: string | null | undefined): string {
  const first = firstNameOf(name);
  return first ? `Hej ${first}` : 'Hej';
}

/**
 * A service as it reads in the middle of a sentence: "flytterengøring", "fast rengøring" (Danish
 * writes common nouns in lower case; the lead stores them as the portal wrote them, "Flytterengøring").
 * A word written in capitals ("ABC-rengøring") is kept; no service at all reads "rengøring".
 */
export function serviceInSentence(serviceType: string | null | undefined): string {
  const service = (serviceType ?? '').trim();
  if (!service) return 'rengøring';
  const [first, second] = [service.charAt(0), service.charAt(1)];
  if (second && second === second.toUpperCase() && second !== second.toLowerCase()) return service;
  return first.toLowerCase() + service.slice(1);
}

/** "Søndergade 4, 8000 Aarhus C", leaving out the parts a lead did not give. */
export function formatAddress(
  address: string | null,
  postalCode: string | null,
  city: string | null,
): string {
  const town = [postalCode, city]
    .map((part) => (part ?? '').trim())
    .filter(Boolean)
    .join(' ');
  return [(address ?? '').trim(), town].filter(Boolean).join(', ');
}
