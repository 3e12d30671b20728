import { describe, expect, it } from 'vitest';

import { fikPaymentId, formatRate, paymentLines } from './invoice-document.js';

const NONE = { bankRegNo: null, bankAccountNo: null, fikCreditorNo: null, mobilePayNumber: null };

describe('payment details on invoices and reminders', () => {
  it('names the bank transfer, the FIK line and MobilePay, and the number to write', () => {
    expect(
      paymentLines(
        {
          bankRegNo: '1234',
          bankAccountNo: '0012345678',
          fikCreditorNo: '87654321',
          mobilePayNumber: '12345',
        },
        '1001',
      ),
    ).toEqual([
      'Bankoverførsel: reg.nr. 1234, kontonr. 0012345678',
      `Indbetalingskort: +71<${fikPaymentId('1001')}+87654321<`,
      'MobilePay: 12345',
      'Skriv fakturanummer 1001 ved betalingen.',
    ]);
  });

  it('leaves out a bank account without its registration number', () => {
    expect(paymentLines({ ...NONE, bankAccountNo: '12345678', mobilePayNumber: '12345' }, '7')).toEqual([
      'MobilePay: 12345',
      'Skriv fakturanummer 7 ved betalingen.',
    ]);
  });

  it('asks the customer to get in touch when the tenant gave no details', () => {
    expect(paymentLines(NONE, '7')).toEqual(['Kontakt os for at høre, hvordan du kan betale.']);
  });

  it('makes the 15-digit +71 payment id with its modulus-10 check digit', () => {
    expect(fikPaymentId('1001')).toBe('000000000010017');
    expect(fikPaymentId('1001')).toHaveLength(15);
    // Luhn: the check digit makes the weighted digit sum a multiple of 10.
    const luhn = (digits: string) =>
      [...digits]
        .reverse()
        .map(Number)
        .reduce((sum, digit, index) => {
          const product = index % 2 === 1 ? digit * 2 : digit;
          return sum + (product > 9 ? product - 9 : product);
        }, 0) % 10;
    for (const number of ['1', '42', '1001', '2026-0042', '99999999999999'])
      expect(luhn(fikPaymentId(number))).toBe(0);
  });

  it('prints VAT rates the Danish way', () => {
    expect(formatRate('25.00')).toBe('25');
    expect(formatRate('12.50')).toBe('12,5');
  });
});
