import { describe, expect, it } from 'vitest';

import { occurrences, type RecurrenceRule } from './recurrence.js';

const rule = (overrides: Partial<RecurrenceRule>): RecurrenceRule => ({
  frequency: 'weekly',
  interval: 1,
  weekdays: [],
  weekOfMonth: null,
  startsOn: '2027-10-18',
  endsOn: null,
  ...overrides,
});

describe('recurrence rules', () => {
  it('weekly on the start weekday', () => {
    expect(occurrences(rule({}), '2027-10-18', '2027-11-08')).toEqual([
      '2027-10-18',
      '2027-10-25',
      '2027-11-01',
      '2027-11-08',
    ]);
  });

  it('every other week, across the end of October, keeps the fortnight', () => {
    expect(occurrences(rule({ interval: 2 }), '2027-10-01', '2027-11-30')).toEqual([
      '2027-10-18',
      '2027-11-01',
      '2027-11-15',
      '2027-11-29',
    ]);
  });

  it('every four weeks from a later window start keeps the phase of the start day', () => {
    expect(occurrences(rule({ interval: 4 }), '2027-11-01', '2028-01-31')).toEqual([
      '2027-11-15',
      '2027-12-13',
      '2028-01-10',
    ]);
  });

  it('chosen weekdays for offices, every other week, in the start week too', () => {
    expect(
      occurrences(
        rule({ interval: 2, weekdays: ['mon', 'thu'], startsOn: '2027-10-21' }),
        '2027-10-01',
        '2027-11-05',
      ),
    ).toEqual(['2027-10-21', '2027-11-01', '2027-11-04']);
  });

  it('monthly on the second Tuesday and on the last Friday', () => {
    expect(
      occurrences(
        rule({ frequency: 'monthly', weekOfMonth: 2, weekdays: ['tue'] }),
        '2027-10-01',
        '2028-01-31',
      ),
    ).toEqual(['2027-11-09', '2027-12-14', '2028-01-11']);
    expect(
      occurrences(
        rule({ frequency: 'monthly', weekOfMonth: -1, weekdays: ['fri'] }),
        '2027-10-01',
        '2027-12-31',
      ),
    ).toEqual(['2027-10-29', '2027-11-26', '2027-12-31']);
  });

  it('monthly on the day of the month, clamped to a shorter month', () => {
    expect(
      occurrences(rule({ frequency: 'monthly', startsOn: '2028-01-31' }), '2028-01-01', '2028-04-30'),
    ).toEqual(['2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30']);
  });

  it('every other month, stopping at the end date', () => {
    expect(
      occurrences(
        rule({ frequency: 'monthly', interval: 2, endsOn: '2028-02-17' }),
        '2027-10-01',
        '2028-12-31',
      ),
    ).toEqual(['2027-10-18', '2027-12-18']);
  });
});
