import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { UnitOfWork } from '../../src/core/unit-of-work/unit-of-work.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { drainTenant } from '../support/drain.js';
import { eventually } from '../support/eventually.js';
import { createTenantWithRoles, ownerDb, type TenantWithRoles } from '../support/fixtures.js';
import { queuedJob } from '../support/jobs.js';

const HOUR = 3600 * 1000;

/**
 * A job written for later (`availableAt`, docs/architecture.md, Jobs and the outbox): the unit of work
 * must not relay it after commit (the relay enqueues whatever ids it is given, due or not); it waits as
 * a pending row until the sweeper finds it due. A job due now is relayed as before.
 */
describe('Outbox rows written for later', () => {
  let test: TestApp;
  let cast: TenantWithRoles;

  beforeAll(async () => {
    test = await bootTestApp();
    cast = await createTenantWithRoles(test.app, 'Outbox later');
  });
  afterAll(async () => {
    await test?.close();
  });

  const tenantId = () => cast.tenant.id;
  const outboxRow = (id: string) => ownerDb().outboxJob.findUnique({ where: { id } });

  const queued = (id: string) => queuedJob(test.app, id);

  const until = <T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string) =>
    eventually(probe, { what, until: accept, timeoutMs: 10_000, intervalMs: 50 });

  async function booking(dayOffset: number): Promise<string> {
    const lead = await ownerDb().lead.create({
      data: {
        tenantId: tenantId(),
        customerName: 'Mette Hansen',
        customerPhone: '+4526000001',
        address: 'Vestergade 1',
        city: 'Aarhus C',
        postalCode: '8000',
        serviceType: 'Flytterengøring',
        estimatedHours: '3',
        status: 'contacted',
      },
    });
    const day = test.clock.now();
    day.setUTCHours(0, 0, 0, 0);
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: cast.manager.auth,
      payload: {
        leadId: lead.id,
        startsAt: new Date(day.getTime() + (120 + dayOffset) * 24 * HOUR + 9 * HOUR).toISOString(),
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    await drainTenant(test.app, tenantId());
    return (response.json() as { id: string }).id;
  }

  it('keeps a job for later pending after commit, relays the one due now, and the sweeper enqueues the later one once due', async () => {
    const bookingId = await booking(0);
    const later = new Date(test.clock.now().getTime() + 2 * HOUR);
    const [dueId, laterId] = await test.app
      .get(TenantContextService)
      .run({ tenantId: tenantId() }, () =>
        test.app
          .get(UnitOfWork)
          .run(async (work) => [
            await work.enqueue('calendar.sync-booking', { tenantId: work.tenantId, bookingId }),
            await work.enqueue(
              'calendar.sync-booking',
              { tenantId: work.tenantId, bookingId },
              { availableAt: later },
            ),
          ]),
      );

    // The relay after commit claims all its ids in one transaction: once the due row is enqueued, a
    // later row it had been given would be enqueued too.
    await until(
      () => outboxRow(dueId!),
      (row) => row?.status === 'enqueued',
      'the due job relayed',
    );
    const waiting = await outboxRow(laterId!);
    expect(waiting).toMatchObject({ status: 'pending', enqueuedAt: null });
    expect(waiting?.availableAt.getTime()).toBe(later.getTime());
    expect(await queued(laterId!)).toBeUndefined();

    // Due now by the app's clock: the sweeper (every 200 ms in tests) enqueues it.
    await ownerDb().outboxJob.update({
      where: { id: laterId! },
      data: { availableAt: new Date(test.clock.now().getTime() - 1000) },
    });
    await until(
      () => outboxRow(laterId!),
      (row) => row?.status === 'enqueued',
      'the later job swept once due',
    );
    await drainTenant(test.app, tenantId());
  });

  it('relays a job whose availableAt has already passed, like one without', async () => {
    const bookingId = await booking(1);
    const id = await test.app
      .get(TenantContextService)
      .run({ tenantId: tenantId() }, () =>
        test.app
          .get(UnitOfWork)
          .run((work) =>
            work.enqueue(
              'calendar.sync-booking',
              { tenantId: work.tenantId, bookingId },
              { availableAt: new Date(test.clock.now().getTime() - 60_000) },
            ),
          ),
      );
    await until(
      () => outboxRow(id),
      (row) => row?.status === 'enqueued',
      'the past-due job relayed',
    );
    await drainTenant(test.app, tenantId());
  });
});
