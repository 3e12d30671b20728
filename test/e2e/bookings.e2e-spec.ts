import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ExpirePendingBookingsProcessor } from '../../src/bookings/jobs/expire-pending-bookings.processor.js';
import type { LeadStatus } from '../../src/generated/prisma/enums.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createLead as createLeadRow } from '../support/factories.js';
import {
  createTenant,
  createTenantWithRoles,
  createUser,
  login,
  ownerDb,
  type Session,
  signIn,
  type TenantFixture,
  type UserFixture,
} from '../support/fixtures.js';
import { fieldsOf } from '../support/http.js';

const BOOKING_KEYS = [
  'id',
  'leadId',
  'customerId',
  'teamId',
  'assignedUserId',
  'startsAt',
  'endsAt',
  'durationHours',
  'hourlyRate',
  'totalAmount',
  'status',
  'revision',
  'googleCalendarEventId',
  'tokenExpiresAt',
  'hoursWorked',
  'notes',
  'confirmedAt',
  'completedAt',
  'cancelledAt',
  'seriesId',
  'occursOn',
  'createdAt',
  'updatedAt',
].sort();

const HOUR = 3600 * 1000;
/** A valid Danish mobile number (the 26 series; libphonenumber refuses parts of others), different on each call. */
const randomPhone = () => `+4526${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
let dayCounter = 0;
/** A fresh future day per call, so tests never collide on a team's time: `at(10)` is 10:00Z that day. */
function freshDay(): (hour: number, minute?: number) => string {
  dayCounter += 1;
  const base = new Date();
  base.setUTCHours(0, 0, 0, 0);
  const day = base.getTime() + (60 + dayCounter) * 24 * HOUR;
  return (hour, minute = 0) => new Date(day + hour * HOUR + minute * 60_000).toISOString();
}

describe('bookings', () => {
  let test: TestApp;
  let tenantA: TenantFixture;
  let tenantB: TenantFixture;
  let staff: UserFixture;
  let otherStaff: UserFixture;
  const sessions: Record<'admin' | 'manager' | 'staff' | 'otherStaff' | 'viewer' | 'adminB', Session> =
    {} as never;

  beforeAll(async () => {
    test = await bootTestApp();
    const a = await createTenantWithRoles(test.app, 'Firma A');
    tenantA = a.tenant;
    tenantB = await createTenant('Firma B');
    const other = await signIn(test.app, tenantA.id, 'staff');
    Object.assign(sessions, {
      admin: a.admin,
      manager: a.manager,
      staff: a.staff,
      viewer: a.viewer,
      otherStaff: other,
      adminB: await signIn(test.app, tenantB.id, 'admin'),
    });
    staff = a.staff.user;
    otherStaff = other.user;
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

  /** A lead written as the owner, as the intake pipeline would have left it. */
  async function createLead(
    tenantId: string,
    data: { assignedUserId?: string; estimatedHours?: string | null; status?: LeadStatus } = {},
  ) {
    return createLeadRow(tenantId, { ...data, assignedUserId: data.assignedUserId ?? null });
  }

  const leadStatus = async (leadId: string) =>
    (await ownerDb().lead.findUniqueOrThrow({ where: { id: leadId } })).status;
  const activityTitles = async (bookingId: string) =>
    (await ownerDb().activity.findMany({ where: { bookingId }, orderBy: { createdAt: 'asc' } })).map(
      (activity) => activity.title,
    );

  async function book(session: Session, payload: Record<string, unknown>) {
    const response = await request('POST', '/api/bookings', session, payload);
    if (response.statusCode !== 201)
      throw new Error(`booking failed: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  const leadPayload = (extra: Record<string, unknown> = {}) => ({
    customerName: 'Jens Jensen',
    customerPhone: randomPhone(),
    customerEmail: `jens-${randomUUID().slice(0, 8)}@example.dk`,
    serviceType: 'Hovedrengøring',
    address: 'Nørregade 7, 2. th.',
    postalCode: '8000',
    city: 'Aarhus C',
    estimatedHours: 4,
    ...extra,
  });

  it('documents its routes in OpenAPI', async () => {
    const document = (await request('GET', '/api/docs-json')).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/bookings',
        '/api/bookings/{id}',
        '/api/bookings/{id}/status',
        '/api/bookings/{id}/complete',
        '/api/bookings/meeting/{meetingToken}',
        '/api/leads',
      ]),
    );
    expect(document.components.schemas.BookingDto.properties.meetingToken).toBeUndefined();
  });

  describe('POST /bookings', () => {
    it('books a lead by hand: confirmed, priced from the tenant rate, lead booked, activity written', async () => {
      const lead = await createLead(tenantA.id);
      const at = freshDay();
      const response = await request('POST', '/api/bookings', sessions.manager, {
        leadId: lead.id,
        startsAt: at(9),
      });
      expect(response.statusCode).toBe(201);
      const booking = response.json();
      expect(Object.keys(booking).sort()).toEqual(BOOKING_KEYS);
      expect(booking).toMatchObject({
        leadId: lead.id,
        customerId: null,
        teamId: tenantA.teamId,
        assignedUserId: null,
        startsAt: at(9),
        endsAt: at(12, 30),
        durationHours: '3.5',
        hourlyRate: '349.00',
        totalAmount: '1221.50',
        status: 'confirmed',
        revision: 1,
        googleCalendarEventId: null,
        tokenExpiresAt: null,
        hoursWorked: null,
        completedAt: null,
        cancelledAt: null,
      });
      expect(booking.confirmedAt).toMatch(/Z$/);
      expect(await leadStatus(lead.id)).toBe('booked');
      expect(await activityTitles(booking.id)).toContain('Booking oprettet');

      const read = await request('GET', `/api/bookings/${booking.id}`, sessions.viewer);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(booking);
    });

    it('takes an explicit duration, team and assignee', async () => {
      const lead = await createLead(tenantA.id, { estimatedHours: null });
      const at = freshDay();
      const booking = await book(sessions.admin, {
        leadId: lead.id,
        startsAt: at(8),
        durationHours: 2,
        teamId: tenantA.teamId,
        assignedUserId: staff.id,
      });
      expect(booking).toMatchObject({
        durationHours: '2',
        totalAmount: '698.00',
        endsAt: at(10),
        assignedUserId: staff.id,
      });
    });

    it('names each invalid field in a 400', async () => {
      const response = await request('POST', '/api/bookings', sessions.admin, {
        leadId: 'not-a-uuid',
        startsAt: '2026-13-01 10:00',
        durationHours: 0.3,
        teamId: 12,
        status: 'confirmed',
      });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(
        new Set(['leadId', 'startsAt', 'durationHours', 'teamId', 'status']),
      );
      const zoneless = await request('POST', '/api/bookings', sessions.admin, {
        leadId: randomUUID(),
        startsAt: '2030-01-01T10:00:00',
        durationHours: 24.5,
      });
      expect(zoneless.statusCode).toBe(400);
      expect(fieldsOf(zoneless.json())).toEqual(new Set(['startsAt', 'durationHours']));
    });

    it('asks for a duration when the lead has no estimate, and for a member as assignee', async () => {
      const lead = await createLead(tenantA.id, { estimatedHours: null });
      const noHours = await request('POST', '/api/bookings', sessions.admin, {
        leadId: lead.id,
        startsAt: freshDay()(8),
      });
      expect(noHours.statusCode).toBe(400);
      expect(fieldsOf(noHours.json())).toEqual(new Set(['durationHours']));
      const stranger = await request('POST', '/api/bookings', sessions.admin, {
        leadId: lead.id,
        startsAt: freshDay()(8),
        durationHours: 2,
        assignedUserId: randomUUID(),
      });
      expect(stranger.statusCode).toBe(400);
      expect(fieldsOf(stranger.json())).toEqual(new Set(['assignedUserId']));
    });

    it("answers 404 for a missing lead, another tenant's lead, a STAFF user's unassigned lead and team", async () => {
      const at = freshDay();
      const missing = await request('POST', '/api/bookings', sessions.admin, {
        leadId: randomUUID(),
        startsAt: at(8),
      });
      expect(missing.statusCode).toBe(404);
      const foreign = await createLead(tenantB.id);
      const other = await request('POST', '/api/bookings', sessions.admin, {
        leadId: foreign.id,
        startsAt: at(8),
      });
      expect(other.statusCode).toBe(404);
      const unassigned = await createLead(tenantA.id, { assignedUserId: otherStaff.id });
      const staffTry = await request('POST', '/api/bookings', sessions.staff, {
        leadId: unassigned.id,
        startsAt: at(8),
      });
      expect(staffTry.statusCode).toBe(404);
      const own = await createLead(tenantA.id);
      const foreignTeam = await request('POST', '/api/bookings', sessions.admin, {
        leadId: own.id,
        startsAt: at(8),
        teamId: tenantB.teamId,
      });
      expect(foreignTeam.statusCode).toBe(404);
    });

    it('lets STAFF book their own leads, assigned to them; VIEWER cannot book', async () => {
      const lead = await createLead(tenantA.id, { assignedUserId: staff.id });
      const at = freshDay();
      const viewer = await request('POST', '/api/bookings', sessions.viewer, {
        leadId: lead.id,
        startsAt: at(8),
      });
      expect(viewer.statusCode).toBe(403);
      const handOver = await request('POST', '/api/bookings', sessions.staff, {
        leadId: lead.id,
        startsAt: at(8),
        assignedUserId: otherStaff.id,
      });
      expect(handOver.statusCode).toBe(403);
      const booking = await book(sessions.staff, { leadId: lead.id, startsAt: at(8) });
      expect(booking.assignedUserId).toBe(staff.id);
      expect((await request('GET', `/api/bookings/${booking.id}`, sessions.staff)).statusCode).toBe(200);
      expect((await request('GET', `/api/bookings/${booking.id}`, sessions.otherStaff)).statusCode).toBe(404);
    });

    it('refuses an overlapping booking on the same team with 409 naming the booking; touching ends are fine', async () => {
      const at = freshDay();
      const first = await book(sessions.admin, {
        leadId: (await createLead(tenantA.id)).id,
        startsAt: at(8),
        durationHours: 3,
        teamId: tenantA.teamId,
      });
      const clash = await request('POST', '/api/bookings', sessions.admin, {
        leadId: (await createLead(tenantA.id)).id,
        startsAt: at(10),
        durationHours: 2,
        teamId: tenantA.teamId,
      });
      expect(clash.statusCode).toBe(409);
      expect(clash.json().code).toBe('booking_overlap');
      expect(clash.json().details).toEqual({ conflictingBookingId: first.id, teamId: tenantA.teamId });
      const after = await request('POST', '/api/bookings', sessions.admin, {
        leadId: (await createLead(tenantA.id)).id,
        startsAt: at(11),
        durationHours: 2,
        teamId: tenantA.teamId,
      });
      expect(after.statusCode).toBe(201);
    });

    it('lets the database decide between two overlapping bookings sent at the same moment', async () => {
      for (let round = 0; round < 3; round += 1) {
        const at = freshDay();
        const [leadOne, leadTwo] = await Promise.all([createLead(tenantA.id), createLead(tenantA.id)]);
        const responses = await Promise.all([
          request('POST', '/api/bookings', sessions.admin, {
            leadId: leadOne.id,
            startsAt: at(8),
            durationHours: 3,
            teamId: tenantA.teamId,
          }),
          request('POST', '/api/bookings', sessions.manager, {
            leadId: leadTwo.id,
            startsAt: at(9),
            durationHours: 3,
            teamId: tenantA.teamId,
          }),
        ]);
        expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409]);
        const winner = responses.find((response) => response.statusCode === 201)!.json();
        const loser = responses.find((response) => response.statusCode === 409)!.json();
        expect(loser.details).toEqual({ conflictingBookingId: winner.id, teamId: tenantA.teamId });
        expect(loser.message).toContain('already has a booking');
        const live = await ownerDb().booking.count({
          where: { leadId: { in: [leadOne.id, leadTwo.id] } },
        });
        expect(live).toBe(1);
      }
    });

    it('books one lead twice at the same moment (two times): both succeed, one after the other', async () => {
      // The lead is locked before the booking is written: when both inserts took the lead's key-share
      // lock first and then asked for FOR UPDATE, PostgreSQL broke the deadlock with a 409 "conflict".
      for (let round = 0; round < 4; round += 1) {
        const at = freshDay();
        const lead = await createLead(tenantA.id, { status: 'contacted' });
        const responses = await Promise.all(
          [8, 14].map((hour) =>
            request('POST', '/api/bookings', sessions.admin, {
              leadId: lead.id,
              startsAt: at(hour),
              durationHours: 2,
            }),
          ),
        );
        expect(responses.map((response) => response.statusCode)).toEqual([201, 201]);
        expect(await leadStatus(lead.id)).toBe('booked');
        // Moved once: the second booking found the lead booked already.
        const moves = await ownerDb().activity.count({
          where: { leadId: lead.id, title: 'Status opdateret til Booket' },
        });
        expect(moves).toBe(1);
      }
    });

    it('picks the first free active team by name, and answers 409 when none is free', async () => {
      const tenant = await createTenant('Firma C');
      const admin = await signIn(test.app, tenant.id, 'admin');
      const second = await ownerDb().team.create({ data: { tenantId: tenant.id, name: 'Hold 2' } });
      await ownerDb().team.create({ data: { tenantId: tenant.id, name: 'Hold 0 (pause)', active: false } });
      const at = freshDay();
      const first = await book(admin, { leadId: (await createLead(tenant.id)).id, startsAt: at(8) });
      expect(first.teamId).toBe(tenant.teamId);
      const next = await book(admin, { leadId: (await createLead(tenant.id)).id, startsAt: at(9) });
      expect(next.teamId).toBe(second.id);
      const none = await request('POST', '/api/bookings', admin, {
        leadId: (await createLead(tenant.id)).id,
        startsAt: at(10),
      });
      expect(none.statusCode).toBe(409);
      expect(none.json().details.conflicts).toEqual([
        { teamId: tenant.teamId, conflictingBookingId: first.id },
        { teamId: second.id, conflictingBookingId: next.id },
      ]);
    });
  });

  describe('GET /bookings', () => {
    it('filters, sorts and pages; STAFF see only their own', async () => {
      const tenant = await createTenant('Firma D');
      const admin = await signIn(test.app, tenant.id, 'admin');
      const worker = await createUser(tenant.id, 'staff');
      const workerSession = await login(test.app, worker);
      const lead = await createLead(tenant.id);
      // 2031-03-10..12 Copenhagen; 23:30Z on the 10th is already the 11th in Copenhagen.
      const one = await book(admin, { leadId: lead.id, startsAt: '2031-03-10T08:00:00Z', durationHours: 2 });
      const two = await book(admin, {
        leadId: lead.id,
        startsAt: '2031-03-10T23:30:00Z',
        durationHours: 2,
        assignedUserId: worker.id,
      });
      const three = await book(admin, {
        leadId: (await createLead(tenant.id)).id,
        startsAt: '2031-03-12T08:00:00Z',
        durationHours: 2,
      });
      await request('PATCH', `/api/bookings/${three.id}/status`, admin, { status: 'cancelled' });

      const all = (await request('GET', '/api/bookings', admin)).json();
      expect(all.data.map((row: { id: string }) => row.id)).toEqual([one.id, two.id, three.id]);
      expect(all.meta).toEqual({ total: 3, page: 1, pageSize: 20, totalPages: 1 });

      const desc = (await request('GET', '/api/bookings?sort=startsAt:desc&pageSize=2', admin)).json();
      expect(desc.data.map((row: { id: string }) => row.id)).toEqual([three.id, two.id]);
      expect(desc.meta).toEqual({ total: 3, page: 1, pageSize: 2, totalPages: 2 });

      const day = (await request('GET', '/api/bookings?from=2031-03-11&to=2031-03-12', admin)).json();
      expect(day.data.map((row: { id: string }) => row.id)).toEqual([two.id]);
      const cancelled = (await request('GET', '/api/bookings?status=cancelled', admin)).json();
      expect(cancelled.data.map((row: { id: string }) => row.id)).toEqual([three.id]);
      const byLead = (
        await request('GET', `/api/bookings?leadId=${lead.id}&teamId=${tenant.teamId}`, admin)
      ).json();
      expect(byLead.meta.total).toBe(2);

      const mine = (await request('GET', '/api/bookings', workerSession)).json();
      expect(mine.data.map((row: { id: string }) => row.id)).toEqual([two.id]);
      expect(mine.data[0].meetingToken).toBeUndefined();

      const bad = await request(
        'GET',
        '/api/bookings?sort=name:asc&pageSize=101&status=done&from=yesterday',
        admin,
      );
      expect(bad.statusCode).toBe(400);
      // A malformed date is refused with the other fields, by the query's own validation.
      expect(fieldsOf(bad.json())).toEqual(new Set(['pageSize', 'status', 'from']));
      const badSort = await request('GET', '/api/bookings?sort=name:asc', admin);
      expect(fieldsOf(badSort.json())).toEqual(new Set(['sort']));
      const badFrom = await request('GET', '/api/bookings?from=yesterday', admin);
      expect(badFrom.statusCode).toBe(400);
      expect(fieldsOf(badFrom.json())).toEqual(new Set(['from']));
    });

    it("answers 404 for another tenant's booking and 400 for a malformed id", async () => {
      const booking = await book(sessions.admin, {
        leadId: (await createLead(tenantA.id)).id,
        startsAt: freshDay()(8),
      });
      expect((await request('GET', `/api/bookings/${booking.id}`, sessions.adminB)).statusCode).toBe(404);
      expect((await request('GET', `/api/bookings/${randomUUID()}`, sessions.admin)).statusCode).toBe(404);
      const malformed = await request('GET', '/api/bookings/nope', sessions.admin);
      expect(malformed.statusCode).toBe(400);
      expect(fieldsOf(malformed.json())).toEqual(new Set(['id']));
      expect((await request('GET', '/api/bookings')).statusCode).toBe(401);
    });
  });

  describe('PATCH /bookings/:id', () => {
    it('moves a booking: new end and amount, revision bumped, activity written', async () => {
      const at = freshDay();
      const booking = await book(sessions.admin, {
        leadId: (await createLead(tenantA.id)).id,
        startsAt: at(8),
      });
      const moved = await request('PATCH', `/api/bookings/${booking.id}`, sessions.manager, {
        startsAt: at(12),
        durationHours: 4,
        notes: '  Nøgle hos naboen  ',
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({
        startsAt: at(12),
        endsAt: at(16),
        durationHours: '4',
        totalAmount: '1396.00',
        revision: 2,
        notes: 'Nøgle hos naboen',
        status: 'confirmed',
      });
      expect(await activityTitles(booking.id)).toContain('Booking flyttet');

      const notesOnly = await request('PATCH', `/api/bookings/${booking.id}`, sessions.manager, {
        notes: null,
      });
      expect(notesOnly.json()).toMatchObject({ revision: 2, notes: null });
      const same = await request('PATCH', `/api/bookings/${booking.id}`, sessions.manager, {
        startsAt: at(12),
      });
      expect(same.json().revision).toBe(2);
    });

    it('refuses a move onto another booking (409 naming it) and a move of a booking that is over', async () => {
      const at = freshDay();
      const first = await book(sessions.admin, {
        leadId: (await createLead(tenantA.id)).id,
        startsAt: at(8),
        durationHours: 2,
      });
      const second = await book(sessions.admin, {
        leadId: (await createLead(tenantA.id)).id,
        startsAt: at(12),
        durationHours: 2,
      });
      const clash = await request('PATCH', `/api/bookings/${second.id}`, sessions.admin, { startsAt: at(9) });
      expect(clash.statusCode).toBe(409);
      expect(clash.json().code).toBe('booking_overlap');
      expect(clash.json().details).toEqual({ conflictingBookingId: first.id, teamId: tenantA.teamId });
      // Moving within its own time does not collide with itself.
      const self = await request('PATCH', `/api/bookings/${second.id}`, sessions.admin, {
        startsAt: at(12, 30),
      });
      expect(self.statusCode).toBe(200);

      await request('PATCH', `/api/bookings/${first.id}/status`, sessions.admin, { status: 'cancelled' });
      const over = await request('PATCH', `/api/bookings/${first.id}`, sessions.admin, { startsAt: at(15) });
      expect(over.statusCode).toBe(409);
      const notes = await request('PATCH', `/api/bookings/${first.id}`, sessions.admin, {
        notes: 'Kunden aflyste',
      });
      expect(notes.statusCode).toBe(200);
    });

    it('validates the body, hides unassigned bookings from STAFF and forbids VIEWER', async () => {
      const booking = await book(sessions.admin, {
        leadId: (await createLead(tenantA.id)).id,
        startsAt: freshDay()(8),
      });
      const invalid = await request('PATCH', `/api/bookings/${booking.id}`, sessions.admin, {
        startsAt: 'tomorrow',
        durationHours: '3',
        revision: 7,
      });
      expect(invalid.statusCode).toBe(400);
      expect(fieldsOf(invalid.json())).toEqual(new Set(['startsAt', 'durationHours', 'revision']));
      expect(
        (await request('PATCH', `/api/bookings/${booking.id}`, sessions.staff, { notes: 'x' })).statusCode,
      ).toBe(404);
      expect(
        (await request('PATCH', `/api/bookings/${booking.id}`, sessions.viewer, { notes: 'x' })).statusCode,
      ).toBe(403);
      expect(
        (await request('PATCH', `/api/bookings/${booking.id}`, sessions.adminB, { notes: 'x' })).statusCode,
      ).toBe(404);
    });
  });

  describe('PATCH /bookings/:id/status and POST /bookings/:id/complete', () => {
    it('walks confirmed → in_progress → completed (through /complete), the lead following', async () => {
      const lead = await createLead(tenantA.id, { assignedUserId: staff.id });
      const booking = await book(sessions.staff, { leadId: lead.id, startsAt: freshDay()(8) });
      const started = await request('PATCH', `/api/bookings/${booking.id}/status`, sessions.staff, {
        status: 'in_progress',
      });
      expect(started.statusCode).toBe(200);
      expect(started.json().status).toBe('in_progress');

      const viaStatus = await request('PATCH', `/api/bookings/${booking.id}/status`, sessions.staff, {
        status: 'completed',
      });
      expect(viaStatus.statusCode).toBe(409);
      expect(viaStatus.json().message).toContain('/complete');

      const bad = await request('POST', `/api/bookings/${booking.id}/complete`, sessions.staff, {
        hoursWorked: 3.25,
      });
      expect(bad.statusCode).toBe(400);
      expect(fieldsOf(bad.json())).toEqual(new Set(['hoursWorked']));
      const missing = await request('POST', `/api/bookings/${booking.id}/complete`, sessions.staff, {});
      expect(fieldsOf(missing.json())).toEqual(new Set(['hoursWorked']));
      expect(
        (await request('POST', `/api/bookings/${booking.id}/complete`, sessions.viewer, { hoursWorked: 4 }))
          .statusCode,
      ).toBe(403);
      expect(
        (
          await request('POST', `/api/bookings/${booking.id}/complete`, sessions.otherStaff, {
            hoursWorked: 4,
          })
        ).statusCode,
      ).toBe(404);

      const done = await request('POST', `/api/bookings/${booking.id}/complete`, sessions.staff, {
        hoursWorked: 4.5,
      });
      expect(done.statusCode).toBe(200);
      expect(done.json()).toMatchObject({ status: 'completed', hoursWorked: '4.5' });
      expect(done.json().completedAt).toMatch(/Z$/);
      expect(await leadStatus(lead.id)).toBe('completed');
      expect(await activityTitles(booking.id)).toEqual(
        expect.arrayContaining(['Booking oprettet', 'Booking afsluttet']),
      );

      const again = await request('POST', `/api/bookings/${booking.id}/complete`, sessions.staff, {
        hoursWorked: 4,
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().details).toEqual({ from: 'completed', to: 'completed', allowed: [] });
    });

    it('cancels for ADMIN/MANAGER only; the lead goes back to contacted; a cancelled booking stays cancelled', async () => {
      const lead = await createLead(tenantA.id, { assignedUserId: staff.id });
      const booking = await book(sessions.admin, { leadId: lead.id, startsAt: freshDay()(8) });
      expect(await leadStatus(lead.id)).toBe('booked');
      const byStaff = await request('PATCH', `/api/bookings/${booking.id}/status`, sessions.staff, {
        status: 'cancelled',
      });
      expect(byStaff.statusCode).toBe(403);

      const cancelled = await request('PATCH', `/api/bookings/${booking.id}/status`, sessions.manager, {
        status: 'cancelled',
      });
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json().status).toBe('cancelled');
      expect(cancelled.json().cancelledAt).toMatch(/Z$/);
      expect(await leadStatus(lead.id)).toBe('contacted');
      expect(await activityTitles(booking.id)).toContain('Booking aflyst');

      const revive = await request('PATCH', `/api/bookings/${booking.id}/status`, sessions.manager, {
        status: 'confirmed',
      });
      expect(revive.statusCode).toBe(409);
      expect(revive.json().details).toEqual({ from: 'cancelled', to: 'confirmed', allowed: [] });
      const complete = await request('POST', `/api/bookings/${booking.id}/complete`, sessions.manager, {
        hoursWorked: 2,
      });
      expect(complete.statusCode).toBe(409);

      const unknown = await request('PATCH', `/api/bookings/${booking.id}/status`, sessions.manager, {
        status: 'Cancelled',
      });
      expect(unknown.statusCode).toBe(400);
      expect(fieldsOf(unknown.json())).toEqual(new Set(['status']));
      expect(
        (
          await request('PATCH', `/api/bookings/${booking.id}/status`, sessions.viewer, {
            status: 'cancelled',
          })
        ).statusCode,
      ).toBe(403);
    });
  });

  describe('POST /leads', () => {
    it('creates a lead without a time: 201 with the lead, no booking', async () => {
      const response = await request('POST', '/api/leads', sessions.manager, leadPayload());
      expect(response.statusCode).toBe(201);
      const lead = response.json();
      expect(lead).toMatchObject({ customerName: 'Jens Jensen', status: 'new', source: 'manual' });
      expect(lead).toMatchObject({ booking: null, meetingToken: null, warnings: [] });
      expect(await ownerDb().booking.count({ where: { leadId: lead.id } })).toBe(0);
      expect((await request('POST', '/api/leads', sessions.viewer, leadPayload())).statusCode).toBe(403);
    });

    it('with scheduledAt creates the lead, a pending booking and the meeting token in one go', async () => {
      const at = freshDay();
      const before = Date.now();
      const response = await request(
        'POST',
        '/api/leads',
        sessions.admin,
        leadPayload({ scheduledAt: at(9) }),
      );
      expect(response.statusCode).toBe(201);
      const body = response.json();
      // The same shape as without a time: the lead, with its booking and meeting token beside.
      const plain = (await request('POST', '/api/leads', sessions.admin, leadPayload())).json();
      expect(Object.keys(body).sort()).toEqual(Object.keys(plain).sort());
      expect(body).toMatchObject({ status: 'new', customerName: 'Jens Jensen', bookingDate: at(9) });
      expect(Object.keys(body.booking).sort()).toEqual(BOOKING_KEYS);
      expect(body.booking).toMatchObject({
        leadId: body.id,
        teamId: tenantA.teamId,
        status: 'pending',
        startsAt: at(9),
        endsAt: at(13),
        durationHours: '4',
        hourlyRate: '349.00',
        totalAmount: '1396.00',
        confirmedAt: null,
      });
      const expires = Date.parse(body.booking.tokenExpiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + 48 * HOUR - 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 48 * HOUR + 1000);
      expect(body.meetingToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await leadStatus(body.id)).toBe('new');

      // The token is shown once: never on the booking's own routes.
      const read = (await request('GET', `/api/bookings/${body.booking.id}`, sessions.admin)).json();
      expect(read.meetingToken).toBeUndefined();
      expect(JSON.stringify(read)).not.toContain(body.meetingToken);

      const meeting = await request('GET', `/api/bookings/meeting/${body.meetingToken}`);
      expect(meeting.statusCode).toBe(200);
      expect(Object.keys(meeting.json()).sort()).toEqual(
        [
          'address',
          'city',
          'endsAt',
          'freeCancellationUntil',
          'isExpired',
          'lateCancellationFee',
          'nextVisits',
          'serviceType',
          'startsAt',
          'status',
        ].sort(),
      );
      expect(meeting.json()).toEqual({
        startsAt: at(9),
        endsAt: at(13),
        serviceType: 'Hovedrengøring',
        address: 'Nørregade 7, 2. th.',
        city: 'Aarhus C',
        status: 'pending',
        isExpired: false,
        // The tenant charges no late fee: cancelling is free.
        freeCancellationUntil: null,
        lateCancellationFee: null,
        // A one-off booking: no series visits to list.
        nextVisits: null,
      });
      expect(
        (await request('GET', `/api/bookings/meeting/${body.meetingToken.slice(0, -2)}xy`)).statusCode,
      ).toBe(404);
      expect((await request('GET', '/api/bookings/meeting/short')).statusCode).toBe(404);

      // Confirming makes the lead booked.
      const confirmed = await request('PATCH', `/api/bookings/${body.booking.id}/status`, sessions.admin, {
        status: 'confirmed',
      });
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.json().status).toBe('confirmed');
      expect(confirmed.json().confirmedAt).toMatch(/Z$/);
      expect(await leadStatus(body.id)).toBe('booked');
      expect(await activityTitles(body.booking.id)).toEqual(
        expect.arrayContaining(['Booking oprettet', 'Booking bekræftet']),
      );
    });

    it('creates nothing when no team is free at scheduledAt (409)', async () => {
      const tenant = await createTenant('Firma E');
      const admin = await signIn(test.app, tenant.id, 'admin');
      const at = freshDay();
      const taken = await book(admin, {
        leadId: (await createLead(tenant.id)).id,
        startsAt: at(8),
        durationHours: 4,
      });
      const leadsBefore = await ownerDb().lead.count({ where: { tenantId: tenant.id } });
      const response = await request('POST', '/api/leads', admin, leadPayload({ scheduledAt: at(10) }));
      expect(response.statusCode).toBe(409);
      expect(response.json().details.conflicts).toEqual([
        { teamId: tenant.teamId, conflictingBookingId: taken.id },
      ]);
      expect(await ownerDb().lead.count({ where: { tenantId: tenant.id } })).toBe(leadsBefore);
    });

    it('names invalid fields in a 400', async () => {
      const response = await request(
        'POST',
        '/api/leads',
        sessions.admin,
        leadPayload({ scheduledAt: 'soon', status: 'booked' }),
      );
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(expect.any(Set));
      expect([...fieldsOf(response.json())]).toEqual(expect.arrayContaining(['scheduledAt', 'status']));
    });
  });

  describe('the meeting link', () => {
    const LIVE_KEYS = [
      'address',
      'city',
      'endsAt',
      'freeCancellationUntil',
      'isExpired',
      'lateCancellationFee',
      'nextVisits',
      'serviceType',
      'startsAt',
      'status',
    ].sort();

    /** A lead with a pending booking and its meeting token, as POST /leads with scheduledAt leaves them. */
    async function pending() {
      const response = await request(
        'POST',
        '/api/leads',
        sessions.admin,
        leadPayload({ scheduledAt: freshDay()(9), estimatedHours: 2 }),
      );
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json();
      const meeting = () => request('GET', `/api/bookings/meeting/${body.meetingToken}`);
      const live = await meeting();
      expect(live.statusCode).toBe(200);
      expect(Object.keys(live.json()).sort()).toEqual(LIVE_KEYS);
      return { bookingId: body.booking.id as string, leadId: body.id as string, meeting };
    }

    /** What a token that never existed answers: the gone link must look exactly like it. */
    async function neverExisted() {
      const response = await request('GET', `/api/bookings/meeting/${'x'.repeat(43)}`);
      expect(response.statusCode).toBe(404);
      return response.json();
    }

    async function expectGone(meeting: () => ReturnType<typeof request>) {
      const response = await meeting();
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('Nørregade');
      const { requestId: _a, ...gone } = response.json();
      const { requestId: _b, ...unknown } = await neverExisted();
      expect(gone).toEqual(unknown);
    }

    it('answers 404 once the confirmation deadline has passed, before the expiry schedule runs', async () => {
      const { bookingId, meeting } = await pending();
      const { tokenExpiresAt } = await ownerDb().booking.findUniqueOrThrow({ where: { id: bookingId } });
      // The app's time, not the machine's: the deadline passes when the app's clock says so.
      test.clock.set(new Date(tokenExpiresAt!.getTime() + 60_000));
      try {
        await expectGone(meeting);
      } finally {
        test.clock.reset();
      }
      expect((await meeting()).statusCode).toBe(200);
    });

    it('answers 404 for an expired booking', async () => {
      const { bookingId, meeting } = await pending();
      await ownerDb().booking.update({ where: { id: bookingId }, data: { status: 'expired' } });
      await expectGone(meeting);
    });

    it('answers 404 once the booking is cancelled', async () => {
      const { bookingId, meeting } = await pending();
      const cancelled = await request('PATCH', `/api/bookings/${bookingId}/status`, sessions.manager, {
        status: 'cancelled',
      });
      expect(cancelled.statusCode).toBe(200);
      await expectGone(meeting);
    });

    it('answers 404 once the booking is deleted, or its lead is', async () => {
      const booking = await pending();
      await ownerDb().booking.update({ where: { id: booking.bookingId }, data: { deletedAt: new Date() } });
      await expectGone(booking.meeting);

      const lead = await pending();
      await ownerDb().lead.update({ where: { id: lead.leadId }, data: { deletedAt: new Date() } });
      await expectGone(lead.meeting);
    });

    it('answers 404 once the booking is completed', async () => {
      const { bookingId, meeting } = await pending();
      await ownerDb().booking.update({ where: { id: bookingId }, data: { status: 'completed' } });
      await expectGone(meeting);
    });

    it('keeps showing a confirmed booking after the confirmation deadline, not as expired', async () => {
      const { bookingId, meeting } = await pending();
      const confirmed = await request('PATCH', `/api/bookings/${bookingId}/status`, sessions.admin, {
        status: 'confirmed',
      });
      expect(confirmed.statusCode).toBe(200);
      await ownerDb().booking.update({
        where: { id: bookingId },
        data: { tokenExpiresAt: new Date(Date.now() - 60_000) },
      });
      const response = await meeting();
      expect(response.statusCode).toBe(200);
      expect(Object.keys(response.json()).sort()).toEqual(LIVE_KEYS);
      expect(response.json()).toMatchObject({
        status: 'confirmed',
        isExpired: false,
        address: 'Nørregade 7, 2. th.',
      });
    });
  });

  describe('expiry schedule', () => {
    it('expires pending bookings past their deadline once; the lead returns to contacted only if it was booked', async () => {
      const at = freshDay();
      const create = async (hour: number) => {
        const response = await request(
          'POST',
          '/api/leads',
          sessions.admin,
          leadPayload({ scheduledAt: at(hour), estimatedHours: 2 }),
        );
        expect(response.statusCode, response.body).toBe(201);
        return response.json();
      };
      const fresh = await create(8);
      const wasBooked = await create(11);
      const notYet = await create(14);
      await ownerDb().lead.update({ where: { id: wasBooked.id }, data: { status: 'booked' } });
      const past = new Date(Date.now() - 60_000);
      await ownerDb().booking.updateMany({
        where: { id: { in: [fresh.booking.id, wasBooked.booking.id] } },
        data: { tokenExpiresAt: past },
      });

      const processor = test.app.get(ExpirePendingBookingsProcessor);
      const first = await processor.handle({});
      expect(first.expired).toBeGreaterThanOrEqual(2);

      const statuses = await ownerDb().booking.findMany({
        where: { id: { in: [fresh.booking.id, wasBooked.booking.id, notYet.booking.id] } },
        select: { id: true, status: true },
      });
      expect(Object.fromEntries(statuses.map((row) => [row.id, row.status]))).toEqual({
        [fresh.booking.id]: 'expired',
        [wasBooked.booking.id]: 'expired',
        [notYet.booking.id]: 'pending',
      });
      expect(await leadStatus(fresh.id)).toBe('new');
      expect(await leadStatus(wasBooked.id)).toBe('contacted');
      expect(await activityTitles(fresh.booking.id)).toEqual(['Booking oprettet', 'Booking udløbet']);
      // The customer's link no longer shows the booking (nor its address).
      const meeting = await request('GET', `/api/bookings/meeting/${fresh.meetingToken}`);
      expect(meeting.statusCode).toBe(404);
      expect(meeting.body).not.toContain('Nørregade');

      // Running again changes nothing.
      const activitiesBefore = await ownerDb().activity.count({
        where: { leadId: { in: [fresh.id, wasBooked.id] } },
      });
      const second = await processor.handle({});
      expect(await ownerDb().activity.count({ where: { leadId: { in: [fresh.id, wasBooked.id] } } })).toBe(
        activitiesBefore,
      );
      expect(second.expired).toBeGreaterThanOrEqual(0);
      expect(await activityTitles(fresh.booking.id)).toEqual(['Booking oprettet', 'Booking udløbet']);
      expect(await leadStatus(wasBooked.id)).toBe('contacted');

      // An expired booking cannot be confirmed any more.
      const late = await request('PATCH', `/api/bookings/${fresh.booking.id}/status`, sessions.admin, {
        status: 'confirmed',
      });
      expect(late.statusCode).toBe(409);
    });
  });
});
