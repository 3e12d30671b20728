import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { OutboxService } from '../../src/core/queue/outbox.service.js';
import { RedisService } from '../../src/core/redis/redis.service.js';
import { UnitOfWork, type Work } from '../../src/core/unit-of-work/unit-of-work.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { drainTenant } from '../support/drain.js';
import { eventually } from '../support/eventually.js';
import { createTenantWithRoles, ownerDb, type TenantWithRoles } from '../support/fixtures.js';
import { queuedJob } from '../support/jobs.js';

const HOUR = 3600 * 1000;
const randomPhone = () => `+4526${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
let dayCounter = 0;
/** A fresh future day per call, so bookings never collide on the team's time. */
function freshDay(hour: number): string {
  dayCounter += 1;
  const base = new Date();
  base.setUTCHours(0, 0, 0, 0);
  return new Date(base.getTime() + (90 + dayCounter) * 24 * HOUR + hour * HOUR).toISOString();
}

/**
 * UnitOfWork (docs/architecture.md, Jobs and the outbox): a change's outbox rows commit with it and
 * reach the queue only after the commit; a change that throws leaves no row, relays nothing and leaves
 * the tenant's cached figures alone; `invalidatesCache` makes cached figures fresh after the commit.
 */
describe('UnitOfWork', () => {
  let test: TestApp;
  let cast: TenantWithRoles;

  beforeAll(async () => {
    test = await bootTestApp();
    cast = await createTenantWithRoles(test.app, 'Unit of work');
  });
  afterAll(async () => {
    await test?.close();
  });

  const tenantId = () => cast.tenant.id;
  const asTenant = <T>(fn: (uow: UnitOfWork) => Promise<T>) =>
    test.app.get(TenantContextService).run({ tenantId: tenantId() }, () => fn(test.app.get(UnitOfWork)));

  const generation = async () =>
    test.app
      .get(RedisService)
      .client.get(`${test.config.redis.queuePrefix}:cache:${tenantId()}:generation`)
      .then((value) => Number(value ?? '0'));

  const stats = async () => {
    const response = await test.app.inject({
      method: 'GET',
      url: '/api/leads/stats',
      headers: cast.manager.auth,
    });
    expect(response.statusCode).toBe(200);
    return response.json() as { totalLeads: number; upcoming: number; byStatus: Record<string, number> };
  };

  const outboxRow = (id: string) => ownerDb().outboxJob.findUnique({ where: { id } });

  const queued = (id: string) => queuedJob(test.app, id);

  const until = <T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string) =>
    eventually(probe, { what, until: accept, timeoutMs: 10_000, intervalMs: 50 });

  /** A lead written as the owner, as the intake would have left it. */
  const createLead = (status: 'new' | 'contacted' = 'contacted') =>
    ownerDb().lead.create({
      data: {
        tenantId: tenantId(),
        customerName: 'Mette Hansen',
        customerPhone: randomPhone(),
        address: 'Vestergade 1',
        city: 'Aarhus C',
        postalCode: '8000',
        serviceType: 'Flytterengøring',
        estimatedHours: '3',
        status,
      },
    });

  async function bookThroughApi(leadId: string): Promise<{ id: string }> {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: cast.manager.auth,
      payload: { leadId, startsAt: freshDay(9) },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  it('a booking made through the API commits its calendar job and relays it to the queue', async () => {
    const lead = await createLead();
    const booking = await bookThroughApi(lead.id);
    const rows = await ownerDb().outboxJob.findMany({
      where: { tenantId: tenantId(), payload: { path: ['bookingId'], equals: booking.id } },
    });
    // A confirmed booking also tells the customer (sms.booking-notice), in the same transaction.
    expect(rows.map((row) => row.jobName).sort()).toEqual(['calendar.sync-booking', 'sms.booking-notice']);
    const calendarJob = rows.find((row) => row.jobName === 'calendar.sync-booking')!;
    const relayed = await until(
      () => outboxRow(calendarJob.id),
      (row) => row?.status === 'enqueued',
      'the calendar job relayed',
    );
    expect(relayed?.enqueuedAt).not.toBeNull();
    await drainTenant(test.app, tenantId());
  });

  it('relays a job only after its transaction commits: neither the relay nor the sweeper sees it before', async () => {
    const lead = await createLead();
    const booking = await bookThroughApi(lead.id);
    await drainTenant(test.app, tenantId());
    const outbox = test.app.get(OutboxService);

    const seenInside: { row: unknown; job: unknown; sweptRow: unknown } = {
      row: 'unset',
      job: 'unset',
      sweptRow: 'unset',
    };
    const id = await asTenant((uow) =>
      uow.run(async (work: Work) => {
        const written = await work.enqueue('calendar.sync-booking', {
          tenantId: work.tenantId,
          bookingId: booking.id,
        });
        // Another connection cannot see the row yet, the sweeper cannot claim it, and no job has its id.
        seenInside.row = await outboxRow(written);
        await outbox.sweep();
        seenInside.sweptRow = await outboxRow(written);
        seenInside.job = (await queued(written)) ?? null;
        return written;
      }),
    );
    expect(seenInside).toEqual({ row: null, job: null, sweptRow: null });

    const relayed = await until(
      () => outboxRow(id),
      (row) => row?.status === 'enqueued',
      'the job relayed after commit',
    );
    expect(relayed).toMatchObject({ tenantId: tenantId(), jobName: 'calendar.sync-booking' });
    await drainTenant(test.app, tenantId());
  });

  it('a callback that throws leaves no outbox row, relays nothing and keeps the cache generation', async () => {
    const lead = await createLead();
    const booking = await bookThroughApi(lead.id);
    await drainTenant(test.app, tenantId());
    const before = await generation();
    const jobsBefore = await ownerDb().outboxJob.count({ where: { tenantId: tenantId() } });

    let writtenId: string | undefined;
    let manyIds: string[] = [];
    const failure = new Error('the change is refused');
    await expect(
      asTenant((uow) =>
        uow.run(async (work) => {
          await work.tx.lead.update({ where: { id: lead.id }, data: { notes: 'rolled back' } });
          writtenId = await work.enqueue('calendar.sync-booking', {
            tenantId: work.tenantId,
            bookingId: booking.id,
          });
          manyIds = await work.enqueueMany('calendar.sync-booking', [
            { payload: { tenantId: work.tenantId, bookingId: booking.id } },
          ]);
          work.invalidatesCache();
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);

    expect(writtenId).toBeDefined();
    expect(manyIds).toHaveLength(1);
    // Give a relay, had there been one, time to reach Redis, and let the sweeper run.
    await test.app.get(OutboxService).sweep();
    await drainTenant(test.app, tenantId());
    for (const id of [writtenId!, ...manyIds]) {
      expect(await outboxRow(id)).toBeNull();
      expect(await queued(id)).toBeUndefined();
    }
    expect(await ownerDb().outboxJob.count({ where: { tenantId: tenantId() } })).toBe(jobsBefore);
    expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: lead.id } })).notes).toBeNull();
    expect(await generation()).toBe(before);
  });

  it('a booking the API refuses inside its transaction writes no job and keeps the cache generation', async () => {
    const lead = await createLead();
    const taken = freshDay(9);
    const first = await test.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: cast.manager.auth,
      payload: { leadId: lead.id, startsAt: taken, teamId: cast.tenant.teamId },
    });
    expect(first.statusCode, first.body).toBe(201);
    await drainTenant(test.app, tenantId());
    const before = await generation();
    const jobsBefore = await ownerDb().outboxJob.count({ where: { tenantId: tenantId() } });

    const other = await createLead();
    const refused = await test.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: cast.manager.auth,
      payload: { leadId: other.id, startsAt: taken, teamId: cast.tenant.teamId },
    });
    expect(refused.statusCode).toBe(409);
    await drainTenant(test.app, tenantId());
    expect(await ownerDb().outboxJob.count({ where: { tenantId: tenantId() } })).toBe(jobsBefore);
    expect(await generation()).toBe(before);
  });

  it('invalidatesCache makes a cached figure fresh after commit, and only after commit', async () => {
    const cached = await stats();
    // A change that does not declare it: the cached figure stays as it was (the cache is real).
    const quiet = await asTenant((uow) =>
      uow.run((work) =>
        work.tx.lead.create({
          data: {
            tenantId: work.tenantId,
            customerName: 'Stille Kunde',
            customerPhone: randomPhone(),
            address: 'Vej 2',
            city: 'Aarhus',
            postalCode: '8000',
            serviceType: 'Vinduespudsning',
          },
        }),
      ),
    );
    expect((await stats()).totalLeads).toBe(cached.totalLeads);

    const before = await generation();
    let generationInside: number | undefined;
    await asTenant((uow) =>
      uow.run(async (work) => {
        await work.tx.lead.update({ where: { id: quiet.id }, data: { status: 'lost' } });
        work.invalidatesCache();
        generationInside = await generation();
      }),
    );
    expect(generationInside).toBe(before);
    expect(await generation()).toBe(before + 1);
    const fresh = await stats();
    expect(fresh.totalLeads).toBe(cached.totalLeads + 1);
    expect(fresh.byStatus.lost).toBe(cached.byStatus.lost + 1);
  });

  it('a booking made through the API makes GET /leads/stats fresh', async () => {
    const cached = await stats();
    // Written past the API: the cached figure does not know it yet.
    const lead = await createLead();
    expect((await stats()).totalLeads).toBe(cached.totalLeads);
    await bookThroughApi(lead.id);
    const fresh = await stats();
    expect(fresh.totalLeads).toBe(cached.totalLeads + 1);
    expect(fresh.upcoming).toBe(cached.upcoming + 1);
    expect(fresh.byStatus.booked).toBe(cached.byStatus.booked + 1);
    await drainTenant(test.app, tenantId());
  });
});
