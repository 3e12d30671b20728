import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { mapDatabaseError } from '../../src/core/http/database-errors.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';
import { fieldsOf, newPhone } from '../support/http.js';

/**
 * Inputs found by probing the running API that answered 500 (and one that broke a tenant for good):
 * each is now a 400 naming what is wrong, before anything is written.
 */
describe('inputs out of bounds', () => {
  let test: TestApp;
  let tenant: TenantFixture;
  let admin: Session;

  beforeAll(async () => {
    test = await bootTestApp();
    tenant = await createTenant('Grænsefirma');
    admin = await signIn(test.app, tenant.id, 'admin');
  });
  afterAll(async () => {
    await test?.close();
  });

  const request = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    options: { session?: Session; payload?: unknown; contentType?: string } = {},
  ) =>
    test.app.inject({
      method,
      url,
      payload: options.payload as string | object | undefined,
      headers: {
        ...(options.session?.auth ?? {}),
        ...(options.contentType ? { 'content-type': options.contentType } : {}),
      },
    });

  const leadFields = () => ({
    customerName: 'Mette Grænse',
    customerPhone: newPhone().typed,
    serviceType: 'Hovedrengøring',
    address: 'Kantvej 1',
    postalCode: '8000',
    city: 'Aarhus C',
    estimatedHours: 3,
  });
  /** `years` from now (the request's time), at 09:00Z on that day. */
  const yearsAhead = (years: number, days = 0) => {
    const at = new Date();
    at.setUTCFullYear(at.getUTCFullYear() + years);
    at.setUTCDate(at.getUTCDate() + days);
    at.setUTCHours(9, 0, 0, 0);
    return at.toISOString();
  };
  const bookingCount = () => ownerDb().booking.count({ where: { tenantId: tenant.id } });

  describe('a booking in year 9999', () => {
    it('is a 400 naming scheduledAt on POST /leads, and nothing is written', async () => {
      const before = await bookingCount();
      const response = await request('POST', '/api/leads', {
        session: admin,
        payload: { ...leadFields(), scheduledAt: '9999-12-31T23:30:00Z' },
      });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(new Set(['scheduledAt']));
      expect(await bookingCount()).toBe(before);
      expect((await request('GET', '/api/bookings', { session: admin })).statusCode).toBe(200);
    });

    it('is a 400 naming startsAt on POST /bookings and PATCH /bookings/:id', async () => {
      const lead = await request('POST', '/api/leads', { session: admin, payload: leadFields() });
      expect(lead.statusCode).toBe(201);
      const created = await request('POST', '/api/bookings', {
        session: admin,
        payload: { leadId: lead.json().id, startsAt: '9999-12-31T23:30:00Z' },
      });
      expect(created.statusCode).toBe(400);
      expect(fieldsOf(created.json())).toEqual(new Set(['startsAt']));
      expect(created.json().details[0].message).toBe('startsAt must lie between 2000-01-01 and 2100-01-01');

      const moved = await request('PATCH', `/api/bookings/${randomUUID()}`, {
        session: admin,
        payload: { startsAt: '9999-12-31T23:30:00Z' },
      });
      expect(moved.statusCode).toBe(400);
      expect(fieldsOf(moved.json())).toEqual(new Set(['startsAt']));
    });

    it('a start more than 5 years ahead is a 400; within 5 years it books', async () => {
      const lead = await request('POST', '/api/leads', { session: admin, payload: leadFields() });
      const tooFar = await request('POST', '/api/bookings', {
        session: admin,
        payload: { leadId: lead.json().id, startsAt: yearsAhead(5, 2) },
      });
      expect(tooFar.statusCode).toBe(400);
      expect(tooFar.json().details).toEqual([
        { field: 'startsAt', message: 'startsAt must be at most 5 years from now' },
      ]);
      const withLead = await request('POST', '/api/leads', {
        session: admin,
        payload: { ...leadFields(), scheduledAt: yearsAhead(5, 2) },
      });
      expect(fieldsOf(withLead.json())).toEqual(new Set(['scheduledAt']));

      const near = await request('POST', '/api/bookings', {
        session: admin,
        payload: { leadId: lead.json().id, startsAt: yearsAhead(4, 30) },
      });
      expect(near.statusCode).toBe(201);
    });

    it('cannot be written by any path: the database refuses it (bookings_time_window)', async () => {
      const lead = await ownerDb().lead.create({
        data: {
          tenantId: tenant.id,
          customerName: 'Direkte',
          customerPhone: newPhone().e164,
          address: 'Vej 2',
          city: 'Aarhus',
          postalCode: '8000',
          serviceType: 'Flytterengøring',
        },
      });
      const insert = ownerDb().booking.create({
        data: {
          tenantId: tenant.id,
          leadId: lead.id,
          teamId: tenant.teamId,
          startsAt: new Date('9999-12-31T23:30:00Z'),
          endsAt: new Date('+010000-01-01T02:30:00Z'),
          durationHours: '3.00',
          hourlyRate: '349.00',
          totalAmount: '1047.00',
          meetingToken: randomUUID(),
        },
      });
      const refusal = await insert.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toMatchObject({
        meta: { driverAdapterError: { cause: { originalCode: '23514' } } },
      });
      // The API answers such a refusal as a 400 naming the rule, not "a rule of the database".
      expect(mapDatabaseError(refusal)?.message).toBe('A booking must lie between 2000-01-01 and 2100-01-01');
    });
  });

  describe('a lone UTF-16 surrogate in an e-mail', () => {
    it.each([
      ['POST /api/auth/login', '/api/auth/login', { email: 'a\ud800@example.dk', password: 'x' }, 'email'],
      ['POST /api/users', '/api/users', { email: 'ny\udfff@example.dk', name: 'Ny', role: 'staff' }, 'email'],
    ])('is a 400 naming the field on %s', async (_name, url, payload, field) => {
      const response = await request('POST', url, { session: admin, payload });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toContain(field);
    });

    it('is a 400 naming customerEmail on POST /leads', async () => {
      const response = await request('POST', '/api/leads', {
        session: admin,
        payload: { ...leadFields(), customerEmail: 'mette\ud83d@example.dk' },
      });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(new Set(['customerEmail']));
    });
  });

  describe('JSON nested 5 000 deep', () => {
    const deepArray = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const deepObject = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;

    it.each([
      ['an array on an unauthenticated route', '/api/auth/login', deepArray, undefined],
      ['an object on an unauthenticated route', '/api/auth/refresh', deepObject, undefined],
      ['an object on an authenticated route', '/api/leads', `{"notes":${deepObject}}`, 'admin'],
    ])('is a 400 for %s', async (_case, url, payload, who) => {
      const response = await request('POST', url, {
        session: who ? admin : undefined,
        payload,
        contentType: 'application/json',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toBe('Request body nests deeper than 32 levels');
    });

    it('leaves JSON within the limit to validation', async () => {
      const response = await request('POST', '/api/auth/login', {
        payload: `{"email":${'['.repeat(30)}${']'.repeat(30)},"password":"x"}`,
        contentType: 'application/json',
      });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toContain('email');
    });
  });

  describe('a date outside 2000–2100 in a filter or field', () => {
    it.each([
      '/api/leads?from=0000-01-01',
      '/api/leads?to=0000-01-01T00:00:00Z',
      '/api/bookings?from=0000-12-31T23:59:59Z',
      '/api/bookings?to=9999-12-31',
      '/api/activities?from=1999-12-31',
      `/api/leads/${randomUUID()}/activities?to=+275760-09-13`,
      '/api/calendar/availability?from=0000-01-01&to=2026-01-10&durationHours=2',
    ])('is a 400 naming the field: GET %s', async (url) => {
      const response = await request('GET', url, { session: admin });
      expect(response.statusCode).toBe(400);
      const field = /[?&](from|to)=[^&]*(0000|9999|1999|275760)/.exec(url)![1]!;
      expect(fieldsOf(response.json())).toContain(field);
    });

    it('accepts the window edges', async () => {
      for (const url of [
        '/api/leads?from=2000-01-01&to=2100-01-01',
        '/api/bookings?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z',
      ]) {
        expect((await request('GET', url, { session: admin })).statusCode).toBe(200);
      }
    });

    it('is a 400 naming paidAt and closedDays.dates', async () => {
      const payment = await request('POST', `/api/invoices/${randomUUID()}/payments`, {
        session: admin,
        payload: { amount: '10.00', paidAt: '9999-12-31T23:59:59-14:00' },
      });
      expect(payment.statusCode).toBe(400);
      expect(fieldsOf(payment.json())).toEqual(new Set(['paidAt']));
      const settings = await request('PATCH', '/api/tenant', {
        session: admin,
        payload: { closedDays: { danishPublicHolidays: true, dates: ['0000-01-01'] } },
      });
      expect(settings.statusCode).toBe(400);
      expect(fieldsOf(settings.json())).toEqual(new Set(['closedDays.dates']));
    });
  });
});
