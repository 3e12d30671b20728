import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TenantCacheService } from '../../src/core/cache/tenant-cache.service.js';
import type { BookingStatus, LeadSource, LeadStatus } from '../../src/generated/prisma/enums.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, signIn, type TenantFixture } from '../support/fixtures.js';

describe('GET /api/leads/stats', () => {
  let test: TestApp;
  let tenant: TenantFixture;
  let staffId: string;
  let manager: { authorization: string };
  let staff: { authorization: string };

  async function lead(
    status: LeadStatus,
    source: LeadSource,
    options: { booked?: boolean; assignedUserId?: string; createdAt?: Date } = {},
  ) {
    return ownerDb().lead.create({
      data: {
        tenantId: tenant.id,
        customerName: 'Kunde',
        address: 'Vej 1',
        city: 'Aarhus',
        postalCode: '8000',
        serviceType: 'Flytterengøring',
        status,
        source,
        firstBookedAt: options.booked ? new Date() : null,
        assignedUserId: options.assignedUserId,
        createdAt: options.createdAt,
      },
    });
  }

  let slot = 0;
  async function booking(
    leadId: string,
    status: BookingStatus,
    startsAt: Date,
    totalAmount: string,
    assignedUserId?: string,
  ) {
    slot += 1;
    const start = new Date(startsAt.getTime() + slot * 24 * 3600 * 1000);
    return ownerDb().booking.create({
      data: {
        tenantId: tenant.id,
        leadId,
        teamId: tenant.teamId,
        startsAt: start,
        endsAt: new Date(start.getTime() + 3 * 3600 * 1000),
        durationHours: '3.00',
        hourlyRate: '349.00',
        totalAmount,
        status,
        assignedUserId,
        meetingToken: randomUUID(),
      },
    });
  }

  beforeAll(async () => {
    test = await bootTestApp();
    tenant = await createTenant('Stats');
    const staffSession = await signIn(test.app, tenant.id, 'staff');
    staffId = staffSession.user.id;
    manager = (await signIn(test.app, tenant.id, 'manager')).auth;
    staff = staffSession.auth;

    const future = new Date(Date.now() + 24 * 3600 * 1000);
    const past = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    const old = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    const a = await lead('booked', 'leadpoint', { booked: true, assignedUserId: staffId, createdAt: old });
    const b = await lead('completed', 'leadmail', { booked: true, createdAt: old });
    await lead('new', 'leadpoint', { createdAt: old });
    await lead('lost', 'manual', { createdAt: old });
    await booking(a.id, 'confirmed', future, '1047.00', staffId);
    await booking(b.id, 'completed', past, '698.00');
    await booking(b.id, 'expired', past, '349.00');
    await ownerDb().invoice.create({
      data: {
        tenantId: tenant.id,
        customerName: 'Kunde',
        reference: `R-${randomUUID().slice(0, 6)}`,
        subtotal: '698.00',
        vatAmount: '174.50',
        total: '872.50',
        status: 'sent',
      },
    });
    await ownerDb().invoice.create({
      data: {
        tenantId: tenant.id,
        customerName: 'Kunde',
        reference: `R-${randomUUID().slice(0, 6)}`,
        subtotal: '100.00',
        vatAmount: '25.00',
        total: '125.00',
        status: 'paid',
      },
    });
    await ownerDb().smsMessage.create({
      data: {
        tenantId: tenant.id,
        direction: 'outbound',
        leadId: a.id,
        phone: '+4522334455',
        body: 'x',
        status: 'undelivered',
      },
    });
  });
  afterAll(async () => {
    await test?.close();
  });

  const stats = async (auth: { authorization: string }) => {
    const response = await test.app.inject({ method: 'GET', url: '/api/leads/stats', headers: auth });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('answers every figure of the dashboard, money as strings', async () => {
    expect(await stats(manager)).toEqual({
      totalLeads: 4,
      upcoming: 1,
      completed: 1,
      expired: 1,
      byStatus: { new: 1, contacted: 0, booked: 1, completed: 1, invoiced: 0, lost: 1 },
      bySource: { leadpoint: 2, leadmail: 1, booking_form: 0, email: 0, manual: 1 },
      newThisWeek: 0,
      conversionRate: 0.5,
      bookedRevenue: '1745.00',
      invoicedRevenue: '997.50',
      paidRevenue: '125.00',
      outstanding: '872.50',
      recurringRevenue30d: '0.00',
      smsFailed: 1,
    });
  });

  it("counts only a STAFF member's own assignments", async () => {
    expect(await stats(staff)).toMatchObject({
      totalLeads: 1,
      upcoming: 1,
      completed: 0,
      conversionRate: 1,
      bookedRevenue: '1047.00',
      smsFailed: 1,
    });
  });

  it('serves the cached figures until a change invalidates them, then the new ones', async () => {
    await stats(manager);
    await lead('new', 'email');
    expect((await stats(manager)).totalLeads).toBe(4); // cached: the owner's insert bypassed the app
    await test.app.get(TenantCacheService).invalidate(tenant.id);
    const fresh = await stats(manager);
    expect(fresh.totalLeads).toBe(5);
    expect(fresh.newThisWeek).toBe(1);
  });

  it('starts at zero for a new tenant and needs a token', async () => {
    const empty = await createTenant('Tom');
    const viewer = (await signIn(test.app, empty.id, 'viewer')).auth;
    expect(await stats(viewer)).toMatchObject({ totalLeads: 0, conversionRate: 0, bookedRevenue: '0.00' });
    expect((await test.app.inject({ method: 'GET', url: '/api/leads/stats' })).statusCode).toBe(401);
  });
});

describe('GET /api/leads/stats after each kind of change through the API', () => {
  let test: TestApp;
  let auth: { authorization: string };

  beforeAll(async () => {
    test = await bootTestApp();
    const tenant = await createTenant('Ændringer');
    auth = (await signIn(test.app, tenant.id, 'manager')).auth;
  });
  afterAll(async () => {
    await test?.close();
  });

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const response = await test.app.inject({ method, url, headers: auth, payload });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.body ? response.json() : undefined;
  };
  const stats = () => call('GET', '/api/leads/stats');

  it('is never stale: create, move, book, cancel, book again, complete, delete', async () => {
    expect(await stats()).toMatchObject({ totalLeads: 0, upcoming: 0 });

    const lead = await call('POST', '/api/leads', {
      customerName: 'Karen Holm',
      customerPhone: '+4526123456',
      serviceType: 'Hovedrengøring',
      address: 'Bakkevej 3',
      postalCode: '8000',
      city: 'Aarhus',
      estimatedHours: 3,
    });
    expect(await stats()).toMatchObject({
      totalLeads: 1,
      newThisWeek: 1,
      byStatus: { new: 1 },
      bySource: { manual: 1 },
    });

    await call('POST', `/api/leads/${lead.id}/status`, { status: 'contacted' });
    expect(await stats()).toMatchObject({ byStatus: { new: 0, contacted: 1 } });

    const startsAt = new Date(Date.now() + 5 * 24 * 3600 * 1000);
    startsAt.setUTCHours(9, 0, 0, 0);
    const booking = await call('POST', '/api/bookings', {
      leadId: lead.id,
      startsAt: startsAt.toISOString(),
    });
    expect(await stats()).toMatchObject({
      upcoming: 1,
      byStatus: { booked: 1 },
      conversionRate: 1,
      bookedRevenue: '1047.00',
    });

    await call('PATCH', `/api/bookings/${booking.id}/status`, { status: 'cancelled' });
    expect(await stats()).toMatchObject({
      upcoming: 0,
      byStatus: { contacted: 1, booked: 0 },
      bookedRevenue: '0.00',
      conversionRate: 1,
    });

    const again = await call('POST', '/api/bookings', { leadId: lead.id, startsAt: startsAt.toISOString() });
    await call('POST', `/api/bookings/${again.id}/complete`, { hoursWorked: 3.5 });
    expect(await stats()).toMatchObject({
      upcoming: 0,
      completed: 1,
      byStatus: { completed: 1 },
      bookedRevenue: '1047.00',
    });

    await call('DELETE', `/api/leads/${lead.id}`);
    expect(await stats()).toMatchObject({ totalLeads: 0 });
  });
});
