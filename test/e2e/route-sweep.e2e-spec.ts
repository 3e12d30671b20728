import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { listRoutes } from '../../src/app.factory.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, createUser, ownerDb, type Session, signIn } from '../support/fixtures.js';

/**
 * Sweeps every route the router holds, so a route added later is covered without editing this file:
 * without a token every non-public route answers 401; with tenant B's admin token against tenant A's
 * ids, every route answers 403 or 404 and never shows A's data.
 */

/** The routes that answer without a user (docs/architecture.md, Tenancy). */
const PUBLIC_ROUTES = [
  /^\/api\/auth\/(login|refresh|forgot-password|reset-password)$/,
  /^\/api\/invitations\/accept$/,
  /^\/api\/health(\/ready)?$/,
  /^\/api\/metrics$/,
  /^\/api\/docs/,
  /^\/api\/webhooks\//,
  /^\/api\/bookings\/meeting\//,
  /^\/api\/integrations\/google\/callback$/,
  /^\/api\/admin\/queues/,
];
const isPublic = (url: string) => PUBLIC_ROUTES.some((pattern) => pattern.test(url));

/**
 * A valid body for each route that requires one, so the request gets past validation to the lookup
 * (a 400 would prove nothing about isolation). A new route with a required body must add one here.
 */
const SAMPLE_BODIES: Record<string, object> = {
  'PUT /api/leads/:id': {
    customerName: 'Ny Kunde',
    customerPhone: '+4526112233',
    serviceType: 'Hovedrengøring',
    address: 'Nyvej 1',
    postalCode: '8000',
    city: 'Aarhus',
    estimatedHours: 3,
  },
  'POST /api/leads/:id/status': { status: 'contacted' },
  'PATCH /api/bookings/:id/status': { status: 'cancelled' },
  'POST /api/bookings/:id/complete': { hoursWorked: 2 },
  'POST /api/invoices/:id/payments': { amount: '10.00' },
  'POST /api/booking-series': {
    leadId: randomUUID(),
    startsOn: '2027-10-18',
    startTime: '10:00',
    durationHours: 3,
    rule: { frequency: 'weekly', interval: 2 },
  },
  'PATCH /api/booking-series/:id': { scope: 'all', startTime: '12:00' },
  'POST /api/booking-series/:id/pause': { from: '2027-11-01' },
  'POST /api/booking-series/monthly-invoices': { customerId: randomUUID(), month: '2027-10' },
};

