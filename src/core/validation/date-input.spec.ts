import { describe, expect, it } from 'vitest';

import { judgeDateInput } from './date-input.js';

const NOW = Date.parse('2026-12-06T10:00:00Z');

describe('judgeDateInput', () => {
  it.each([
    '2000-01-01',
    '2100-01-01',
    '2026-03-27',
    '2000-01-01T00:00:00Z',
    '2100-01-01T00:00:00Z',
    '2026-03-27T09:00:00+01:00',
    '2026-03-27T09:00',
  ])('accepts %s', (value) => {
    expect(judgeDateInput(value, {}, NOW)).toBe('ok');
  });

  it.each([
    '0000-01-01',
    '0000-01-01T00:00:00Z',
    '1999-12-31',
    '1999-12-31T23:59:59Z',
    '2100-01-02',
    '2100-01-01T00:00:00.001Z',
    '9999-12-31T23:30:00Z',
  ])('refuses %s as outside the window', (value) => {
    expect(judgeDateInput(value, {}, NOW)).toBe('outside_window');
  });

  it.each([
    '+275760-09-13T00:00:00Z',
    '-000001-01-01',
    '2026-02-30',
    '2026-13-01',
    'NaN',
    '',
    '2026',
    `2026-01-01T${'0'.repeat(100)}`,
  ])('refuses %s as malformed', (value) => {
    expect(judgeDateInput(value, {}, NOW)).toBe('malformed');
  });

  it.each([null, 20260101, ['2026-01-01'], { toString: () => '2026-01-01' }])(
    'refuses a %s that is not a string',
    (value) => {
      expect(judgeDateInput(value, {}, NOW)).toBe('malformed');
    },
  );

  it('refuses a start more than the allowed years after now, counted from now', () => {
    expect(judgeDateInput('2029-12-06T10:00:00Z', { maxYearsAhead: 3 }, NOW)).toBe('ok');
    expect(judgeDateInput('2029-12-06T10:00:01Z', { maxYearsAhead: 3 }, NOW)).toBe('too_far_ahead');
    expect(judgeDateInput('2029-12-06T11:00:00+01:00', { maxYearsAhead: 3 }, NOW)).toBe('ok');
  });
});
