import { describe, expect, it } from 'vitest';

import {
  isCalendarDate,
  isHostname,
  isIanaTimeZone,
  isPercent,
  MONEY_PATTERN,
  TIME_PATTERN,
} from './validators.js';

describe('tenant setting validators', () => {
  it('accepts IANA zones (canonical, UTC and aliases) and refuses abbreviations and inventions', () => {
    for (const zone of [
      'Europe/Copenhagen',
      'UTC',
      'America/Argentina/Buenos_Aires',
      'Europe/Kiev',
      'Europe/Kyiv',
    ]) {
      expect(isIanaTimeZone(zone), zone).toBe(true);
    }
    for (const zone of ['CET', 'GMT+1', 'Mars/Olympus_Mons', 'europe/copenhagen ', '', 42]) {
      expect(isIanaTimeZone(zone), String(zone)).toBe(false);
    }
  });

  it('accepts lower-case host names only', () => {
    for (const host of ['leadpoint.dk', 'mail.leadmail.no', 'xn--rdetalje-i0a.dk', 'a-b.c-d.io']) {
      expect(isHostname(host), host).toBe(true);
    }
    for (const host of [
      'LeadPoint.dk',
      'localhost',
      '-a.dk',
      'a-.dk',
      'a..dk',
      '1.2.3.4',
      'a.dk.',
      'a b.dk',
    ]) {
      expect(isHostname(host), host).toBe(false);
    }
  });

  it('checks real calendar dates, percentages, money and clock times', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-1-01')).toBe(false);
    expect(['0.00', '25.00', '100.00'].every(isPercent)).toBe(true);
    expect(['100.01', '25', '25.0', '-1.00', 25].some(isPercent)).toBe(false);
    expect(MONEY_PATTERN.test('349.00')).toBe(true);
    expect(['349', '349.5', '-1.00', '12345678901.00'].some((value) => MONEY_PATTERN.test(value))).toBe(
      false,
    );
    expect(['00:00', '08:30', '23:59'].every((value) => TIME_PATTERN.test(value))).toBe(true);
    expect(['24:00', '8:00', '12:60'].some((value) => TIME_PATTERN.test(value))).toBe(false);
  });
});
