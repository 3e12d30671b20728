import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Principal } from '../../src/auth/principal.js';
import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { TenantPrismaService } from '../../src/core/database/tenant-prisma.service.js';
import { CreateLeadDto } from '../../src/leads/dto/create-lead.dto.js';
import { LeadsService, type LeadSystemEvent } from '../../src/leads/leads.service.js';
import type { Lead } from '../../src/generated/prisma/client.js';
import type { BookingStatus } from '../../src/generated/prisma/enums.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import {
  createTenant,
  createTenantWithRoles,
  ownerDb,
  type Session,
  signIn,
  type TenantFixture,
  type UserFixture,
} from '../support/fixtures.js';
import { fieldsOf, newPhone, type FieldError } from '../support/http.js';

const token = () => `Q${randomUUID().replace(/-/g, '').slice(0, 10)}`;

describe('leads', () => {
  let test: TestApp;
  let tenantA: TenantFixture;
  let tenantB: TenantFixture;
  const users = {} as Record<'admin' | 'manager' | 'staff' | 'otherStaff' | 'viewer' | 'adminB', UserFixture>;
  const sessions = {} as Record<keyof typeof users, Session>;

  beforeAll(async () => {
    test = await bootTestApp();
    const a = await createTenantWithRoles(test.app, 'Firma A');
    tenantA = a.tenant;
    tenantB = await createTenant('Firma B');
    const { admin, manager, staff, viewer } = a;
    const signedIn = {
      admin,
      manager,
      staff,
      viewer,
      otherStaff: await signIn(test.app, tenantA.id, 'staff'),
      adminB: await signIn(test.app, tenantB.id, 'admin'),
    };
    for (const key of Object.keys(signedIn) as Array<keyof typeof signedIn>) {
      users[key] = signedIn[key].user;
      sessions[key] = signedIn[key];
    }
  });
  afterAll(async () => {
    await test?.close();
  });

  const request = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    session?: Session,
    payload?: object,
  ) => test.app.inject({ method, url, payload, headers: session?.auth ?? {} });

  const principalOf = (tenantId: string, user: UserFixture, role: Principal['role']): Principal => ({
    userId: user.id,
    tenantId,
    role,
    isSuperadmin: false,
    sessionId: randomUUID(),
  });

  const asTenant = <T>(
    tenantId: string,
    fn: (service: LeadsService, db: TenantPrismaService) => Promise<T>,
  ) =>
    test.app
      .get(TenantContextService)
      .run({ tenantId }, () => fn(test.app.get(LeadsService), test.app.get(TenantPrismaService)));

  const leadInput = (overrides: Partial<CreateLeadDto> = {}) =>
    Object.assign(new CreateLeadDto(), {
      customerName: 'Mette Jensen',
      customerPhone: newPhone().typed,
      customerEmail: null,
      serviceType: 'Flytterengøring',
      address: 'Vestergade 12',
      postalCode: '8000',
      city: 'Aarhus C',
      estimatedHours: 2.5,
      ...overrides,
    });

  const createLead = async (
    overrides: Partial<CreateLeadDto> = {},
    options: { tenantId?: string; principal?: Principal | null } = {},
  ): Promise<{ lead: Lead; warnings: string[] }> =>
    asTenant(options.tenantId ?? tenantA.id, (leads, db) =>
      db.transaction((tx) => leads.createInTransaction(tx, leadInput(overrides), options.principal ?? null)),
    );

  const applySystemMove = (leadId: string, event: LeadSystemEvent) =>
    asTenant(tenantA.id, (leads, db) =>
      db.transaction((tx) => leads.applySystemMove(tx, leadId, event, null)),
    );

  const addBooking = (lead: Lead, status: BookingStatus, startsAt: string) =>
    ownerDb().booking.create({
      data: {
        tenantId: lead.tenantId,
        leadId: lead.id,
        customerId: lead.customerId,
        teamId: lead.tenantId === tenantA.id ? tenantA.teamId : tenantB.teamId,
        startsAt: new Date(startsAt),
        endsAt: new Date(new Date(startsAt).getTime() + 3 * 3_600_000),
        durationHours: '3.00',
        hourlyRate: '349.00',
        totalAmount: '1047.00',
        status,
        meetingToken: randomUUID(),
      },
    });

  it('documents its routes in OpenAPI, without POST /leads (the bookings module serves it)', async () => {
    const document = (await request('GET', '/api/docs-json')).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/leads',
        '/api/leads/{id}',
        '/api/leads/{id}/status',
        '/api/leads/{id}/activities',
      ]),
    );
    expect(Object.keys(document.paths['/api/leads/{id}']).sort()).toEqual(['delete', 'get', 'patch', 'put']);
    expect(document.components.schemas.LeadDto.properties.estimatedPrice).toMatchObject({ type: 'string' });
  });

  describe('createInTransaction', () => {
    it('normalises the phone, prices the hours exactly, links a customer and logs "Nyt lead oprettet"', async () => {
      const phone = newPhone();
      const { lead, warnings } = await createLead({
        customerPhone: phone.typed,
        estimatedHours: 2.5,
        source: 'email',
      });
      expect(warnings).toEqual([]);
      expect(lead).toMatchObject({
        customerPhone: phone.e164,
        status: 'new',
        source: 'email',
        priority: 'medium',
      });
      expect(lead.estimatedPrice?.toFixed(2)).toBe('872.50');
      expect(lead.customerId).not.toBeNull();

      const body = (await request('GET', `/api/leads/${lead.id}`, sessions.viewer)).json();
      expect(body).toMatchObject({
        estimatedHours: '2.5',
        estimatedPrice: '872.50',
        customerPhone: phone.e164,
      });
      const activity = await ownerDb().activity.findFirstOrThrow({ where: { leadId: lead.id } });
      expect(activity).toMatchObject({
        title: 'Nyt lead oprettet',
        type: 'email',
        description: 'Flytterengøring - Aarhus C',
        customerId: lead.customerId,
      });
    });

    it("prices with the tenant's own rate", async () => {
      await ownerDb().tenant.update({ where: { id: tenantB.id }, data: { hourlyRate: '399.50' } });
      const { lead } = await createLead({ estimatedHours: 3.5 }, { tenantId: tenantB.id });
      expect(lead.estimatedPrice?.toFixed(2)).toBe('1398.25');
    });

    it('assigns a lead a STAFF user creates to them, and refuses another assignee', async () => {
      const staff = principalOf(tenantA.id, users.staff, 'staff');
      const { lead } = await createLead({}, { principal: staff });
      expect(lead.assignedUserId).toBe(users.staff.id);
      await expect(
        createLead({ assignedUserId: users.otherStaff.id }, { principal: staff }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      const activity = await ownerDb().activity.findFirstOrThrow({ where: { leadId: lead.id } });
      expect(activity.actorUserId).toBe(users.staff.id);
    });

    it('refuses an assignee who is not a member of the tenant (400 naming assignedUserId)', async () => {
      await expect(createLead({ assignedUserId: users.adminB.id })).rejects.toMatchObject({
        code: 'validation_failed',
        details: [expect.objectContaining({ field: 'assignedUserId' })],
      });
      const { lead } = await createLead({ assignedUserId: users.manager.id });
      expect(lead.assignedUserId).toBe(users.manager.id);
    });

    it('refuses a lead without phone and e-mail, naming both', async () => {
      const error = await createLead({ customerPhone: null, customerEmail: null }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: 'validation_failed' });
      expect(fieldsOf(error as { details: FieldError[] })).toEqual(
        new Set(['customerPhone', 'customerEmail']),
      );
    });

    it('rolls back with the transaction that called it', async () => {
      const name = token();
      await expect(
        asTenant(tenantA.id, (leads, db) =>
          db.transaction(async (tx) => {
            await leads.createInTransaction(tx, leadInput({ customerName: name }), null);
            throw new Error('the booking failed');
          }),
        ),
      ).rejects.toThrow('the booking failed');
      expect(await ownerDb().lead.count({ where: { customerName: name } })).toBe(0);
    });
  });

  describe('GET /leads', () => {
    it('answers a page in the envelope, newest first, with bookingDate from the earliest live booking', async () => {
      const name = token();
      const first = await createLead({ customerName: `${name} Et` });
      const second = await createLead({ customerName: `${name} To` });
      await addBooking(second.lead, 'cancelled', '2027-01-04T09:00:00Z');
      await addBooking(second.lead, 'confirmed', '2027-01-06T09:00:00Z');
      await addBooking(second.lead, 'pending', '2027-01-05T09:00:00Z');

      const response = await request('GET', `/api/leads?search=${name}&pageSize=1`, sessions.viewer);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.meta).toEqual({ total: 2, page: 1, pageSize: 1, totalPages: 2 });
      expect(body.data).toHaveLength(1);
      expect(body.data[0]).toMatchObject({ id: second.lead.id, bookingDate: '2027-01-05T09:00:00.000Z' });
      expect(Object.keys(body.data[0]).sort()).toEqual(
        [
          'id',
          'customerId',
          'customerName',
          'customerEmail',
          'customerPhone',
          'source',
          'serviceType',
          'address',
          'city',
          'postalCode',
          'estimatedHours',
          'estimatedPrice',
          'status',
          'priority',
          'notes',
          'bookingDate',
          'assignedUserId',
          'needsAttention',
          'needsAttentionReason',
          'extraction',
          'responseSentAt',
          'smsSentAt',
          'conversationLeadId',
          'createdAt',
          'updatedAt',
        ].sort(),
      );
      const page2 = (
        await request('GET', `/api/leads?search=${name}&pageSize=1&page=2`, sessions.viewer)
      ).json();
      expect(page2.data[0]).toMatchObject({ id: first.lead.id, bookingDate: null });
    });

    it('filters by status, source, priority, needsAttention and assignee', async () => {
      const name = token();
      const plain = await createLead({ customerName: name });
      const lead = await createLead({
        customerName: name,
        source: 'leadpoint',
        priority: 'high',
        assignedUserId: users.manager.id,
      });
      await ownerDb().lead.update({
        where: { id: lead.lead.id },
        data: { status: 'contacted', needsAttention: true, needsAttentionReason: 'Lav sikkerhed' },
      });
      const ids = async (query: string) =>
        (await request('GET', `/api/leads?search=${name}&${query}`, sessions.admin))
          .json()
          .data.map((row: { id: string }) => row.id);
      expect(await ids('status=contacted')).toEqual([lead.lead.id]);
      expect(await ids('status=new')).toEqual([plain.lead.id]);
      expect(await ids('source=leadpoint')).toEqual([lead.lead.id]);
      expect(await ids('priority=high')).toEqual([lead.lead.id]);
      expect(await ids('needsAttention=true')).toEqual([lead.lead.id]);
      expect(await ids('needsAttention=false')).toEqual([plain.lead.id]);
      expect(await ids(`assignedUserId=${users.manager.id}`)).toEqual([lead.lead.id]);
    });

    it('searches name, e-mail, phone, address and city in part and in any case', async () => {
      const name = token();
      const phone = newPhone();
      const { lead } = await createLead({
        customerName: `Birgitte ${name}`,
        customerEmail: `${name.toLowerCase()}@Firma.dk`,
        customerPhone: phone.typed,
        address: `${name}vej 4`,
        city: `${name}købing`,
      });
      const found = async (search: string) =>
        (await request('GET', `/api/leads?search=${encodeURIComponent(search)}`, sessions.viewer))
          .json()
          .data.map((row: { id: string }) => row.id);
      expect(await found(name.toUpperCase())).toContain(lead.id);
      expect(await found(`birgitte ${name.toLowerCase().slice(0, 6)}`)).toContain(lead.id);
      expect(await found(`${name.toLowerCase()}@firma`)).toContain(lead.id);
      expect(await found(phone.typed.slice(3))).toContain(lead.id);
      expect(await found(phone.e164.slice(3, 9))).toContain(lead.id);
      expect(await found(`${name.toLowerCase()}VEJ`)).toContain(lead.id);
      expect(await found(`${name}KØBING`)).toContain(lead.id);
      expect(await found(`${name}x`)).toEqual([]);
    });

    it('takes from/to as days in Copenhagen time: from inclusive, to exclusive', async () => {
      const name = token();
      const late = await createLead({ customerName: name });
      const early = await createLead({ customerName: name });
      const next = await createLead({ customerName: name });
      // 00:30 on 10 March in Copenhagen (UTC+1), 23:30 on 9 March, and 00:30 on 11 March.
      await ownerDb().lead.update({
        where: { id: late.lead.id },
        data: { createdAt: new Date('2026-03-09T23:30:00Z') },
      });
      await ownerDb().lead.update({
        where: { id: early.lead.id },
        data: { createdAt: new Date('2026-03-09T22:30:00Z') },
      });
      await ownerDb().lead.update({
        where: { id: next.lead.id },
        data: { createdAt: new Date('2026-03-10T23:30:00Z') },
      });
      const ids = async (query: string) =>
        (await request('GET', `/api/leads?search=${name}&${query}`, sessions.viewer))
          .json()
          .data.map((row: { id: string }) => row.id);
      expect(await ids('from=2026-03-10&to=2026-03-11')).toEqual([late.lead.id]);
      expect(await ids('to=2026-03-10')).toEqual([early.lead.id]);
      expect(await ids('from=2026-03-09T23:00:00Z')).toEqual([next.lead.id, late.lead.id]);
    });

    it('sorts by the allowed fields', async () => {
      const name = token();
      const b = await createLead({ customerName: `${name} Bent`, estimatedHours: 1 });
      const a = await createLead({ customerName: `${name} Anna`, estimatedHours: 4 });
      const ids = async (sort: string) =>
        (await request('GET', `/api/leads?search=${name}&sort=${sort}`, sessions.viewer))
          .json()
          .data.map((row: { id: string }) => row.id);
      expect(await ids('customerName:asc')).toEqual([a.lead.id, b.lead.id]);
      expect(await ids('customerName:desc')).toEqual([b.lead.id, a.lead.id]);
      expect(await ids('estimatedPrice:asc')).toEqual([b.lead.id, a.lead.id]);
      expect(await ids('createdAt:asc')).toEqual([b.lead.id, a.lead.id]);
    });

    it.each([
      ['pageSize=101', 'pageSize'],
      ['page=0', 'page'],
      ['sort=priority:asc', 'sort'],
      ['sort=createdAt', 'sort'],
      ['status=Contacted', 'status'],
      ['source=phone', 'source'],
      ['priority=urgent', 'priority'],
      ['from=10-03-2026', 'from'],
      ['to=yesterday', 'to'],
      ['assignedUserId=nobody', 'assignedUserId'],
      ['needsAttention=yes', 'needsAttention'],
      ['tenantId=x', 'tenantId'],
    ])('answers 400 naming the field for %s', async (query, field) => {
      const response = await request('GET', `/api/leads?${query}`, sessions.viewer);
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toContain(field);
    });

    it('shows STAFF only the leads assigned to them', async () => {
      const name = token();
      const mine = await createLead({ customerName: name, assignedUserId: users.staff.id });
      await createLead({ customerName: name, assignedUserId: users.otherStaff.id });
      await createLead({ customerName: name });
      const body = (await request('GET', `/api/leads?search=${name}`, sessions.staff)).json();
      expect(body.data.map((row: { id: string }) => row.id)).toEqual([mine.lead.id]);
      expect(body.meta.total).toBe(1);
      const other = await request(
        'GET',
        `/api/leads?search=${name}&assignedUserId=${users.otherStaff.id}`,
        sessions.staff,
      );
      expect(other.json().meta.total).toBe(0);
    });

    it("never shows another tenant's leads", async () => {
      const name = token();
      await createLead({ customerName: name });
      const { lead } = await createLead({ customerName: name }, { tenantId: tenantB.id });
      const body = (await request('GET', `/api/leads?search=${name}`, sessions.adminB)).json();
      expect(body.data.map((row: { id: string }) => row.id)).toEqual([lead.id]);
      const all = (await request('GET', '/api/leads?pageSize=100', sessions.adminB)).json();
      expect(all.data.every((row: { id: string }) => row.id !== undefined)).toBe(true);
      const tenantBIds = new Set(
        (await ownerDb().lead.findMany({ where: { tenantId: tenantB.id } })).map((row) => row.id),
      );
      expect(all.data.every((row: { id: string }) => tenantBIds.has(row.id))).toBe(true);
    });

    it('answers 401 without a token', async () => {
      expect((await request('GET', '/api/leads')).statusCode).toBe(401);
    });
  });

  describe('GET /leads/:id', () => {
    it('answers the lead with its customer, bookings and latest activities', async () => {
      const { lead } = await createLead({ customerEmail: 'detalje@example.dk' });
      await addBooking(lead, 'cancelled', '2027-02-01T08:00:00Z');
      const live = await addBooking(lead, 'pending', '2027-02-03T08:00:00Z');
      for (let i = 0; i < 22; i += 1) {
        await ownerDb().activity.create({
          data: { tenantId: tenantA.id, leadId: lead.id, type: 'system', title: `Note ${i}` },
        });
      }
      const response = await request('GET', `/api/leads/${lead.id}`, sessions.viewer);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({
        id: lead.id,
        status: 'new',
        bookingDate: '2027-02-03T08:00:00.000Z',
        customer: {
          id: lead.customerId,
          name: 'Mette Jensen',
          email: 'detalje@example.dk',
          phone: lead.customerPhone,
        },
      });
      expect(body.bookings).toEqual([
        expect.objectContaining({
          status: 'cancelled',
          startsAt: '2027-02-01T08:00:00.000Z',
          teamId: tenantA.teamId,
        }),
        {
          id: live.id,
          status: 'pending',
          startsAt: '2027-02-03T08:00:00.000Z',
          endsAt: '2027-02-03T11:00:00.000Z',
          teamId: tenantA.teamId,
        },
      ]);
      expect(body.activities).toHaveLength(20);
      expect(body.activities[0].title).toBe('Note 21');
    });

    it("answers 404 for a missing lead, another tenant's, a deleted one and, for STAFF, an unassigned one", async () => {
      const { lead } = await createLead();
      const assigned = await createLead({ assignedUserId: users.staff.id });
      const deleted = await createLead();
      await ownerDb().lead.update({ where: { id: deleted.lead.id }, data: { deletedAt: new Date() } });
      expect((await request('GET', `/api/leads/${randomUUID()}`, sessions.admin)).statusCode).toBe(404);
      expect((await request('GET', `/api/leads/${lead.id}`, sessions.adminB)).statusCode).toBe(404);
      expect((await request('GET', `/api/leads/${deleted.lead.id}`, sessions.admin)).statusCode).toBe(404);
      expect((await request('GET', `/api/leads/${lead.id}`, sessions.staff)).statusCode).toBe(404);
      expect((await request('GET', `/api/leads/${assigned.lead.id}`, sessions.staff)).statusCode).toBe(200);
      const bad = await request('GET', '/api/leads/not-a-uuid', sessions.admin);
      expect(bad.statusCode).toBe(400);
      expect(fieldsOf(bad.json())).toEqual(new Set(['id']));
    });
  });

  describe('PATCH /leads/:id', () => {
    it('changes the given fields, recomputes the price and logs "Lead opdateret"', async () => {
      const { lead } = await createLead();
      const response = await request('PATCH', `/api/leads/${lead.id}`, sessions.manager, {
        notes: 'Nøgle under måtten',
        estimatedHours: 3,
        priority: 'high',
        city: '  Aarhus N ',
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        notes: 'Nøgle under måtten',
        estimatedHours: '3',
        estimatedPrice: '1047.00',
        priority: 'high',
        city: 'Aarhus N',
        customerName: 'Mette Jensen',
        status: 'new',
      });
      const activity = await ownerDb().activity.findFirstOrThrow({
        where: { leadId: lead.id, title: 'Lead opdateret' },
      });
      expect(activity.actorUserId).toBe(users.manager.id);
      expect((activity.metadata as { changed: string[] }).changed).toEqual(
        expect.arrayContaining(['notes', 'estimatedHours', 'estimatedPrice', 'priority', 'city']),
      );
    });

    it('re-links the customer when the phone changes, and keeps one contact at least', async () => {
      const other = await createLead({ customerName: 'Anden Kunde' });
      const { lead } = await createLead({ customerEmail: null });
      const response = await request('PATCH', `/api/leads/${lead.id}`, sessions.admin, {
        customerPhone: other.lead.customerPhone,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        customerId: other.lead.customerId,
        customerPhone: other.lead.customerPhone,
      });

      const cleared = await request('PATCH', `/api/leads/${lead.id}`, sessions.admin, {
        customerPhone: null,
      });
      expect(cleared.statusCode).toBe(400);
      expect(fieldsOf(cleared.json())).toEqual(new Set(['customerPhone', 'customerEmail']));

      const swapped = await request('PATCH', `/api/leads/${lead.id}`, sessions.admin, {
        customerPhone: null,
        customerEmail: `ny-${token()}@example.dk`,
      });
      expect(swapped.statusCode).toBe(200);
      expect(swapped.json().customerPhone).toBeNull();
      expect(swapped.json().customerId).not.toBe(other.lead.customerId);
    });

    it('answers an empty patch with the lead unchanged and writes nothing', async () => {
      const { lead } = await createLead();
      const response = await request('PATCH', `/api/leads/${lead.id}`, sessions.admin, {});
      expect(response.statusCode).toBe(200);
      expect(response.json().updatedAt).toBe(lead.updatedAt.toISOString());
      expect(await ownerDb().activity.count({ where: { leadId: lead.id } })).toBe(1);
    });

    it.each([
      'id',
      'status',
      'estimatedPrice',
      'createdAt',
      'updatedAt',
      'responseSentAt',
      'smsSentAt',
      'tenantId',
      'customerId',
      'extraction',
      'deletedAt',
    ])('answers 400 naming the read-only field %s', async (field) => {
      const { lead } = await createLead();
      const response = await request('PATCH', `/api/leads/${lead.id}`, sessions.admin, {
        [field]: 'x',
        notes: 'ok',
      });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(new Set([field]));
    });

    it.each([
      ['postalCode', '800'],
      ['postalCode', 8000],
      ['estimatedHours', 0.25],
      ['estimatedHours', 24.5],
      ['estimatedHours', 1.25],
      ['estimatedHours', '2'],
      ['customerPhone', '123'],
      ['customerEmail', 'ikke-en-mail'],
      ['customerName', null],
      ['customerName', '   '],
      ['source', 'Manual'],
      ['priority', 'urgent'],
      ['assignedUserId', 'someone'],
      ['needsAttention', 'yes'],
      ['city', null],
    ])('answers 400 naming %s for %j', async (field, value) => {
      const { lead } = await createLead();
      const response = await request('PATCH', `/api/leads/${lead.id}`, sessions.admin, { [field]: value });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(new Set([field]));
    });

    it('refuses an assignee outside the tenant, and lets a manager assign a member', async () => {
      const { lead } = await createLead();
      const outside = await request('PATCH', `/api/leads/${lead.id}`, sessions.admin, {
        assignedUserId: users.adminB.id,
      });
      expect(outside.statusCode).toBe(400);
      expect(fieldsOf(outside.json())).toEqual(new Set(['assignedUserId']));
      const ok = await request('PATCH', `/api/leads/${lead.id}`, sessions.manager, {
        assignedUserId: users.staff.id,
      });
      expect(ok.json().assignedUserId).toBe(users.staff.id);
    });

    it('lets STAFF edit their own leads only, without handing them on; VIEWER not at all', async () => {
      const mine = await createLead({ assignedUserId: users.staff.id });
      const theirs = await createLead({ assignedUserId: users.otherStaff.id });
      expect(
        (await request('PATCH', `/api/leads/${mine.lead.id}`, sessions.staff, { notes: 'ok' })).statusCode,
      ).toBe(200);
      expect(
        (await request('PATCH', `/api/leads/${theirs.lead.id}`, sessions.staff, { notes: 'no' })).statusCode,
      ).toBe(404);
      const handOn = await request('PATCH', `/api/leads/${mine.lead.id}`, sessions.staff, {
        assignedUserId: users.otherStaff.id,
      });
      expect(handOn.statusCode).toBe(403);
      expect(
        (await request('PATCH', `/api/leads/${mine.lead.id}`, sessions.viewer, { notes: 'no' })).statusCode,
      ).toBe(403);
    });

    it("answers 404 for a missing lead and another tenant's", async () => {
      const { lead } = await createLead();
      expect(
        (await request('PATCH', `/api/leads/${randomUUID()}`, sessions.admin, { notes: 'x' })).statusCode,
      ).toBe(404);
      expect(
        (await request('PATCH', `/api/leads/${lead.id}`, sessions.adminB, { notes: 'x' })).statusCode,
      ).toBe(404);
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).notes).toBeNull();
    });
  });

  describe('PUT /leads/:id', () => {
    const full = () => ({
      customerName: 'Jens Hansen',
      customerPhone: newPhone().typed,
      customerEmail: `jens-${token()}@example.dk`,
      serviceType: 'Hovedrengøring',
      address: 'Nørregade 1',
      postalCode: '5000',
      city: 'Odense C',
      estimatedHours: 4.5,
      priority: 'low',
    });

    it('replaces every editable field; optional ones left out take their defaults', async () => {
      const { lead } = await createLead({
        notes: 'gammel',
        source: 'leadpoint',
        assignedUserId: users.manager.id,
      });
      const body = full();
      const response = await request('PUT', `/api/leads/${lead.id}`, sessions.admin, body);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        customerName: 'Jens Hansen',
        customerEmail: body.customerEmail,
        serviceType: 'Hovedrengøring',
        postalCode: '5000',
        city: 'Odense C',
        estimatedHours: '4.5',
        estimatedPrice: '1570.50',
        priority: 'low',
        source: 'manual',
        notes: null,
        assignedUserId: null,
        status: 'new',
      });
      expect(response.json().customerId).not.toBe(lead.customerId);
    });

    it('answers 400 naming a missing required field, a read-only field, or both contacts', async () => {
      const { lead } = await createLead();
      const { city: _city, ...withoutCity } = full();
      const missing = await request('PUT', `/api/leads/${lead.id}`, sessions.admin, withoutCity);
      expect(missing.statusCode).toBe(400);
      expect(fieldsOf(missing.json())).toEqual(new Set(['city']));

      const readOnly = await request('PUT', `/api/leads/${lead.id}`, sessions.admin, {
        ...full(),
        status: 'booked',
      });
      expect(readOnly.statusCode).toBe(400);
      expect(fieldsOf(readOnly.json())).toEqual(new Set(['status']));

      const { customerPhone: _p, customerEmail: _e, ...noContact } = full();
      const contact = await request('PUT', `/api/leads/${lead.id}`, sessions.admin, noContact);
      expect(contact.statusCode).toBe(400);
      expect(fieldsOf(contact.json())).toEqual(new Set(['customerPhone', 'customerEmail']));
    });

    it('is refused to VIEWER (403) and answers 404 to STAFF on an unassigned lead', async () => {
      const { lead } = await createLead();
      expect((await request('PUT', `/api/leads/${lead.id}`, sessions.viewer, full())).statusCode).toBe(403);
      expect((await request('PUT', `/api/leads/${lead.id}`, sessions.staff, full())).statusCode).toBe(404);
      const mine = await createLead({ assignedUserId: users.staff.id });
      const response = await request('PUT', `/api/leads/${mine.lead.id}`, sessions.staff, full());
      expect(response.statusCode).toBe(200);
      expect(response.json().assignedUserId).toBe(users.staff.id);
    });
  });

  describe('DELETE /leads/:id', () => {
    it('soft-deletes for ADMIN and MANAGER: 204, then gone from lookups and lists', async () => {
      const name = token();
      const { lead } = await createLead({ customerName: name });
      const response = await request('DELETE', `/api/leads/${lead.id}`, sessions.manager);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect((await request('GET', `/api/leads/${lead.id}`, sessions.admin)).statusCode).toBe(404);
      expect((await request('GET', `/api/leads?search=${name}`, sessions.admin)).json().meta.total).toBe(0);
      expect((await request('DELETE', `/api/leads/${lead.id}`, sessions.admin)).statusCode).toBe(404);
      const row = await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } });
      expect(row.deletedAt).not.toBeNull();
      expect(await ownerDb().activity.count({ where: { leadId: lead.id, title: 'Lead slettet' } })).toBe(1);
    });

    it('refuses a lead with a live booking (409) and allows it once the booking is cancelled', async () => {
      const { lead } = await createLead();
      const booking = await ownerDb().booking.create({
        data: {
          tenantId: tenantA.id,
          leadId: lead.id,
          teamId: tenantA.teamId,
          startsAt: new Date('2031-02-03T09:00:00Z'),
          endsAt: new Date('2031-02-03T12:00:00Z'),
          durationHours: '3.00',
          hourlyRate: '349.00',
          totalAmount: '1047.00',
          status: 'confirmed',
          meetingToken: randomUUID(),
        },
      });
      const refused = await request('DELETE', `/api/leads/${lead.id}`, sessions.manager);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().message).toMatch(/live bookings/);
      await ownerDb().booking.update({ where: { id: booking.id }, data: { status: 'cancelled' } });
      expect((await request('DELETE', `/api/leads/${lead.id}`, sessions.manager)).statusCode).toBe(204);
    });

    it('is refused to STAFF and VIEWER (403); another tenant gets 404', async () => {
      const { lead } = await createLead({ assignedUserId: users.staff.id });
      expect((await request('DELETE', `/api/leads/${lead.id}`, sessions.staff)).statusCode).toBe(403);
      expect((await request('DELETE', `/api/leads/${lead.id}`, sessions.viewer)).statusCode).toBe(403);
      expect((await request('DELETE', `/api/leads/${lead.id}`, sessions.adminB)).statusCode).toBe(404);
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).deletedAt).toBeNull();
    });
  });

  describe('POST /leads/:id/status', () => {
    it('walks the user moves, logging each in Danish', async () => {
      const { lead } = await createLead();
      for (const [status, label] of [
        ['contacted', 'Kontaktet'],
        ['booked', 'Booket'],
        ['completed', 'Afsluttet'],
        ['invoiced', 'Faktureret'],
      ] as const) {
        const response = await request('POST', `/api/leads/${lead.id}/status`, sessions.manager, { status });
        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({ id: lead.id, status });
        const activity = await ownerDb().activity.findFirstOrThrow({
          where: { leadId: lead.id, title: `Status opdateret til ${label}` },
        });
        expect(activity.metadata).toMatchObject({ to: status });
        expect(activity.actorUserId).toBe(users.manager.id);
      }
      expect(
        (await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).firstBookedAt,
      ).not.toBeNull();
    });

    it('loses an open lead and brings a lost one back to new', async () => {
      const { lead } = await createLead();
      expect(
        (await request('POST', `/api/leads/${lead.id}/status`, sessions.admin, { status: 'lost' })).json()
          .status,
      ).toBe('lost');
      expect(
        (await request('POST', `/api/leads/${lead.id}/status`, sessions.admin, { status: 'new' })).json()
          .status,
      ).toBe('new');
      const titles = (
        await ownerDb().activity.findMany({ where: { leadId: lead.id }, orderBy: { createdAt: 'asc' } })
      ).map((row) => row.title);
      expect(titles).toEqual(['Nyt lead oprettet', 'Status opdateret til Tabt', 'Status opdateret til Ny']);
    });

    it('answers 409 with from, to and the allowed moves for an illegal move', async () => {
      const { lead } = await createLead();
      const response = await request('POST', `/api/leads/${lead.id}/status`, sessions.admin, {
        status: 'invoiced',
      });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({
        statusCode: 409,
        details: { from: 'new', to: 'invoiced', allowed: ['contacted', 'lost'] },
      });
      const same = await request('POST', `/api/leads/${lead.id}/status`, sessions.admin, { status: 'new' });
      expect(same.statusCode).toBe(409);
      await ownerDb().lead.update({ where: { id: lead.id }, data: { status: 'invoiced' } });
      const end = await request('POST', `/api/leads/${lead.id}/status`, sessions.admin, { status: 'lost' });
      expect(end.json().details).toEqual({ from: 'invoiced', to: 'lost', allowed: [] });
      expect(await ownerDb().activity.count({ where: { leadId: lead.id } })).toBe(1);
    });

    it('answers 400 for a bad status, 403 to VIEWER, 404 to STAFF unassigned and another tenant', async () => {
      const { lead } = await createLead();
      for (const payload of [{ status: 'Contacted' }, {}, { status: 'contacted', note: 'x' }]) {
        const response = await request('POST', `/api/leads/${lead.id}/status`, sessions.admin, payload);
        expect(response.statusCode).toBe(400);
      }
      expect(
        fieldsOf(
          (await request('POST', `/api/leads/${lead.id}/status`, sessions.admin, { status: 'x' })).json(),
        ),
      ).toEqual(new Set(['status']));
      expect(
        (await request('POST', `/api/leads/${lead.id}/status`, sessions.viewer, { status: 'contacted' }))
          .statusCode,
      ).toBe(403);
      expect(
        (await request('POST', `/api/leads/${lead.id}/status`, sessions.staff, { status: 'contacted' }))
          .statusCode,
      ).toBe(404);
      expect(
        (await request('POST', `/api/leads/${lead.id}/status`, sessions.adminB, { status: 'contacted' }))
          .statusCode,
      ).toBe(404);
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('new');
    });
  });

  describe('lookup before validation', () => {
    it("answers 404, not 400, for another tenant's or an unassigned lead whatever the body holds", async () => {
      const { lead } = await createLead();
      for (const [method, url] of [
        ['PUT', `/api/leads/${lead.id}`],
        ['PATCH', `/api/leads/${lead.id}`],
        ['POST', `/api/leads/${lead.id}/status`],
      ] as const) {
        expect((await request(method, url, sessions.adminB, { status: 'nonsense' })).statusCode).toBe(404);
        expect((await request(method, url, sessions.staff, { status: 'nonsense' })).statusCode).toBe(404);
        expect((await request(method, url, sessions.admin, { status: 'nonsense' })).statusCode).toBe(400);
      }
    });
  });

  describe('system moves', () => {
    it('books a new lead on booking_confirmed, setting firstBookedAt once', async () => {
      const { lead } = await createLead();
      await applySystemMove(lead.id, 'booking_confirmed');
      const booked = await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } });
      expect(booked.status).toBe('booked');
      expect(booked.firstBookedAt).not.toBeNull();
      const activity = await ownerDb().activity.findFirstOrThrow({
        where: { leadId: lead.id, title: 'Status opdateret til Booket' },
      });
      expect(activity).toMatchObject({ type: 'booking', actorUserId: null });
      expect(activity.metadata).toMatchObject({ from: 'new', to: 'booked', event: 'booking_confirmed' });

      await applySystemMove(lead.id, 'booking_confirmed');
      expect(await ownerDb().activity.count({ where: { leadId: lead.id } })).toBe(2);
    });

    it('returns a booked lead to contacted only when no live booking is left', async () => {
      const { lead } = await createLead();
      await applySystemMove(lead.id, 'booking_confirmed');
      const first = await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } });
      const live = await addBooking(lead, 'confirmed', '2027-03-01T08:00:00Z');
      await applySystemMove(lead.id, 'bookings_ended');
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('booked');
      await ownerDb().booking.update({ where: { id: live.id }, data: { status: 'cancelled' } });
      await applySystemMove(lead.id, 'bookings_ended');
      const after = await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } });
      expect(after.status).toBe('contacted');
      await applySystemMove(lead.id, 'booking_confirmed');
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).firstBookedAt).toEqual(
        first.firstBookedAt,
      );
    });

    it('completes and invoices, and leaves a deleted lead alone', async () => {
      const { lead } = await createLead();
      await applySystemMove(lead.id, 'booking_completed');
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('completed');
      await applySystemMove(lead.id, 'invoice_created');
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('invoiced');
      await applySystemMove(lead.id, 'booking_completed');
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('invoiced');

      const deleted = await createLead();
      await ownerDb().lead.update({ where: { id: deleted.lead.id }, data: { deletedAt: new Date() } });
      await applySystemMove(deleted.lead.id, 'booking_confirmed');
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: deleted.lead.id } })).status).toBe('new');
    });

    it("cannot move another tenant's lead", async () => {
      const { lead } = await createLead({}, { tenantId: tenantB.id });
      await expect(applySystemMove(lead.id, 'booking_confirmed')).rejects.toMatchObject({
        code: 'not_found',
      });
      expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('new');
    });
  });

  describe('findVisible', () => {
    it('finds a lead for its tenant and its STAFF assignee only', async () => {
      const { lead } = await createLead({ assignedUserId: users.staff.id });
      const find = (tenantId: string, principal: Principal) =>
        asTenant(tenantId, (leads) => leads.findVisible(lead.id, principal));
      await expect(find(tenantA.id, principalOf(tenantA.id, users.staff, 'staff'))).resolves.toMatchObject({
        id: lead.id,
      });
      await expect(find(tenantA.id, principalOf(tenantA.id, users.viewer, 'viewer'))).resolves.toMatchObject({
        id: lead.id,
      });
      await expect(
        find(tenantA.id, principalOf(tenantA.id, users.otherStaff, 'staff')),
      ).rejects.toMatchObject({ code: 'not_found' });
      await expect(find(tenantB.id, principalOf(tenantB.id, users.adminB, 'admin'))).rejects.toMatchObject({
        code: 'not_found',
      });
    });
  });

  describe('GET /leads/:id/activities', () => {
    it('pages the timeline of one lead, filterable by type', async () => {
      const { lead } = await createLead();
      const other = await createLead();
      await request('POST', `/api/leads/${lead.id}/status`, sessions.admin, { status: 'contacted' });
      await request('POST', `/api/leads/${lead.id}/status`, sessions.admin, { status: 'booked' });
      const response = await request('GET', `/api/leads/${lead.id}/activities?pageSize=2`, sessions.viewer);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.meta).toEqual({ total: 3, page: 1, pageSize: 2, totalPages: 2 });
      expect(body.data.map((row: { title: string }) => row.title)).toEqual([
        'Status opdateret til Booket',
        'Status opdateret til Kontaktet',
      ]);
      expect(body.data[0].actor).toEqual({ id: users.admin.id, name: 'Test admin' });
      const typed = (
        await request('GET', `/api/leads/${lead.id}/activities?type=booking`, sessions.viewer)
      ).json();
      expect(typed.data.map((row: { title: string }) => row.title)).toEqual(['Status opdateret til Booket']);
      const ofOther = (
        await request('GET', `/api/leads/${other.lead.id}/activities`, sessions.viewer)
      ).json();
      expect(ofOther.meta.total).toBe(1);
    });

    it("answers 400 for a bad type or page size, 404 for another tenant's or an unassigned lead", async () => {
      const { lead } = await createLead();
      const bad = await request(
        'GET',
        `/api/leads/${lead.id}/activities?type=Email&pageSize=101`,
        sessions.admin,
      );
      expect(bad.statusCode).toBe(400);
      expect(fieldsOf(bad.json())).toEqual(new Set(['type', 'pageSize']));
      expect((await request('GET', `/api/leads/${lead.id}/activities`, sessions.adminB)).statusCode).toBe(
        404,
      );
      expect((await request('GET', `/api/leads/${lead.id}/activities`, sessions.staff)).statusCode).toBe(404);
    });
  });
});
