import { describe, expect, it } from 'vitest';

import { priceInvoice, sameToTheOre } from '../../src/invoices/invoice-amounts.js';

const VAT = '25.00';
const line = (quantity: string, unitPrice: string, vatRate = VAT) => ({
  description: 'Rengøring',
  quantity,
  unitPrice,
  vatRate,
});

describe('invoice amounts', () => {
  // hours × rate (excl. VAT) → net, VAT at 25 %, gross: each rounded to øre half-up on its own.
  it.each([
    // hours, rate, net, vat, gross
    ['1', '349.00', '349.00', '87.25', '436.25'],
    ['3.5', '349.00', '1221.50', '305.38', '1526.88'], // 305.375 → 305.38
    ['0.5', '349.00', '174.50', '43.63', '218.13'], // 43.625 → 43.63
    ['2.5', '349.95', '874.88', '218.72', '1093.60'], // 874.875 → 874.88
    ['7.5', '412.37', '3092.78', '773.20', '3865.98'], // 3092.775 → 3092.78; 773.195 → 773.20
    ['4', '299.99', '1199.96', '299.99', '1499.95'],
    ['1', '0.02', '0.02', '0.01', '0.03'], // 0.005 → 0.01 (half up, not to even)
    ['12', '349.00', '4188.00', '1047.00', '5235.00'],
  ])('%s h × %s kr. → net %s, VAT %s, gross %s', (hours, rate, net, vat, gross) => {
    const amounts = priceInvoice([line(hours, rate)]);
    const [priced] = amounts.lines;
    expect(priced!.netAmount.toFixed(2)).toBe(net);
    expect(priced!.vatAmount.toFixed(2)).toBe(vat);
    expect(priced!.grossAmount.toFixed(2)).toBe(gross);
    expect(amounts.subtotal.toFixed(2)).toBe(net);
    expect(amounts.vatAmount.toFixed(2)).toBe(vat);
    expect(amounts.total.toFixed(2)).toBe(gross);
  });

  it('sums several lines from their rounded amounts, numbering them from 1', () => {
    const amounts = priceInvoice([line('3.5', '349.00'), line('0.5', '349.00'), line('2.5', '349.95')]);
    expect(amounts.lines.map((priced) => priced.position)).toEqual([1, 2, 3]);
    expect(amounts.subtotal.toFixed(2)).toBe('2270.88'); // 1221.50 + 174.50 + 874.88
    expect(amounts.vatAmount.toFixed(2)).toBe('567.73'); // 305.38 + 43.63 + 218.72
    expect(amounts.total.toFixed(2)).toBe('2838.61'); // 1526.88 + 218.13 + 1093.60
    expect(amounts.subtotal.plus(amounts.vatAmount).equals(amounts.total)).toBe(true);
  });

  it('rounds VAT per line, which can differ by an øre from VAT on the subtotal', () => {
    // Three lines of 0.02 kr.: 0.005 VAT each rounds to 0.01 (0.03 in all); 25 % of 0.06 is 0.015 → 0.02.
    const amounts = priceInvoice([line('1', '0.02'), line('1', '0.02'), line('1', '0.02')]);
    expect(amounts.vatAmount.toFixed(2)).toBe('0.03');
    expect(amounts.total.toFixed(2)).toBe('0.09');
  });

  it('handles another VAT rate and no VAT', () => {
    expect(priceInvoice([line('2', '100.00', '0')]).total.toFixed(2)).toBe('200.00');
    expect(priceInvoice([line('1.5', '333.33', '12.5')]).vatAmount.toFixed(2)).toBe('62.50'); // 499.995→500.00 net
  });

  it('compares amounts to the øre', () => {
    expect(sameToTheOre('1526.88', 1526.88)).toBe(true);
    expect(sameToTheOre('1526.88', '1526.89')).toBe(false);
    expect(sameToTheOre('0.10', 0.1)).toBe(true);
  });

  it('answers zero totals for no lines', () => {
    expect(priceInvoice([]).total.toFixed(2)).toBe('0.00');
  });
});
