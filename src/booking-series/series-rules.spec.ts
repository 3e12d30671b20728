import { describe, expect, it } from 'vitest';

import { DEFAULT_CLOSED_DAYS, DEFAULT_WORKING_HOURS } from '../tenants/tenant-defaults.js';
import { closedReason, dayIn, seriesRules } from './series-rules.js';

const tenant = { closedDays: DEFAULT_CLOSED_DAYS, workingHours: DEFAULT_WORKING_HOURS };

describe('series rules', () => {
  it('reads the stored rules, falling back to the defaults for what is missing or wrong', () => {
    expect(seriesRules(undefined)).toEqual({
      horizonWeeks: 8,
      onConflict: 'next_working_day',
      invoicing: 'per_visit',
    });
    expect(seriesRules({ horizonWeeks: 4, onConflict: 'skip', invoicing: 'monthly' })).toEqual({
      horizonWeeks: 4,
      onConflict: 'skip',
      invoicing: 'monthly',
    });
    expect(seriesRules({ horizonWeeks: 0, onConflict: 'later' })).toMatchObject({
      horizonWeeks: 8,
      onConflict: 'next_working_day',
    });
  });

  it('names why a day is closed: a public holiday, a closed date, a day without working hours', () => {
    expect(closedReason('2028-04-17', tenant)).toBe('helligdag (2. påskedag)');
    expect(closedReason('2027-12-25', tenant)).toBe('helligdag (Juledag)');
    expect(closedReason('2027-10-23', tenant)).toBe('lukkedag'); // a Saturday
    expect(closedReason('2027-10-18', tenant)).toBeNull();
    expect(
      closedReason('2027-10-18', {
        ...tenant,
        closedDays: { danishPublicHolidays: true, dates: ['2027-10-18'] },
      }),
    ).toBe('lukkedag');
    // A tenant open on holidays: 2. påskedag is a Monday like any other.
    expect(
      closedReason('2028-04-17', { ...tenant, closedDays: { danishPublicHolidays: false, dates: [] } }),
    ).toBeNull();
  });

  it("takes today in the tenant's zone, not UTC's", () => {
    // 23:30Z on 30 October 2027 is already 31 October in Copenhagen (summer time, UTC+2).
    expect(dayIn(new Date('2027-10-30T23:30:00Z'), 'Europe/Copenhagen')).toBe('2027-10-31');
  });
});
