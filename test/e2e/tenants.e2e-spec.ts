import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bootTestApp, type TestApp } from '../support/app.js';
import {
  createTenant,
  createUser,
  login,
  ownerDb,
  type Session,
  signIn,
  type TenantFixture,
  type UserFixture,
} from '../support/fixtures.js';
import { fieldsOf } from '../support/http.js';

describe('tenant administration', () => {
  let test: TestApp;
  let tenantA: TenantFixture;
  let tenantB: TenantFixture;
  let adminA: UserFixture;
  let adminB: UserFixture;
  let superadmin: UserFixture;
  const sessions: Record<'admin' | 'manager' | 'staff' | 'viewer' | 'adminB', Session> = {} as never;
  let superSession: Session;

  beforeAll(async () => {
    test = await bootTestApp();
    tenantA = await createTenant('Firma A');
    tenantB = await createTenant('Firma B');
    adminA = await createUser(tenantA.id, 'admin');
    adminB = await createUser(tenantB.id, 'admin');
    const ownTenant = await createTenant('Drift');
    superadmin = await createUser(ownTenant.id, 'viewer', { superadmin: true });
    sessions.admin = await login(test.app, adminA);
    sessions.adminB = await login(test.app, adminB);
    for (const role of ['manager', 'staff', 'viewer'] as const) {
      sessions[role] = await login(test.app, await createUser(tenantA.id, role));
    }
    superSession = await login(test.app, superadmin);
  });
  afterAll(async () => {
    await test?.close();
  });

  const request = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    session?: Session,
    payload?: object,
  ) => test.app.inject({ method, url, payload, headers: session?.auth ?? {} });

  const auditCount = (action: string, where: { tenantId?: string; targetId?: string } = {}) =>
    ownerDb().auditLog.count({ where: { action, ...where } });

  it('documents its routes and schemas in OpenAPI', async () => {
    const document = (await request('GET', '/api/docs-json')).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/tenant',
        '/api/tenants',
        '/api/users',
        '/api/users/{id}',
        '/api/teams',
        '/api/teams/{id}',
      ]),
    );
    expect(document.components.schemas.TenantResponseDto.properties.hourlyRate).toMatchObject({
      type: 'string',
    });
    expect(document.components.schemas.WorkingHoursDto.properties.mon).toMatchObject({ type: 'array' });
  });

  describe('GET /tenant', () => {
    it("answers the caller's tenant settings to ADMIN, money as strings", async () => {
      const body = (await request('GET', '/api/tenant', sessions.admin)).json();
      expect(body).toEqual({
        id: tenantA.id,
        name: 'Firma A',
        slug: tenantA.slug,
        timezone: 'Europe/Copenhagen',
        currency: 'DKK',
        hourlyRate: '349.00',
        vatRate: '25.00',
        paymentTermsDays: 14,
        billyInvoiceState: 'draft',
        workingHours: expect.objectContaining({ mon: [{ start: '08:00', end: '16:00' }], sun: [] }),
        slotRules: expect.objectContaining({
          startTimes: ['08:00', '10:00', '12:00', '14:00'],
          holdMinutes: 1440,
        }),
        closedDays: { danishPublicHolidays: true, dates: [] },
        extractionRules: expect.objectContaining({ minimumConfidence: 0.7 }),
        smsRules: { quietHoursStart: '21:00', quietHoursEnd: '08:00', dailyCap: 500 },
        seriesRules: { horizonWeeks: 8, onConflict: 'next_working_day', invoicing: 'per_visit' },
        customerNotices: { bookingConfirmed: true, bookingMoved: true, bookingCancelled: true },
        leadSenderDomains: [],
        smsNumber: null,
        gmailAddress: null,
        notificationEmail: null,
        offerReminderMinutes: 240,
        freeCancellationHours: 24,
        lateCancellationFeeOre: 0,
        conversationDays: 7,
        cvr: null,
        address: null,
        bankRegNo: null,
        bankAccountNo: null,
        fikCreditorNo: null,
        mobilePayNumber: null,
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
        updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      });
      expect(body.lastInvoiceNumber).toBeUndefined();
    });

    // The role matrix gives tenant settings to ADMIN: other members see what the dashboard needs.
    it('answers other roles the tenant without its mail, SMS and extraction settings', async () => {
      for (const role of ['manager', 'staff', 'viewer'] as const) {
        const response = await request('GET', '/api/tenant', sessions[role]);
        expect(response.statusCode).toBe(200);
        expect(Object.keys(response.json()).sort()).toEqual(
          [
            'closedDays',
            'createdAt',
            'currency',
            'hourlyRate',
            'id',
            'name',
            'paymentTermsDays',
            'slotRules',
            'slug',
            'timezone',
            'updatedAt',
            'vatRate',
            'workingHours',
          ].sort(),
        );
      }
    });

    it('answers 401 without a token', async () => {
      expect((await request('GET', '/api/tenant')).statusCode).toBe(401);
    });
  });

  describe('PATCH /tenant', () => {
    const workingHours = {
      mon: [
        { start: '07:00', end: '12:00' },
        { start: '12:30', end: '15:30' },
      ],
      tue: [{ start: '07:00', end: '15:00' }],
      wed: [{ start: '07:00', end: '15:00' }],
      thu: [{ start: '07:00', end: '15:00' }],
      fri: [{ start: '07:00', end: '13:00' }],
      sat: [],
      sun: [],
    };

    it('edits the settings, audits the change and keeps what it was not given', async () => {
      const smsNumber = `+45${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
      const response = await request('PATCH', '/api/tenant', sessions.admin, {
        name: 'Firma A ApS',
        timezone: 'Europe/Berlin',
        hourlyRate: '399.50',
        vatRate: '0.00',
        paymentTermsDays: 8,
        billyInvoiceState: 'approved',
        workingHours,
        slotRules: {
          startTimes: ['09:00', '13:00'],
          bufferMinutes: 15,
          minimumNoticeDays: 2,
          horizonDays: 21,
          holdMinutes: 0,
        },
        closedDays: { danishPublicHolidays: false, dates: ['2026-12-24', '2026-12-31'] },
        extractionRules: { minimumConfidence: 0.85, hoursPerSquareMetre: { Flytterengøring: 0.06 } },
        smsRules: { quietHoursStart: '20:00', quietHoursEnd: '09:00', dailyCap: 0 },
        seriesRules: { horizonWeeks: 12, onConflict: 'skip', invoicing: 'monthly' },
        leadSenderDomains: ['leadpoint.dk', 'mail.leadmail.no'],
        smsNumber,
        gmailAddress: `firma-a-${randomUUID().slice(0, 8)}@example.dk`,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({
        id: tenantA.id,
        slug: tenantA.slug,
        name: 'Firma A ApS',
        timezone: 'Europe/Berlin',
        currency: 'DKK',
        hourlyRate: '399.50',
        vatRate: '0.00',
        paymentTermsDays: 8,
        billyInvoiceState: 'approved',
        workingHours,
        closedDays: { danishPublicHolidays: false, dates: ['2026-12-24', '2026-12-31'] },
        extractionRules: { minimumConfidence: 0.85, hoursPerSquareMetre: { Flytterengøring: 0.06 } },
        smsRules: { quietHoursStart: '20:00', quietHoursEnd: '09:00', dailyCap: 0 },
        seriesRules: { horizonWeeks: 12, onConflict: 'skip', invoicing: 'monthly' },
        leadSenderDomains: ['leadpoint.dk', 'mail.leadmail.no'],
        smsNumber,
      });
      expect((await request('GET', '/api/tenant', sessions.admin)).json()).toEqual(body);

      const audit = await ownerDb().auditLog.findFirstOrThrow({
        where: { action: 'settings_change', tenantId: tenantA.id },
        orderBy: { createdAt: 'desc' },
      });
      expect(audit.actorUserId).toBe(adminA.id);
      expect((audit.metadata as { fields: string[] }).fields).toEqual(
        expect.arrayContaining(['hourlyRate', 'smsNumber']),
      );

      // Only named fields change; null clears an address.
      const partial = await request('PATCH', '/api/tenant', sessions.admin, {
        vatRate: '25.00',
        smsNumber: null,
      });
      expect(partial.statusCode).toBe(200);
      expect(partial.json()).toMatchObject({
        vatRate: '25.00',
        hourlyRate: '399.50',
        smsNumber: null,
        name: 'Firma A ApS',
      });
    });

    it('refuses an SMS number or Gmail address another tenant routes with a 409 that does not say whose', async () => {
      const smsNumber = `+45${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
      const gmailAddress = `indbakke-${randomUUID().slice(0, 8)}@example.dk`;
      expect(
        (await request('PATCH', '/api/tenant', sessions.adminB, { smsNumber, gmailAddress })).statusCode,
      ).toBe(200);
      const tenantBRow = await ownerDb().tenant.findUniqueOrThrow({ where: { id: tenantB.id } });
      for (const [field, value] of [
        ['smsNumber', smsNumber],
        ['gmailAddress', gmailAddress],
      ] as const) {
        const response = await request('PATCH', '/api/tenant', sessions.admin, { [field]: value });
        expect(response.statusCode).toBe(409);
        const body = response.json();
        expect(body.details).toEqual({ fields: [field] });
        for (const trace of [tenantB.id, tenantB.slug, tenantBRow.name])
          expect(JSON.stringify(body)).not.toContain(trace);
      }
      // Nothing of the refused change was kept.
      const a = await ownerDb().tenant.findUniqueOrThrow({ where: { id: tenantA.id } });
      expect(a.smsNumber).not.toBe(smsNumber);
      expect(a.gmailAddress).not.toBe(gmailAddress);
    });

    it('names each invalid field in a 400', async () => {
      const response = await request('PATCH', '/api/tenant', sessions.admin, {
        timezone: 'Mars/Olympus_Mons',
        hourlyRate: 349.5,
        vatRate: '100.01',
        currency: 'kroner',
        workingHours: {
          ...workingHours,
          mon: [{ start: '25:00', end: '16:00' }],
          tue: [{ start: '15:00', end: '09:00' }],
        },
        slotRules: {
          startTimes: ['8:00'],
          bufferMinutes: 30,
          minimumNoticeDays: 1,
          horizonDays: 14,
          holdMinutes: 1440,
        },
        closedDays: { danishPublicHolidays: true, dates: ['2026-02-30'] },
        extractionRules: { minimumConfidence: 1.5, hoursPerSquareMetre: { Flytterengøring: 'lots' } },
        smsRules: { quietHoursStart: '21:00', quietHoursEnd: '08:00', dailyCap: -1 },
        seriesRules: { horizonWeeks: 0, onConflict: 'later', invoicing: 'per_visit' },
        leadSenderDomains: ['LeadPoint.DK', 'not a domain'],
        smsNumber: '12345678',
        gmailAddress: 'not-an-email',
      });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(
        new Set([
          'timezone',
          'hourlyRate',
          'vatRate',
          'currency',
          'workingHours.mon.0.start',
          'workingHours.tue.0.end',
          'slotRules.startTimes',
          'closedDays.dates',
          'extractionRules.minimumConfidence',
          'extractionRules.hoursPerSquareMetre',
          'smsRules.dailyCap',
          'seriesRules.horizonWeeks',
          'seriesRules.onConflict',
          'leadSenderDomains',
          'smsNumber',
          'gmailAddress',
        ]),
      );
      expect(response.json().message).toContain('timezone');
    });

    it('refuses money as a number and a bad time zone, each named', async () => {
      const money = await request('PATCH', '/api/tenant', sessions.admin, { hourlyRate: 349 });
      expect(money.statusCode).toBe(400);
      expect(fieldsOf(money.json())).toEqual(new Set(['hourlyRate']));
      const zone = await request('PATCH', '/api/tenant', sessions.admin, { timezone: 'CET+1' });
      expect(zone.statusCode).toBe(400);
      expect(fieldsOf(zone.json())).toEqual(new Set(['timezone']));
    });

    it('refuses read-only fields, unknown nested fields, a missing nested field and nulls', async () => {
      const readOnly = await request('PATCH', '/api/tenant', sessions.admin, {
        id: randomUUID(),
        slug: 'other',
        createdAt: new Date().toISOString(),
        name: 'X',
      });
      expect(readOnly.statusCode).toBe(400);
      expect(readOnly.json().details).toEqual(
        expect.arrayContaining([
          { field: 'id', message: 'id is not allowed' },
          { field: 'slug', message: 'slug is not allowed' },
        ]),
      );
      expect(fieldsOf(readOnly.json())).toEqual(new Set(['id', 'slug', 'createdAt']));

      const nested = await request('PATCH', '/api/tenant', sessions.admin, {
        smsRules: { quietHoursStart: '21:00', quietHoursEnd: '08:00', dailyCap: 5, tenantId: 'x' },
        slotRules: { startTimes: ['08:00'], bufferMinutes: 30, minimumNoticeDays: 1, horizonDays: 14 },
        name: null,
      });
      expect(nested.statusCode).toBe(400);
      expect(fieldsOf(nested.json())).toEqual(
        new Set(['smsRules.tenantId', 'slotRules.holdMinutes', 'name']),
      );
      expect((await request('GET', '/api/tenant', sessions.admin)).json().name).toBe('Firma A ApS');
    });

    it('is for admins only', async () => {
      for (const role of ['manager', 'staff', 'viewer'] as const) {
        expect((await request('PATCH', '/api/tenant', sessions[role], { name: 'Hijacked' })).statusCode).toBe(
          403,
        );
      }
    });
  });

  describe('users', () => {
    it('lists the members of the tenant only, paginated', async () => {
      const response = await request('GET', '/api/users?page=1&pageSize=2', sessions.admin);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.data).toHaveLength(2);
      expect(body.data[0]).toEqual({
        id: adminA.id,
        email: adminA.email,
        name: 'Test admin',
        role: 'admin',
        active: true,
        createdAt: expect.stringMatching(/Z$/),
      });
      expect(body.meta).toMatchObject({ page: 1, pageSize: 2 });
      expect(body.meta.total).toBeGreaterThanOrEqual(4);
      expect(body.meta.totalPages).toBe(Math.ceil(body.meta.total / 2));

      const all = (await request('GET', '/api/users?pageSize=100', sessions.admin)).json();
      const ids = all.data.map((user: { id: string }) => user.id);
      expect(ids).not.toContain(adminB.id);
      expect(ids).not.toContain(superadmin.id);
      expect(all.meta).toEqual({ total: ids.length, page: 1, pageSize: 100, totalPages: 1 });
    });

    it('refuses a page size over 100 and a page below 1, naming them', async () => {
      const big = await request('GET', '/api/users?pageSize=101', sessions.admin);
      expect(big.statusCode).toBe(400);
      expect(fieldsOf(big.json())).toEqual(new Set(['pageSize']));
      const zero = await request('GET', '/api/users?page=0&pageSize=abc', sessions.admin);
      expect(zero.statusCode).toBe(400);
      expect(fieldsOf(zero.json())).toEqual(new Set(['page', 'pageSize']));
    });

    it('creates a user who can then log in; audits it', async () => {
      const email = `ny-${randomUUID().slice(0, 8)}@example.dk`;
      const response = await request('POST', '/api/users', sessions.admin, {
        email,
        name: 'Ny Medarbejder',
        password: 'A-long-password-1',
        role: 'staff',
      });
      expect(response.statusCode).toBe(201);
      const user = response.json();
      expect(user).toEqual({
        id: expect.any(String),
        email,
        name: 'Ny Medarbejder',
        role: 'staff',
        active: true,
        createdAt: expect.any(String),
      });
      expect(user.passwordHash).toBeUndefined();
      const session = await login(test.app, { email, password: 'A-long-password-1' });
      expect((await request('GET', '/api/tenant', session)).json().id).toBe(tenantA.id);
      expect(await auditCount('user_create', { tenantId: tenantA.id, targetId: user.id })).toBe(1);
      const stored = await ownerDb().user.findUniqueOrThrow({ where: { id: user.id } });
      expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    });

    it('answers 409 for an e-mail that is already a member of this tenant', async () => {
      const here = await request('POST', '/api/users', sessions.admin, {
        name: 'Dublet',
        password: 'A-long-password-1',
        role: 'viewer',
        email: adminA.email.toUpperCase(),
      });
      expect(here.statusCode).toBe(409);
      expect(here.json().details).toEqual({ fields: ['email'] });
    });

    it('adds an account of another tenant exactly as a new e-mail, without touching its password or name', async () => {
      const tenantC = await createTenant('Firma C');
      const elsewhere = await createUser(tenantC.id, 'admin');
      // An account years old: its age must not show either.
      const before = await ownerDb().user.update({
        where: { id: elsewhere.id },
        data: { createdAt: new Date('2020-01-01T00:00:00Z') },
      });
      const add = (email: string) =>
        request('POST', '/api/users', sessions.admin, {
          email,
          name: 'Overtaget Navn',
          password: 'Admin-chosen-password-1',
          role: 'staff',
        });
      const fresh = await add(`ny-${randomUUID().slice(0, 8)}@example.dk`);
      const existing = await add(elsewhere.email);

      // Same status, same shape: nothing says the e-mail had an account.
      expect(existing.statusCode).toBe(fresh.statusCode);
      expect(existing.statusCode).toBe(201);
      expect(Object.keys(existing.json()).sort()).toEqual(Object.keys(fresh.json()).sort());
      expect(existing.json()).toMatchObject({ id: elsewhere.id, role: 'staff', active: true });
      expect(JSON.stringify(existing.json())).not.toContain(tenantC.id);
      expect(JSON.stringify(existing.json())).not.toContain(tenantC.slug);
      // The person joined this tenant after the fresh user did, whatever the age of their account.
      expect(Date.parse(existing.json().createdAt)).toBeGreaterThanOrEqual(
        Date.parse(fresh.json().createdAt),
      );

      // The account is the person's own: their password and name stay, the admin's password does not work.
      const after = await ownerDb().user.findUniqueOrThrow({ where: { id: elsewhere.id } });
      expect(after).toMatchObject({ passwordHash: before.passwordHash, name: before.name });
      const theirs = await login(test.app, elsewhere);
      expect((await request('GET', '/api/tenant', theirs)).json().id).toBe(tenantC.id);
      const hijack = await test.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: elsewhere.email, password: 'Admin-chosen-password-1' },
        // Its own address: the run's fixtures log in from 127.0.0.1, under the per-IP limit.
        remoteAddress: '10.0.4.1',
      });
      expect(hijack.statusCode).toBe(401);
      // Nor can the admin rename them afterwards.
      const rename = await request('PATCH', `/api/users/${elsewhere.id}`, sessions.admin, { name: 'X' });
      expect(rename.statusCode).toBe(409);
      expect((await ownerDb().user.findUniqueOrThrow({ where: { id: elsewhere.id } })).name).toBe(
        before.name,
      );

      // Their membership here is real: this tenant's list shows them, with the role given.
      expect(
        await ownerDb().membership.findUnique({
          where: { tenantId_userId: { tenantId: tenantA.id, userId: elsewhere.id } },
        }),
      ).toMatchObject({ role: 'staff', active: true });
      expect(await auditCount('user_create', { tenantId: tenantA.id, targetId: elsewhere.id })).toBe(1);
      // Added again, they are a member of this tenant now: 409 like any member.
      expect((await add(elsewhere.email)).statusCode).toBe(409);
    });

    it('refuses an unknown role, an upper-case role and a short password, naming them', async () => {
      const base = {
        email: `x-${randomUUID().slice(0, 8)}@example.dk`,
        name: 'X',
        password: 'A-long-password-1',
      };
      for (const role of ['owner', 'ADMIN', 'Admin']) {
        const response = await request('POST', '/api/users', sessions.admin, { ...base, role });
        expect(response.statusCode).toBe(400);
        expect(fieldsOf(response.json())).toEqual(new Set(['role']));
      }
      const short = await request('POST', '/api/users', sessions.admin, {
        ...base,
        role: 'staff',
        password: 'short-pw',
      });
      expect(short.statusCode).toBe(400);
      expect(fieldsOf(short.json())).toEqual(new Set(['password']));
      const patch = await request('PATCH', `/api/users/${adminA.id}`, sessions.admin, { role: 'superuser' });
      expect(patch.statusCode).toBe(400);
      expect(fieldsOf(patch.json())).toEqual(new Set(['role']));
    });

    it('changes a role and a name, auditing the role change', async () => {
      const user = await createUser(tenantA.id, 'viewer');
      const response = await request('PATCH', `/api/users/${user.id}`, sessions.admin, {
        role: 'manager',
        name: 'Ny Leder',
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: user.id, role: 'manager', name: 'Ny Leder', active: true });
      const audit = await ownerDb().auditLog.findFirstOrThrow({
        where: { action: 'role_change', targetId: user.id },
      });
      expect(audit).toMatchObject({ tenantId: tenantA.id, actorUserId: adminA.id });
      expect(audit.metadata).toEqual({ from: 'viewer', to: 'manager' });
    });

    it('deactivating a user ends their access token at once and their refresh token, and audits it', async () => {
      const user = await createUser(tenantA.id, 'staff');
      const session = await login(test.app, user);
      expect((await request('GET', '/api/tenant', session)).statusCode).toBe(200);

      const response = await request('PATCH', `/api/users/${user.id}`, sessions.admin, { active: false });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: user.id, active: false, role: 'staff' });

      expect((await request('GET', '/api/tenant', session)).statusCode).toBe(401);
      const refresh = await request('POST', '/api/auth/refresh', undefined, {
        refreshToken: session.refreshToken,
      });
      expect(refresh.statusCode).toBe(401);
      expect(await ownerDb().refreshToken.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
      expect(await auditCount('deactivate', { tenantId: tenantA.id, targetId: user.id })).toBe(1);
      expect(
        (await request('POST', '/api/auth/login', undefined, { email: user.email, password: user.password }))
          .statusCode,
      ).toBe(401);
    });

    it('removes a membership with 204: the user is gone from the list and their session ends', async () => {
      const user = await createUser(tenantA.id, 'manager');
      const session = await login(test.app, user);
      const response = await request('DELETE', `/api/users/${user.id}`, sessions.admin);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      const ids = (await request('GET', '/api/users?pageSize=100', sessions.admin))
        .json()
        .data.map((u: { id: string }) => u.id);
      expect(ids).not.toContain(user.id);
      expect((await request('GET', '/api/tenant', session)).statusCode).toBe(401);
      expect(
        (await request('POST', '/api/auth/refresh', undefined, { refreshToken: session.refreshToken }))
          .statusCode,
      ).toBe(401);
      expect(await auditCount('delete', { tenantId: tenantA.id, targetId: user.id })).toBe(1);
      expect((await request('DELETE', `/api/users/${user.id}`, sessions.admin)).statusCode).toBe(404);
    });

    it("answers 404 for another tenant's user and for an unknown id, 400 for a malformed one", async () => {
      const target = await createUser(tenantA.id, 'viewer');
      for (const id of [target.id, randomUUID()]) {
        const patch = await request('PATCH', `/api/users/${id}`, sessions.adminB, { role: 'admin' });
        expect(patch.statusCode).toBe(404);
        expect(patch.json()).toMatchObject({ statusCode: 404, message: 'User not found' });
        expect((await request('DELETE', `/api/users/${id}`, sessions.adminB)).statusCode).toBe(404);
      }
      const membership = await ownerDb().membership.findFirstOrThrow({ where: { userId: target.id } });
      expect(membership).toMatchObject({ tenantId: tenantA.id, role: 'viewer' });
      const malformed = await request('PATCH', '/api/users/not-a-uuid', sessions.adminB, { role: 'admin' });
      expect(malformed.statusCode).toBe(400);
      expect(fieldsOf(malformed.json())).toEqual(new Set(['id']));
    });

    it('are for admins only', async () => {
      const target = await createUser(tenantA.id, 'viewer');
      for (const role of ['manager', 'staff', 'viewer'] as const) {
        const session = sessions[role];
        expect((await request('GET', '/api/users', session)).statusCode).toBe(403);
        const create = await request('POST', '/api/users', session, {
          email: `x-${randomUUID().slice(0, 8)}@example.dk`,
          name: 'X',
          password: 'A-long-password-1',
          role: 'admin',
        });
        expect(create.statusCode).toBe(403);
        expect(
          (await request('PATCH', `/api/users/${target.id}`, session, { role: 'admin' })).statusCode,
        ).toBe(403);
        expect((await request('DELETE', `/api/users/${target.id}`, session)).statusCode).toBe(403);
      }
    });
  });

  describe('the last admin', () => {
    let tenant: TenantFixture;
    let onlyAdmin: UserFixture;
    let adminSession: Session;

    beforeAll(async () => {
      tenant = await createTenant('Enkeltmandsfirma');
      onlyAdmin = await createUser(tenant.id, 'admin');
      adminSession = await login(test.app, onlyAdmin);
    });

    it('cannot demote, deactivate or remove themselves (409)', async () => {
      const demote = await request('PATCH', `/api/users/${onlyAdmin.id}`, adminSession, { role: 'manager' });
      expect(demote.statusCode).toBe(409);
      expect(demote.json().message).toMatch(/yourself/);
      expect(
        (await request('PATCH', `/api/users/${onlyAdmin.id}`, adminSession, { active: false })).statusCode,
      ).toBe(409);
      expect((await request('DELETE', `/api/users/${onlyAdmin.id}`, adminSession)).statusCode).toBe(409);
      // Harmless edits of oneself still work.
      const rename = await request('PATCH', `/api/users/${onlyAdmin.id}`, adminSession, {
        name: 'Eneste Admin',
        role: 'admin',
      });
      expect(rename.statusCode).toBe(200);
      expect(rename.json()).toMatchObject({ role: 'admin', active: true, name: 'Eneste Admin' });
      expect(await auditCount('role_change', { targetId: onlyAdmin.id })).toBe(0);
    });

    it('cannot be demoted, deactivated or removed by anyone else either (409)', async () => {
      // A superadmin acts in a tenant without a membership, as its admin.
      const switched = await request('POST', '/api/auth/switch-tenant', superSession, {
        tenantId: tenant.id,
      });
      expect(switched.statusCode).toBe(200);
      superSession = {
        accessToken: switched.json().accessToken,
        refreshToken: switched.json().refreshToken,
        auth: { authorization: `Bearer ${switched.json().accessToken}` },
      };
      const demote = await request('PATCH', `/api/users/${onlyAdmin.id}`, superSession, { role: 'viewer' });
      expect(demote.statusCode).toBe(409);
      expect(demote.json().message).toMatch(/last active admin/);
      expect(
        (await request('PATCH', `/api/users/${onlyAdmin.id}`, superSession, { active: false })).statusCode,
      ).toBe(409);
      expect((await request('DELETE', `/api/users/${onlyAdmin.id}`, superSession)).statusCode).toBe(409);

      // With a second admin, the first may be demoted.
      const second = await request('POST', '/api/users', adminSession, {
        email: `admin2-${randomUUID().slice(0, 8)}@example.dk`,
        name: 'Anden Admin',
        password: 'A-long-password-1',
        role: 'admin',
      });
      expect(second.statusCode).toBe(201);
      const demoted = await request('PATCH', `/api/users/${onlyAdmin.id}`, superSession, { role: 'manager' });
      expect(demoted.statusCode).toBe(200);
      expect(demoted.json().role).toBe('manager');
      // Now the second admin is the last one.
      const again = await request('PATCH', `/api/users/${second.json().id}`, superSession, { active: false });
      expect(again.statusCode).toBe(409);
    });
  });

  it('lets only one of two admins demoting each other at once succeed', async () => {
    const tenant = await createTenant('Kompagnoner');
    const [first, second] = [await createUser(tenant.id, 'admin'), await createUser(tenant.id, 'admin')];
    const [firstSession, secondSession] = [await login(test.app, first), await login(test.app, second)];
    const answers = await Promise.all([
      request('PATCH', `/api/users/${second.id}`, firstSession, { role: 'viewer' }),
      request('PATCH', `/api/users/${first.id}`, secondSession, { role: 'viewer' }),
    ]);
    const codes = answers.map((answer) => answer.statusCode).sort();
    // The loser is refused either in the transaction (last admin: 409) or, if it started after the
    // winner committed, already by the guard (no longer an admin: 403).
    expect(codes[0]).toBe(200);
    expect([403, 409]).toContain(codes[1]);
    expect(await ownerDb().membership.count({ where: { tenantId: tenant.id, role: 'admin' } })).toBe(1);
  });

  describe('teams', () => {
    it('lists the tenant teams to any role', async () => {
      for (const role of ['admin', 'manager', 'staff', 'viewer'] as const) {
        const response = await request('GET', '/api/teams', sessions[role]);
        expect(response.statusCode).toBe(200);
        const ids = response.json().data.map((team: { id: string }) => team.id);
        expect(ids).toContain(tenantA.teamId);
        expect(ids).not.toContain(tenantB.teamId);
      }
    });

    it('creates a team (201), refuses a duplicate name (409) and edits it', async () => {
      const created = await request('POST', '/api/teams', sessions.admin, {
        name: 'Hold 2',
        googleCalendarId: 'hold2@group.calendar.google.com',
      });
      expect(created.statusCode).toBe(201);
      const team = created.json();
      expect(team).toEqual({
        id: expect.any(String),
        name: 'Hold 2',
        active: true,
        googleCalendarId: 'hold2@group.calendar.google.com',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await request('POST', '/api/teams', sessions.admin, { name: 'Hold 2' })).statusCode).toBe(409);
      expect((await request('POST', '/api/teams', sessions.admin, { name: 'hold 1' })).statusCode).toBe(409);
      // Tenant B may have a team of the same name.
      expect((await request('POST', '/api/teams', sessions.adminB, { name: 'Hold 2' })).statusCode).toBe(201);

      const edited = await request('PATCH', `/api/teams/${team.id}`, sessions.admin, {
        name: 'Hold To',
        active: false,
        googleCalendarId: null,
      });
      expect(edited.statusCode).toBe(200);
      expect(edited.json()).toMatchObject({
        id: team.id,
        name: 'Hold To',
        active: false,
        googleCalendarId: null,
      });
      const clash = await request('PATCH', `/api/teams/${team.id}`, sessions.admin, { name: 'Hold 1' });
      expect(clash.statusCode).toBe(409);
    });

    it('refuses an empty name and unknown fields', async () => {
      const response = await request('POST', '/api/teams', sessions.admin, {
        name: '  ',
        tenantId: tenantB.id,
      });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(new Set(['name', 'tenantId']));
    });

    it("answers 404 for another tenant's team", async () => {
      const response = await request('PATCH', `/api/teams/${tenantA.teamId}`, sessions.adminB, {
        name: 'Overtaget',
      });
      expect(response.statusCode).toBe(404);
      expect(response.json().message).toBe('Team not found');
      expect(
        (await request('PATCH', `/api/teams/${randomUUID()}`, sessions.adminB, { active: false })).statusCode,
      ).toBe(404);
      const team = await ownerDb().team.findUniqueOrThrow({ where: { id: tenantA.teamId } });
      expect(team.name).toBe('Hold 1');
    });

    it('are edited by admins only', async () => {
      for (const role of ['manager', 'staff', 'viewer'] as const) {
        expect(
          (await request('POST', '/api/teams', sessions[role], { name: `Hold ${role}` })).statusCode,
        ).toBe(403);
        expect(
          (await request('PATCH', `/api/teams/${tenantA.teamId}`, sessions[role], { active: false }))
            .statusCode,
        ).toBe(403);
      }
    });
  });

  describe('POST /tenants', () => {
    const newTenant = () => {
      const suffix = randomUUID().slice(0, 8);
      return {
        name: `Nyt Firma ${suffix}`,
        slug: `nyt-firma-${suffix}`,
        adminEmail: `chef-${suffix}@example.dk`,
        adminPassword: 'A-long-password-1',
        adminName: 'Chef',
      };
    };

    it('is for superadmins only', async () => {
      expect((await request('POST', '/api/tenants', sessions.admin, newTenant())).statusCode).toBe(403);
      expect((await request('POST', '/api/tenants', sessions.viewer, newTenant())).statusCode).toBe(403);
    });

    it('creates the tenant with its team, templates and first admin, who can log in and sees only it', async () => {
      const payload = newTenant();
      const response = await request('POST', '/api/tenants', superSession, payload);
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toEqual({
        tenant: expect.objectContaining({
          id: expect.any(String),
          name: payload.name,
          slug: payload.slug,
          timezone: 'Europe/Copenhagen',
          currency: 'DKK',
          hourlyRate: '349.00',
          vatRate: '25.00',
          paymentTermsDays: 14,
          leadSenderDomains: [],
        }),
        admin: { id: expect.any(String), email: payload.adminEmail, name: 'Chef' },
      });
      const tenantId = body.tenant.id;
      // lead_response, booking_confirmation, booking_moved, booking_cancelled, booking_reminder, invoice_reminder,
      // and the customer's own changes: booking_cancelled_by_customer, booking_moved_by_customer.
      expect(await ownerDb().emailTemplate.count({ where: { tenantId } })).toBe(8);
      expect(
        await ownerDb().membership.findFirst({ where: { tenantId, userId: body.admin.id } }),
      ).toMatchObject({ role: 'admin' });
      expect(await auditCount('tenant_create', { tenantId, targetId: tenantId })).toBe(1);

      const session = await login(test.app, { email: payload.adminEmail, password: payload.adminPassword });
      const tenant = await request('GET', '/api/tenant', session);
      expect(tenant.json()).toMatchObject({ id: tenantId, slug: payload.slug });
      const teams = (await request('GET', '/api/teams', session)).json();
      expect(teams.data).toEqual([expect.objectContaining({ name: 'Hold 1', active: true })]);
      expect(teams.meta).toEqual({ total: 1, page: 1, pageSize: 20, totalPages: 1 });
      const users = (await request('GET', '/api/users', session)).json();
      expect(users.data).toEqual([expect.objectContaining({ id: body.admin.id, role: 'admin' })]);
    });

    it('answers 409 for an existing slug or e-mail and creates nothing', async () => {
      const payload = newTenant();
      expect(
        (await request('POST', '/api/tenants', superSession, { ...payload, slug: tenantA.slug })).statusCode,
      ).toBe(409);
      const email = await request('POST', '/api/tenants', superSession, {
        ...payload,
        adminEmail: adminB.email,
      });
      expect(email.statusCode).toBe(409);
      expect(await ownerDb().tenant.count({ where: { slug: payload.slug } })).toBe(0);
    });

    it('validates the body, naming each field', async () => {
      const response = await request('POST', '/api/tenants', superSession, {
        name: '',
        slug: 'Nyt Firma',
        adminEmail: 'nope',
        adminPassword: 'short',
        adminName: 'Chef',
      });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(new Set(['name', 'slug', 'adminEmail', 'adminPassword']));
    });
  });
});

