import { describe, expect, it } from 'vitest';

import { Decimal } from '../money/money.js';
import {
  formatAmount,
  formatClock,
  formatDate,
  formatDateTime,
  firstNameOf,
  formatAddress,
  formatDay,
  formatHourlyPrice,
  formatHours,
  formatHoursNumber,
  formatKroner,
  formatPhone,
  formatShortDate,
  formatShortDateTime,
  formatTime,
  greetingFor,
  serviceInSentence,
} from './danish.js';

const CPH = 'Europe/Copenhagen';
// Tuesday 23 March 2027, 10.00 in Copenhagen (winter time, UTC+1).
const TUESDAY_10 = new Date('2027-03-23T09:00:00Z');
// Monday 7 December 2026, 19.00 in Copenhagen.
const MONDAY_19 = new Date('2026-12-07T18:00:00Z');

describe('Danish amounts', () => {
  it('writes thousands with "." and øre with ","', () => {
    expect(formatAmount('1526.88')).toBe('1.526,88');
    expect(formatKroner('1526.88')).toBe('1.526,88 kr.');
    expect(formatKroner(new Decimal('1234567.5'))).toBe('1.234.567,50 kr.');
  });

  it('always shows two decimals, also for whole kroner', () => {
    expect(formatKroner(1090)).toBe('1.090,00 kr.');
    expect(formatKroner('450')).toBe('450,00 kr.');
    expect(formatKroner(0)).toBe('0,00 kr.');
    expect(formatKroner('999.999')).toBe('1.000,00 kr.');
  });

  it('rounds øre half up on the decimal, not a float', () => {
    expect(formatAmount('1.005')).toBe('1,01');
    expect(formatAmount('2.675')).toBe('2,68');
  });

  it('writes a credit as a negative amount', () => {
    expect(formatKroner('-1526.88')).toBe('-1.526,88 kr.');
    expect(formatKroner('-0.001')).toBe('0,00 kr.');
  });

  it('puts an ordinary space before "kr." (GSM-7 has no non-breaking space)', () => {
    expect(formatKroner(100)).not.toMatch(/\u00a0/);
  });

  it('quotes the hourly rate incl. VAT', () => {
    expect(formatHourlyPrice('349', '25')).toBe('436,25 kr./time inkl. moms');
    expect(formatHourlyPrice('360', '25')).toBe('450,00 kr./time inkl. moms');
  });
});

describe('Danish hours', () => {
  it('writes the decimal comma and up to two decimals', () => {
    expect(formatHoursNumber('2.5')).toBe('2,5');
    expect(formatHoursNumber('3.50')).toBe('3,5');
    expect(formatHoursNumber('2.25')).toBe('2,25');
    expect(formatHoursNumber(4)).toBe('4');
  });

  it('says "time" for exactly one hour and "timer" otherwise', () => {
    expect(formatHours('2.5')).toBe('2,5 timer');
    expect(formatHours(1)).toBe('1 time');
    expect(formatHours('1.00')).toBe('1 time');
    expect(formatHours('0.5')).toBe('0,5 timer');
    expect(formatHours(3)).toBe('3 timer');
  });
});

describe('Danish dates and times', () => {
  it('writes the time with a period and "kl."', () => {
    expect(formatTime(TUESDAY_10, CPH)).toBe('10.00');
    expect(formatClock(TUESDAY_10, CPH)).toBe('kl. 10.00');
    expect(formatClock(MONDAY_19, CPH)).toBe('kl. 19.00');
  });

  it('writes the weekday, "d.", the day with a period, the month in lower case and the year', () => {
    expect(formatDate(TUESDAY_10, CPH)).toBe('tirsdag d. 23. marts 2027');
    expect(formatDateTime(TUESDAY_10, CPH)).toBe('tirsdag d. 23. marts 2027 kl. 10.00');
    expect(formatDate(MONDAY_19, CPH)).toBe('mandag d. 7. december 2026');
  });

  it('has a short form without the year and a day without the weekday', () => {
    expect(formatShortDate(TUESDAY_10, CPH)).toBe('tirsdag d. 23. marts');
    expect(formatShortDateTime(MONDAY_19, CPH)).toBe('mandag d. 7. december kl. 19.00');
    expect(formatDay(new Date('2026-03-22T00:00:00Z'), 'UTC')).toBe('22. marts 2026');
  });

  it('reads the instant in the zone it is given, summer time included', () => {
    // 23.30Z on Monday 7 December is already 00.30 on Tuesday the 8th in Copenhagen.
    expect(formatDateTime(new Date('2026-12-07T23:30:00Z'), CPH)).toBe(
      'tirsdag d. 8. december 2026 kl. 00.30',
    );
    expect(formatDateTime(new Date('2026-12-07T23:30:00Z'), 'UTC')).toBe(
      'mandag d. 7. december 2026 kl. 23.30',
    );
    // Summer time (UTC+2) in Copenhagen.
    expect(formatDateTime(new Date('2027-06-15T08:00:00Z'), CPH)).toBe('tirsdag d. 15. juni 2027 kl. 10.00');
    expect(formatClock(TUESDAY_10, 'America/New_York')).toBe('kl. 05.00');
  });
});

describe('Danish phone numbers', () => {
  it('groups a Danish number in pairs without the country code', () => {
    expect(formatPhone('+4528145590')).toBe('28 14 55 90');
  });

  it('leaves any other number as given', () => {
    expect(formatPhone('+46701234567')).toBe('+46701234567');
    expect(formatPhone('+45123')).toBe('+45123');
  });
});

describe('Danish names, services and addresses', () => {
  it('greets by first name, a company by its name, and with a plain "Hej" without one', () => {
    expect(firstNameOf('Mette Holm Sørensen')).toBe('Mette');
    expect(greetingFor('Mette Holm Sørensen')).toBe('Hej Mette');
    expect(greetingFor('Fynsk Revision ApS')).toBe('Hej Fynsk Revision ApS');
    expect(greetingFor('Bager Hansen A/S')).toBe('Hej Bager Hansen A/S');
    expect(greetingFor('Ukendt kunde')).toBe('Hej');
    expect(greetingFor(null)).toBe('Hej');
    expect(greetingFor('   ')).toBe('Hej');
  });

  it('writes a service in lower case mid-sentence, keeping capitals that are meant', () => {
    expect(serviceInSentence('Flytterengøring')).toBe('flytterengøring');
    expect(serviceInSentence('Fast rengøring')).toBe('fast rengøring');
    expect(serviceInSentence('ABC-rengøring')).toBe('ABC-rengøring');
    expect(serviceInSentence('')).toBe('rengøring');
  });

  it('writes an address from the parts a lead gave', () => {
    expect(formatAddress('Søndergade 4', '8000', 'Aarhus C')).toBe('Søndergade 4, 8000 Aarhus C');
    expect(formatAddress('', '8000', 'Aarhus C')).toBe('8000 Aarhus C');
    expect(formatAddress('Søndergade 4', '', '')).toBe('Søndergade 4');
    expect(formatAddress('', '', '')).toBe('');
  });
});
