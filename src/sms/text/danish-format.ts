import { DateTime } from 'luxon';

import { Decimal, withVat, type DecimalInput } from '../../core/money/money.js';

/** "tirsdag 24. november kl. 10:00": a slot's start as the customer reads it, in the tenant's zone. */
export function formatSlotStart(startsAt: Date, timezone: string): string {
  return DateTime.fromJSDate(startsAt, { zone: timezone })
    .setLocale('da')
    .toFormat("cccc d. LLLL 'kl.' HH:mm");
}

/** "436,25" or "450": an amount in kroner the Danish way, øre only when there are any. */
export function formatKroner(amount: DecimalInput): string {
  const value = new Decimal(amount).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const [whole, fraction] = value.toFixed(2).split('.') as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return fraction === '00' ? grouped : `${grouped},${fraction}`;
}

/** "436,25 kr./time inkl. moms": the hourly rate (stored excl. VAT) as customers are quoted it. */
export function formatHourlyPrice(hourlyRate: DecimalInput, vatRate: DecimalInput): string {
  return `${formatKroner(withVat(hourlyRate, vatRate))} kr./time inkl. moms`;
}

/** "3,5" hours, the Danish way. */
export function formatHours(hours: DecimalInput): string {
  return new Decimal(hours).toDecimalPlaces(2).toString().replace('.', ',');
}
