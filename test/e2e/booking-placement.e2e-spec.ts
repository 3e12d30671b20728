import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BookingsRepository } from '../../src/bookings/bookings.repository.js';
import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { TenantPrismaService } from '../../src/core/database/tenant-prisma.service.js';
import { UnitOfWork, type Work } from '../../src/core/unit-of-work/unit-of-work.js';
import type { BookingStatus } from '../../src/generated/prisma/enums.js';
import { LeadsService } from '../../src/leads/leads.service.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { createLead } from '../support/factories.js';
import { createTenant, ownerDb, signIn, type Session, type TenantFixture } from '../support/fixtures.js';

/**
 * What one booking asks of PostgreSQL (bench/README.md, POST /api/bookings at one connection): the
 * team chosen by one query, the lead locked and read by one, a system move on that row without a
 * second lock, and the statements of POST /api/bookings counted.
 */
describe('booking placement statements', () => {
  let test: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;
  let admin: Session;

  beforeAll(async () => {
    // No workers and no sweep during a count: only the request's own statements and its relay run.
    test = await bootTestApp({ env: { APP_ROLE: 'api', OUTBOX_SWEEP_INTERVAL_MS: '600000' } });
    tenant = await createTenant('Placering');
    other = await createTenant('Placering, anden');
    admin = await signIn(test.app, tenant.id, 'admin');
  });
  afterAll(async () => {
    await test?.close();
  });

  const inTenant = <T>(tenantId: string, fn: () => Promise<T>) =>
    test.app.get(TenantContextService).run({ tenantId }, fn);
  const work = <T>(tenantId: string, fn: (work: Work) => Promise<T>) =>
    inTenant(tenantId, () => test.app.get(UnitOfWork).run(fn));
  const leads = () => test.app.get(LeadsService);

  async function booking(
    owner: TenantFixture,
    teamId: string,
    startsAt: string,
    endsAt: string,
    extra: { status?: BookingStatus; deletedAt?: Date } = {},
  ) {
    const lead = await createLead(owner.id);
    return ownerDb().booking.create({
      data: {
        tenantId: owner.id,
        leadId: lead.id,
        teamId,
        startsAt: new Date(startsAt),
        endsAt: new Date(endsAt),
        durationHours: '2',
        hourlyRate: '349',
        totalAmount: '698',
        status: extra.status ?? 'confirmed',
        deletedAt: extra.deletedAt,
        meetingToken: randomBytes(32).toString('base64url'),
      },
    });
  }

  it('chooses the first free active team by name in one query; a busy team is skipped', async () => {
    const owner = await createTenant('Hold');
    // "Hold 1" is the tenant's first team; "Alfa" comes later but first by name; the inactive team
    // would come first of all.
    const alfa = await ownerDb().team.create({ data: { tenantId: owner.id, name: 'Alfa' } });
    const second = await ownerDb().team.create({ data: { tenantId: owner.id, name: 'Hold 2' } });
    await ownerDb().team.create({ data: { tenantId: owner.id, name: 'Aaa (pause)', active: false } });
    // Another tenant's team, first by name and free: never chosen.
    await ownerDb().team.create({ data: { tenantId: other.id, name: '0 Anden' } });
    const range = { startsAt: new Date('2031-05-05T10:00:00Z'), endsAt: new Date('2031-05-05T12:00:00Z') };
    const choose = () =>
      inTenant(owner.id, () =>
        test.app
          .get(TenantPrismaService)
          .transaction((tx) => test.app.get(BookingsRepository).firstFreeTeam(owner.id, range, tx)),
      );

    expect(await choose()).toBe(alfa.id);

    await booking(owner, alfa.id, '2031-05-05T11:00:00Z', '2031-05-05T13:00:00Z');
    expect(await choose()).toBe(owner.teamId);

    // What holds no time does not make a team busy: cancelled, expired, deleted, or ending as the range
    // starts (half-open, as the exclusion constraint compares).
    await booking(owner, owner.teamId, '2031-05-05T09:00:00Z', '2031-05-05T12:00:00Z', {
      status: 'cancelled',
    });
    await booking(owner, owner.teamId, '2031-05-05T09:00:00Z', '2031-05-05T12:00:00Z', { status: 'expired' });
    await booking(owner, owner.teamId, '2031-05-05T10:00:00Z', '2031-05-05T11:00:00Z', {
      deletedAt: new Date('2031-01-01T00:00:00Z'),
    });
    await booking(owner, owner.teamId, '2031-05-05T08:00:00Z', '2031-05-05T10:00:00Z');
    expect(await choose()).toBe(owner.teamId);

    await booking(owner, owner.teamId, '2031-05-05T11:30:00Z', '2031-05-05T12:30:00Z', { status: 'pending' });
    expect(await choose()).toBe(second.id);

    await booking(owner, second.id, '2031-05-05T09:30:00Z', '2031-05-05T10:30:00Z', {
      status: 'in_progress',
    });
    expect(await choose()).toBeNull();
  });

  it('locks and reads the lead in one statement, the row as Prisma reads it', async () => {
    const lead = await createLead(tenant.id, {
      customerEmail: 'Mette@Example.DK',
      estimatedPrice: '1221.50',
      extraction: { model: 'test', fields: { city: { value: 'Aarhus C', confidence: 0.9 } } },
      emailContent: 'Hej, vi flytter den 1. juni.',
      responseSentAt: new Date('2031-01-02T03:04:05.678Z'),
      needsAttention: true,
      needsAttentionReason: 'Ring kunden op',
    });
    const [locked, read] = await work(tenant.id, async ({ tx }) => [
      await leads().lockForUpdate(tx, lead.id),
      await tx.lead.findUnique({ where: { id_tenantId: { id: lead.id, tenantId: tenant.id } } }),
    ]);
    expect(locked).toEqual(read);
    expect(locked).toEqual(lead);
    expect(await work(other.id, ({ tx }) => leads().lockForUpdate(tx, lead.id))).toBeNull();
  });

  it('moves a lead on the row it locked, and reads it again once that row is stale', async () => {
    const lead = await createLead(tenant.id, { status: 'contacted' });
    await work(tenant.id, async ({ tx }) => {
      const locked = (await leads().lockForUpdate(tx, lead.id))!;
      await leads().applySystemMove(tx, locked, 'booking_confirmed', null);
      // The row still says "contacted": trusted, it would make this a no-op.
      await leads().applySystemMove(tx, locked, 'bookings_ended', null);
    });
    expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('contacted');
    const moves = await ownerDb().activity.findMany({
      where: { leadId: lead.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(moves.map((activity) => activity.metadata)).toEqual([
      { from: 'contacted', to: 'booked', event: 'booking_confirmed' },
      { from: 'booked', to: 'contacted', event: 'bookings_ended' },
    ]);
  });

  it('books with 11 statements before the relay: the tenant profile, then one unit of work', async () => {
    const require = createRequire(import.meta.url);
    const { Client } = require('pg') as typeof import('pg');
    const statements: string[] = [];
    const query = Client.prototype.query;
    const book = async (leadId: string, startsAt: string) => {
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/bookings',
        headers: admin.auth,
        payload: { leadId, startsAt },
      });
      expect(response.statusCode).toBe(201);
    };
    // The first request reads the principal, which is then remembered.
    await book((await createLead(tenant.id)).id, '2031-06-02T08:00:00Z');
    const lead = await createLead(tenant.id);
    // Its relay done, so nothing but the next request runs.
    await eventually(() => ownerDb().outboxJob.count({ where: { tenantId: tenant.id, status: 'pending' } }), {
      what: 'the first booking relayed',
      until: (pending) => pending === 0,
    });
    Client.prototype.query = function (this: InstanceType<typeof Client>, ...args: unknown[]) {
      const config = args[0] as string | { text?: string };
      statements.push(typeof config === 'string' ? config : String(config?.text));
      return (query as (...rest: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      await book(lead.id, '2031-06-03T08:00:00Z');
    } finally {
      Client.prototype.query = query;
    }
    // The relay starts before the answer (not awaited); its transaction is the system's.
    const own = statements.slice(
      0,
      statements.findIndex((text) => text.includes("'app.system'")),
    );
    const kind = (text: string) => {
      const statement = text.trim();
      if (/^(BEGIN|COMMIT)/.test(statement)) return statement.slice(0, statement.search(/\W|$/));
      const table = /(?:FROM|INTO|UPDATE)\s+(?:"public"\.)?"?(\w+)/.exec(statement)?.[1];
      return `${statement.split(/\s/)[0]} ${table}${/FOR UPDATE/.test(statement) ? ' FOR UPDATE' : ''}`;
    };
    expect(own.map(kind)).toEqual([
      'SELECT tenants',
      'BEGIN',
      'SELECT leads FOR UPDATE',
      'SELECT teams',
      'INSERT bookings',
      'INSERT activities',
      'UPDATE leads',
      'INSERT activities',
      'INSERT outbox_jobs',
      'INSERT outbox_jobs',
      'COMMIT',
    ]);
  });
});
