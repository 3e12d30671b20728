import { Prisma } from '../../generated/prisma/client.js';

/**
 * Money is decimal, never floating point (docs/architecture.md, Data model): amounts are Prisma.Decimal
 * (decimal.js) and travel as strings with two decimals. Rounding is to øre, half up.
 */
export type Money = Prisma.Decimal;
export const Decimal = Prisma.Decimal;
/** What an amount may be given as: a Decimal, a string such as "349.00", or a whole number. */
export type DecimalInput = Prisma.Decimal | string | number;

export function money(value: DecimalInput): Money {
  return new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** hours × rate, rounded to øre. */
export function amountFor(hours: DecimalInput, rate: DecimalInput): Money {
  return money(new Decimal(hours).times(rate));
}

/** An amount excl. VAT with VAT added at `vatRate` percent, rounded to øre. */
export function withVat(net: DecimalInput, vatRate: DecimalInput): Money {
  return money(new Decimal(net).times(new Decimal(100).plus(vatRate)).dividedBy(100));
}

/** The wire form: `"1221.50"`. */
export function toMoneyString(value: DecimalInput | null | undefined): string | null {
  return value === null || value === undefined ? null : new Decimal(value).toFixed(2);
}

/** Hours as the API shows them: `"3.5"` style decimals with up to two places (`"3.50"` → `"3.5"`). */
export function toHoursString(value: DecimalInput | null | undefined): string | null {
  return value === null || value === undefined ? null : new Decimal(value).toDecimalPlaces(2).toString();
}