describe('every route', () => {
  let test: TestApp;
  let routes: Array<{ method: string; url: string }>;
  let intruder: Session;
  /** Tenant A's ids by the resource segment before `:param`, and words of A's data to look for. */
  const victimIds = new Map<string, string>();
  const victimSecrets: string[] = [];

  beforeAll(async () => {
    // An OAuth client, so GET /integrations/google/connect gets past "not set up" to the tenant's state.
    test = await bootTestApp({
      env: { GOOGLE_CLIENT_ID: 'sweep-client', GOOGLE_CLIENT_SECRET: 'sweep-secret' },
    });
    routes = listRoutes(test.app).filter((route) => route.url.startsWith('/api/'));

    const a = await createTenant('Offerfirma');
    const aAdmin = await createUser(a.id, 'admin');
    const customer = await ownerDb().customer.create({
      data: { tenantId: a.id, name: 'Hemmelig Kunde', email: 'hemmelig@example.dk', phone: '+4522334455' },
    });
    const lead = await ownerDb().lead.create({
      data: {
        tenantId: a.id,
        customerId: customer.id,
        customerName: 'Hemmelig Kunde',
        customerPhone: '+4522334455',
        address: 'Skjultvej 7',
        city: 'Odense',
        postalCode: '5000',
        serviceType: 'Flytterengøring',
      },
    });
    const booking = await ownerDb().booking.create({
      data: {
        tenantId: a.id,
        leadId: lead.id,
        customerId: customer.id,
        teamId: a.teamId,
        startsAt: new Date('2027-01-05T09:00:00Z'),
        endsAt: new Date('2027-01-05T12:00:00Z'),
        durationHours: '3.00',
        hourlyRate: '349.00',
        totalAmount: '1047.00',
        meetingToken: randomUUID(),
      },
    });
    const invoice = await ownerDb().invoice.create({
      data: {
        tenantId: a.id,
        bookingId: booking.id,
        customerId: customer.id,
        customerName: 'Hemmelig Kunde',
        reference: `R-${randomUUID().slice(0, 8)}`,
        subtotal: '1047.00',
        vatAmount: '261.75',
        total: '1308.75',
      },
    });
    const series = await ownerDb().bookingSeries.create({
      data: {
        tenantId: a.id,
        leadId: lead.id,
        customerId: customer.id,
        startsOn: new Date('2027-01-05T00:00:00Z'),
        startTime: '10:00',
        durationHours: '3.00',
        frequency: 'weekly',
        interval: 2,
        hourlyRate: '349.00',
      },
    });
    for (const [segment, id] of [
      ['booking-series', series.id],
      ['users', aAdmin.id],
      ['teams', a.teamId],
      ['customers', customer.id],
      ['leads', lead.id],
      ['bookings', booking.id],
      ['invoices', invoice.id],
      ['tenants', a.id],
    ] as const) {
      victimIds.set(segment, id);
    }
    victimSecrets.push('Hemmelig', 'Skjultvej', '+4522334455', aAdmin.email, a.slug);

    const b = await createTenant('Angriberfirma');
    intruder = await signIn(test.app, b.id, 'admin');
  });

  afterAll(async () => {
    await test?.close();
  });

  /** Fills each `:param` with tenant A's id for the resource named before it. */
  function withVictimIds(url: string): string {
    return url.replace(/\/([a-z-]+)\/:([A-Za-z]+)/g, (_, segment: string, param: string) => {
      if (param === 'provider') return `/${segment}/twilio`;
      if (param === 'type') return `/${segment}/lead_response`;
      return `/${segment}/${victimIds.get(segment) ?? randomUUID()}`;
    });
  }

  it('finds the routes from the router', () => {
    expect(routes.length).toBeGreaterThan(5);
    expect(routes).toContainEqual({ method: 'GET', url: '/api/auth/me' });
  });

  it('answers 401 without a token on every non-public route', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => !isPublic(r.url))) {
      const response = await test.app.inject({
        method: route.method as 'GET',
        url: withVictimIds(route.url),
        payload: {},
      });
      if (response.statusCode !== 401) failures.push(`${route.method} ${route.url} → ${response.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers 403 or 404 to another tenant's admin on every route that takes an id, never with the data", async () => {
    const failures: string[] = [];
    const withParams = routes.filter(
      (r) => !isPublic(r.url) && r.url.includes('/:') && !/:provider|:type/.test(r.url),
    );
    for (const route of withParams) {
      const response = await test.app.inject({
        method: route.method as 'GET',
        url: withVictimIds(route.url),
        headers: intruder.auth,
        payload: SAMPLE_BODIES[`${route.method} ${route.url}`] ?? {},
      });
      const leaked = victimSecrets.filter((secret) => response.body.includes(secret));
      if (![403, 404].includes(response.statusCode) || leaked.length > 0) {
        failures.push(`${route.method} ${route.url} → ${response.statusCode} ${leaked.join(',')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("never shows tenant A's data in any list or read route to tenant B", async () => {
    const failures: string[] = [];
    for (const route of routes.filter(
      (r) => r.method === 'GET' && !isPublic(r.url) && !r.url.includes('/:'),
    )) {
      const response = await test.app.inject({ method: 'GET', url: route.url, headers: intruder.auth });
      const leaked = victimSecrets.filter((secret) => response.body.includes(secret));
      if (leaked.length > 0 || response.statusCode >= 500)
        failures.push(`${route.url} → ${response.statusCode} ${leaked.join(',')}`);
    }
    expect(failures).toEqual([]);
  });
});
