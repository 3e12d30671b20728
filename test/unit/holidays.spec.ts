import { describe, expect, it } from 'vitest';

import {
  danishPublicHolidays,
  easterSunday,
  isDanishPublicHoliday,
} from '../../src/calendar/danish-holidays.js';

describe('Danish public holidays', () => {
  it('computes Easter Sunday', () => {
    expect(easterSunday(2024)).toEqual({ month: 3, day: 31 });
    expect(easterSunday(2025)).toEqual({ month: 4, day: 20 });
    expect(easterSunday(2026)).toEqual({ month: 4, day: 5 });
    expect(easterSunday(2027)).toEqual({ month: 3, day: 28 });
    expect(easterSunday(2038)).toEqual({ month: 4, day: 25 });
  });

  it('lists the holidays of 2026 by name', () => {
    expect(Object.fromEntries(danishPublicHolidays(2026))).toEqual({
      '2026-01-01': 'Nytårsdag',
      '2026-04-02': 'Skærtorsdag',
      '2026-04-03': 'Langfredag',
      '2026-04-05': 'Påskedag',
      '2026-04-06': '2. påskedag',
      '2026-05-14': 'Kristi himmelfartsdag',
      '2026-05-24': 'Pinsedag',
      '2026-05-25': '2. pinsedag',
      '2026-12-25': 'Juledag',
      '2026-12-26': '2. juledag',
    });
  });

  it('keeps store bededag until 2023 only (abolished from 2024)', () => {
    expect(danishPublicHolidays(2023).get('2023-05-05')).toBe('Store bededag');
    expect([...danishPublicHolidays(2024).values()]).not.toContain('Store bededag');
    expect(isDanishPublicHoliday('2024-04-26')).toBe(false);
  });

  it('does not count 24 and 31 December or Grundlovsdag, which are working days by law', () => {
    for (const date of ['2026-12-24', '2026-12-31', '2026-06-05'])
      expect(isDanishPublicHoliday(date)).toBe(false);
  });
});
