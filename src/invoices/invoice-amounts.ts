import { Decimal, money, type DecimalInput, type Money } from '../core/money/money.js';

/** One line as the invoice is asked for: what, how much, at which price (excl. VAT) and VAT rate. */
export interface LineInput {
  description: string;
  quantity: DecimalInput;
  /** Excl. VAT. */
  unitPrice: DecimalInput;
  /** Percent, e.g. 25. */
  vatRate: DecimalInput;
}

export interface PricedLine {
  position: number;
  description: string;
  quantity: Money;
  unitPrice: Money;
  vatRate: Money;
  netAmount: Money;
  vatAmount: Money;
  grossAmount: Money;
}

export interface InvoiceAmounts {
  lines: PricedLine[];
  subtotal: Money;
  vatAmount: Money;
  total: Money;
}

/**
 * Prices an invoice the way the Danish books read it (docs/architecture.md, step 8): each line's net
 * (quantity × unit price) and its VAT are rounded to øre half-up on their own, and the totals are the
 * sums of the rounded lines, so the lines printed on the invoice always add up to its totals exactly.
 */
export function priceInvoice(lines: readonly LineInput[]): InvoiceAmounts {
  const priced = lines.map((line, index): PricedLine => {
    const quantity = new Decimal(line.quantity);
    const unitPrice = new Decimal(line.unitPrice);
    const vatRate = new Decimal(line.vatRate);
    const netAmount = money(quantity.times(unitPrice));
    const vatAmount = money(netAmount.times(vatRate).dividedBy(100));
    return {
      position: index + 1,
      description: line.description,
      quantity,
      unitPrice,
      vatRate,
      netAmount,
      vatAmount,
      grossAmount: netAmount.plus(vatAmount),
    };
  });
  const sum = (pick: (line: PricedLine) => Money) =>
    priced.reduce((total, line) => total.plus(pick(line)), new Decimal(0));
  return {
    lines: priced,
    subtotal: sum((line) => line.netAmount),
    vatAmount: sum((line) => line.vatAmount),
    total: sum((line) => line.grossAmount),
  };
}

/** Two amounts agree when they are the same to the øre; any difference, even 0.01, does not. */
export function sameToTheOre(a: DecimalInput, b: DecimalInput): boolean {
  return money(a).equals(money(b));
}

/** An amount Billy sends as a JSON number, as money (through its decimal string, so no float error). */
export const kroner = (value: number): Money => money(new Decimal(String(value)));