describe('a user who belongs to two tenants', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await bootTestApp();
  });
  afterAll(async () => {
    await test?.close();
  });

  // Regression: tenant B's admin could deactivate, rename and log out a user who was tenant A's only
  // admin, because `active` and the sessions were the user's, not the membership's.
  it("is deactivated, renamed and removed in one tenant without touching the other tenant's access", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const shared = await createUser(a.id, 'admin');
    await ownerDb().membership.create({ data: { tenantId: b.id, userId: shared.id, role: 'staff' } });
    const adminB = await signIn(test.app, b.id, 'admin');
    const inA = await login(test.app, shared);

    const call = (method: 'PATCH' | 'DELETE', body?: object) =>
      test.app.inject({ method, url: `/api/users/${shared.id}`, headers: adminB.auth, payload: body });

    expect((await call('PATCH', { name: 'Omdøbt af B' })).statusCode).toBe(409);
    const deactivated = await call('PATCH', { active: false });
    expect(deactivated.statusCode).toBe(200);
    expect(deactivated.json().active).toBe(false);

    // Still tenant A's admin: the session in A lives, a new login lands in A, the name is unchanged.
    const me = await test.app.inject({ method: 'GET', url: '/api/auth/me', headers: inA.auth });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { name: 'Test admin' }, tenant: { id: a.id, role: 'admin' } });
    expect((await login(test.app, shared)).accessToken).toBeTruthy();
    expect(me.json().tenants.map((t: { id: string }) => t.id)).toEqual([a.id]);

    expect((await call('DELETE')).statusCode).toBe(204);
    expect(
      (await test.app.inject({ method: 'GET', url: '/api/auth/me', headers: inA.auth })).statusCode,
    ).toBe(200);
    expect(
      (
        await test.app.inject({
          method: 'POST',
          url: '/api/auth/refresh',
          payload: { refreshToken: inA.refreshToken },
        })
      ).statusCode,
    ).toBe(200);
  });
});
