import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Principal } from '../../src/auth/principal.js';
import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { TenantPrismaService } from '../../src/core/database/tenant-prisma.service.js';
import { CreateLeadDto } from '../../src/leads/dto/create-lead.dto.js';
import { LeadsService } from '../../src/leads/leads.service.js';
import type { Lead } from '../../src/generated/prisma/client.js';
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
import { fieldsOf, newPhone } from '../support/http.js';

const token = () => `K${randomUUID().replace(/-/g, '').slice(0, 10)}`;

describe('customers', () => {
  let test: TestApp;
  let tenantA: TenantFixture;
  let tenantB: TenantFixture;
  const users = {} as Record<'admin' | 'staff' | 'viewer' | 'adminB', UserFixture>;
  const sessions = {} as Record<keyof typeof users, Session>;

  beforeAll(async () => {
    test = await bootTestApp();
    // The shared cast signs in a manager too; these tests act as the other three.
    const a = await createTenantWithRoles(test.app, 'Firma A');
    tenantA = a.tenant;
    tenantB = await createTenant('Firma B');
    const { admin, staff, viewer } = a;
    const signedIn = { admin, staff, viewer, adminB: await signIn(test.app, tenantB.id, 'admin') };
    for (const key of Object.keys(signedIn) as Array<keyof typeof signedIn>) {
      users[key] = signedIn[key].user;
      sessions[key] = signedIn[key];
    }
  });
  afterAll(async () => {
    await test?.close();
  });

  const request = (method: 'GET' | 'PATCH', url: string, session?: Session, payload?: object) =>
    test.app.inject({ method, url, payload, headers: session?.auth ?? {} });

  const createLead = (
    overrides: Partial<CreateLeadDto> = {},
    options: { tenantId?: string; principal?: Principal | null } = {},
  ): Promise<{ lead: Lead; warnings: string[] }> =>
    test.app.get(TenantContextService).run({ tenantId: options.tenantId ?? tenantA.id }, () =>
      test.app.get(TenantPrismaService).transaction((tx) =>
        test.app.get(LeadsService).createInTransaction(
          tx,
          Object.assign(new CreateLeadDto(), {
            customerName: 'Mette Jensen',
            customerPhone: null,
            customerEmail: null,
            serviceType: 'Flytterengøring',
            address: 'Vestergade 12',
            postalCode: '8000',
            city: 'Aarhus C',
            estimatedHours: 3,
            ...overrides,
          }),
          options.principal ?? null,
        ),
      ),
    );

  describe('linking a lead to its customer', () => {
    it('links leads with the same phone, however it is written, to one customer', async () => {
      const phone = newPhone();
      const first = await createLead({ customerPhone: phone.typed });
      const second = await createLead({
        customerPhone: `0045${phone.e164.slice(3)}`,
        customerName: 'M. Jensen',
      });
      const third = await createLead({ customerPhone: phone.e164 });
      expect(second.lead.customerId).toBe(first.lead.customerId);
      expect(third.lead.customerId).toBe(first.lead.customerId);
      const customer = await ownerDb().customer.findUniqueOrThrow({ where: { id: first.lead.customerId! } });
      expect(customer).toMatchObject({
        name: 'Mette Jensen',
        phone: phone.e164,
        postalCode: '8000',
        city: 'Aarhus C',
      });
      // The lead keeps its own snapshot of the contact.
      expect(second.lead.customerName).toBe('M. Jensen');
    });

    it('links by e-mail in any case when there is no phone match, and completes the customer', async () => {
      const name = token().toLowerCase();
      const first = await createLead({ customerEmail: `${name}@example.dk` });
      const phone = newPhone();
      const second = await createLead({
        customerEmail: `${name.toUpperCase()}@Example.DK`,
        customerPhone: phone.typed,
      });
      expect(second.warnings).toEqual([]);
      expect(second.lead.customerId).toBe(first.lead.customerId);
      const customer = await ownerDb().customer.findUniqueOrThrow({ where: { id: first.lead.customerId! } });
      expect(customer).toMatchObject({ email: `${name}@example.dk`, phone: phone.e164 });
    });

    it("keeps the phone's customer on a phone/e-mail conflict, with a warning in the answer and the activity", async () => {
      const byPhone = await createLead({
        customerPhone: newPhone().typed,
        customerEmail: `tlf-${token()}@example.dk`,
      });
      const email = `mail-${token()}@example.dk`;
      const byEmail = await createLead({ customerEmail: email, customerName: 'Anden Person' });
      expect(byEmail.lead.customerId).not.toBe(byPhone.lead.customerId);

      const conflict = await createLead({ customerPhone: byPhone.lead.customerPhone, customerEmail: email });
      expect(conflict.lead.customerId).toBe(byPhone.lead.customerId);
      expect(conflict.warnings).toHaveLength(1);
      expect(conflict.warnings[0]).toContain(email);
      const activity = await ownerDb().activity.findFirstOrThrow({ where: { leadId: conflict.lead.id } });
      expect(activity).toMatchObject({ title: 'Nyt lead oprettet', status: 'warning' });
      expect(activity.metadata).toMatchObject({ warnings: conflict.warnings });

      // The phone's customer with another e-mail on record is a conflict too.
      const other = await createLead({
        customerPhone: byPhone.lead.customerPhone,
        customerEmail: `ny-${token()}@example.dk`,
      });
      expect(other.lead.customerId).toBe(byPhone.lead.customerId);
      expect(other.warnings).toHaveLength(1);
    });

    it('makes one customer when two leads with the same new phone arrive at once', async () => {
      const phone = newPhone();
      const results = await Promise.all(
        Array.from({ length: 4 }, () => createLead({ customerPhone: phone.typed, customerEmail: null })),
      );
      expect(new Set(results.map((result) => result.lead.customerId)).size).toBe(1);
      expect(await ownerDb().customer.count({ where: { tenantId: tenantA.id, phone: phone.e164 } })).toBe(1);
    });

    it('makes one customer when two leads with the same new e-mail arrive at once', async () => {
      const email = `samtidig-${token()}@example.dk`;
      const results = await Promise.all(
        Array.from({ length: 4 }, () => createLead({ customerEmail: email })),
      );
      expect(new Set(results.map((result) => result.lead.customerId)).size).toBe(1);
      expect(await ownerDb().customer.count({ where: { tenantId: tenantA.id, email } })).toBe(1);
    });

    it("never links to another tenant's customer", async () => {
      const phone = newPhone();
      const inA = await createLead({ customerPhone: phone.typed });
      const inB = await createLead({ customerPhone: phone.typed }, { tenantId: tenantB.id });
      expect(inB.lead.customerId).not.toBe(inA.lead.customerId);
      const customerB = await ownerDb().customer.findUniqueOrThrow({ where: { id: inB.lead.customerId! } });
      expect(customerB.tenantId).toBe(tenantB.id);
    });
  });

  describe('GET /customers', () => {
    it('pages customers in the envelope and searches name, e-mail and phone in part and in any case', async () => {
      const name = token();
      const phone = newPhone();
      const { lead } = await createLead({
        customerName: `Karen ${name}`,
        customerEmail: `${name.toLowerCase()}@kunde.dk`,
        customerPhone: phone.typed,
      });
      await createLead({
        customerName: `Karl ${name}`,
        customerEmail: `${name.toLowerCase()}-karl@kunde.dk`,
      });
      const found = async (search: string, session = sessions.viewer) =>
        (await request('GET', `/api/customers?search=${encodeURIComponent(search)}`, session))
          .json()
          .data.map((row: { id: string }) => row.id);
      expect(await found(`karen ${name.toLowerCase()}`)).toEqual([lead.customerId]);
      expect(await found(`${name.toUpperCase()}@KUNDE`)).toEqual([lead.customerId]);
      expect(await found(phone.e164.slice(3, 9))).toEqual([lead.customerId]);
      expect(await found(phone.typed)).toEqual([lead.customerId]);

      const response = await request(
        'GET',
        `/api/customers?search=${name}&pageSize=1&sort=name:asc`,
        sessions.viewer,
      );
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.meta).toEqual({ total: 2, page: 1, pageSize: 1, totalPages: 2 });
      expect(body.data[0]).toEqual({
        id: lead.customerId,
        name: `Karen ${name}`,
        email: `${name.toLowerCase()}@kunde.dk`,
        phone: phone.e164,
        address: 'Vestergade 12',
        postalCode: '8000',
        city: 'Aarhus C',
        kind: 'person',
        companyName: null,
        cvr: null,
        createdAt: expect.stringMatching(/Z$/),
        updatedAt: expect.stringMatching(/Z$/),
      });
    });

    it.each([
      ['pageSize=101', 'pageSize'],
      ['page=0', 'page'],
      ['sort=email:asc', 'sort'],
      ['kind=person', 'kind'],
    ])('answers 400 naming the field for %s', async (query, field) => {
      const response = await request('GET', `/api/customers?${query}`, sessions.viewer);
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toContain(field);
    });

    it('shows STAFF only customers with a lead assigned to them', async () => {
      const name = token();
      const mine = await createLead({
        customerName: name,
        customerEmail: `a-${name}@example.dk`,
        assignedUserId: users.staff.id,
      });
      await createLead({ customerName: name, customerEmail: `b-${name}@example.dk` });
      const body = (await request('GET', `/api/customers?search=${name}`, sessions.staff)).json();
      expect(body.data.map((row: { id: string }) => row.id)).toEqual([mine.lead.customerId]);
      expect(body.meta.total).toBe(1);
      expect((await request('GET', `/api/customers?search=${name}`, sessions.admin)).json().meta.total).toBe(
        2,
      );
    });

    it("never shows another tenant's customers", async () => {
      const name = token();
      await createLead({ customerName: name, customerEmail: `${name}@a.dk` });
      const inB = await createLead(
        { customerName: name, customerEmail: `${name}@b.dk` },
        { tenantId: tenantB.id },
      );
      const body = (await request('GET', `/api/customers?search=${name}`, sessions.adminB)).json();
      expect(body.data.map((row: { id: string }) => row.id)).toEqual([inB.lead.customerId]);
      const all = (await request('GET', '/api/customers?pageSize=100', sessions.adminB)).json();
      const ownIds = new Set(
        (await ownerDb().customer.findMany({ where: { tenantId: tenantB.id } })).map((row) => row.id),
      );
      expect(all.data.length).toBeGreaterThan(0);
      expect(all.data.every((row: { id: string }) => ownIds.has(row.id))).toBe(true);
    });

    it('answers 401 without a token', async () => {
      expect((await request('GET', '/api/customers')).statusCode).toBe(401);
    });
  });

  describe('GET /customers/:id', () => {
    it('answers the customer with all their leads, bookings and invoices, money as strings', async () => {
      const email = `fuld-${token()}@example.dk`;
      const first = await createLead({ customerEmail: email });
      const second = await createLead({ customerEmail: email, estimatedHours: 2.5 });
      const booking = await ownerDb().booking.create({
        data: {
          tenantId: tenantA.id,
          leadId: first.lead.id,
          customerId: first.lead.customerId,
          teamId: tenantA.teamId,
          startsAt: new Date('2027-01-05T09:00:00Z'),
          endsAt: new Date('2027-01-05T12:30:00Z'),
          durationHours: '3.50',
          hourlyRate: '349.00',
          totalAmount: '1221.50',
          status: 'completed',
          meetingToken: randomUUID(),
        },
      });
      const invoice = await ownerDb().invoice.create({
        data: {
          tenantId: tenantA.id,
          bookingId: booking.id,
          customerId: first.lead.customerId,
          customerName: 'Mette Jensen',
          reference: `R-${randomUUID().slice(0, 8)}`,
          subtotal: '1221.50',
          vatAmount: '305.38',
          total: '1526.88',
          dueDate: new Date('2027-01-19'),
        },
      });
      const deleted = await createLead({ customerEmail: email });
      await ownerDb().lead.update({ where: { id: deleted.lead.id }, data: { deletedAt: new Date() } });

      const response = await request('GET', `/api/customers/${first.lead.customerId}`, sessions.viewer);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ id: first.lead.customerId, email, name: 'Mette Jensen' });
      expect(body.leads.map((lead: { id: string }) => lead.id)).toEqual([second.lead.id, first.lead.id]);
      expect(body.leads[0]).toMatchObject({ estimatedHours: '2.5', estimatedPrice: '872.50', status: 'new' });
      expect(body.bookings).toEqual([
        {
          id: booking.id,
          leadId: first.lead.id,
          teamId: tenantA.teamId,
          status: 'completed',
          startsAt: '2027-01-05T09:00:00.000Z',
          endsAt: '2027-01-05T12:30:00.000Z',
          durationHours: '3.5',
          totalAmount: '1221.50',
          seriesId: null,
        },
      ]);
      expect(body.series).toEqual([]);
      expect(body.invoices).toEqual([
        {
          id: invoice.id,
          bookingId: booking.id,
          reference: invoice.reference,
          number: null,
          status: 'draft',
          subtotal: '1221.50',
          vatAmount: '305.38',
          total: '1526.88',
          dueDate: '2027-01-19',
          createdAt: expect.stringMatching(/Z$/),
        },
      ]);
    });

    it('shows STAFF only their own leads of a customer, and 404 for a customer with none', async () => {
      const email = `staff-${token()}@example.dk`;
      const mine = await createLead({ customerEmail: email, assignedUserId: users.staff.id });
      await createLead({ customerEmail: email });
      const body = (await request('GET', `/api/customers/${mine.lead.customerId}`, sessions.staff)).json();
      expect(body.leads.map((lead: { id: string }) => lead.id)).toEqual([mine.lead.id]);

      const other = await createLead({ customerEmail: `ingen-${token()}@example.dk` });
      expect(
        (await request('GET', `/api/customers/${other.lead.customerId}`, sessions.staff)).statusCode,
      ).toBe(404);
    });

    it("answers 404 for a missing customer and another tenant's, 400 for a malformed id", async () => {
      const { lead } = await createLead({ customerEmail: `a-${token()}@example.dk` });
      expect((await request('GET', `/api/customers/${randomUUID()}`, sessions.admin)).statusCode).toBe(404);
      expect((await request('GET', `/api/customers/${lead.customerId}`, sessions.adminB)).statusCode).toBe(
        404,
      );
      const bad = await request('GET', '/api/customers/123', sessions.admin);
      expect(bad.statusCode).toBe(400);
      expect(fieldsOf(bad.json())).toEqual(new Set(['id']));
    });
  });
});
