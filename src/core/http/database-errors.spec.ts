import { describe, expect, it } from 'vitest';

import { mapDatabaseError } from './database-errors.js';

describe('mapDatabaseError', () => {
  it('maps a unique violation reported by the driver adapter to 409 naming the column', () => {
    const error = {
      code: 'P2002',
      meta: {
        driverAdapterError: {
          cause: {
            originalCode: '23505',
            kind: 'UniqueConstraintViolation',
            constraint: { index: 'tenants_slug_key' },
            table: 'tenants',
          },
        },
      },
    };
    expect(mapDatabaseError(error)).toMatchObject({ code: 'conflict', message: 'Duplicate value for slug' });
  });

  it('leaves the tenant out of a composite key', () => {
    const error = {
      code: 'P2002',
      meta: {
        driverAdapterError: {
          cause: { constraint: { index: 'customers_tenant_id_phone_key' }, table: 'customers' },
        },
      },
    };
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
    const error = {
      code: 'P2010',
      meta: {
        driverAdapterError: {
          cause: {
            originalCode: '23P01',
            originalMessage: 'conflicting key value violates exclusion constraint "bookings_team_no_overlap"',
          },
        },
      },
    };
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
    const error = {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { originalCode: code, kind: 'postgres' } } },
    };
    expect(mapDatabaseError(error)?.code).toBe('validation_failed');
  });

  it('leaves unknown errors alone (they become a 500 without details)', () => {
    expect(mapDatabaseError(new Error('boom'))).toBeUndefined();
  });
});
