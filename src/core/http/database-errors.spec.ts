import { describe, expect, it } from 'vitest';

import { mapDatabaseError } from './database-errors.js';

/** A Prisma error as the driver adapter reports it: Prisma's code, the database's error as its cause. */
const driverError = (code: string, cause: object) => ({ code, meta: { driverAdapterError: { cause } } });

/** As Prisma 7's driver adapter reports a PostgreSQL error (code P2039 with the SQLSTATE inside). */
const adapterError = (originalCode: string, originalMessage = 'bad value') =>
  driverError('P2039', { originalCode, originalMessage, kind: 'postgres' });

describe('mapDatabaseError', () => {
  it('maps a unique violation reported by the driver adapter to 409 naming the column', () => {
    const error = driverError('P2002', {
      originalCode: '23505',
      kind: 'UniqueConstraintViolation',
      constraint: { index: 'tenants_slug_key' },
      table: 'tenants',
    });
    expect(mapDatabaseError(error)).toMatchObject({ code: 'conflict', message: 'Duplicate value for slug' });
  });

  it('leaves the tenant out of a composite key', () => {
    const error = driverError('P2002', {
      constraint: { index: 'customers_tenant_id_phone_key' },
      table: 'customers',
    });
    expect(mapDatabaseError(error)?.message).toBe('Duplicate value for phone');
  });

  it('answers 503, not 500, when no transaction could start in time (overload)', () => {
    expect(
      mapDatabaseError({
        code: 'P2028',
        message: 'Transaction API error: Unable to start a transaction in the given time.',
      }),
    ).toMatchObject({
      code: 'unavailable',
    });
  });

  it('maps the bookings overlap constraint to a conflict naming it', () => {
    const error = driverError('P2010', {
      originalCode: '23P01',
      originalMessage: 'conflicting key value violates exclusion constraint "bookings_team_no_overlap"',
    });
    expect(mapDatabaseError(error)).toMatchObject({
      code: 'conflict',
      message: 'The team already has a booking at that time',
    });
  });

  it.each([
    ['22021', 'a NUL character in a string'],
    ['22P05', 'an untranslatable character'],
    ['22003', 'a numeric overflow'],
  ])('answers 400 for SQLSTATE %s (%s), not 500', (code) => {
    const error = driverError('P2010', { originalCode: code, kind: 'postgres' });
    expect(mapDatabaseError(error)?.code).toBe('validation_failed');
  });

  it.each([
    ['22007', 'invalid input syntax for type timestamp with time zone: "00-1-12-31 23:06:32"'],
    ['22008', 'date/time field value out of range: "0000-01-01 00:00:00"'],
    ['22P02', 'invalid input syntax for type uuid'],
    ['22001', 'value too long for type character varying(10)'],
    ['22012', 'division by zero'],
    ['2201B', 'invalid regular expression'],
  ])('answers 400 for every data exception, SQLSTATE %s among them, without the SQL', (code, message) => {
    const mapped = mapDatabaseError(adapterError(code, message));
    expect(mapped?.code).toBe('validation_failed');
    expect(mapped?.message).not.toContain(message);
    expect(JSON.stringify(mapped?.details ?? null)).not.toContain(message);
  });

  it('answers 400 naming the rule when the booking time window CHECK refuses a row', () => {
    const mapped = mapDatabaseError(
      adapterError(
        '23514',
        'new row for relation "bookings" violates check constraint "bookings_time_window"',
      ),
    );
    expect(mapped).toMatchObject({
      code: 'validation_failed',
      message: 'A booking must lie between 2000-01-01 and 2100-01-01',
    });
  });

  it('leaves unknown errors alone (they become a 500 without details)', () => {
    expect(mapDatabaseError(new Error('boom'))).toBeUndefined();
  });
});
