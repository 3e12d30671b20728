import { randomUUID } from 'node:crypto';

import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { SystemPrismaService } from '../../src/core/database/system-prisma.service.js';
import { OutboxService } from '../../src/core/queue/outbox.service.js';
import { QueueService } from '../../src/core/queue/queue.service.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { defaultTenantSettings } from '../../src/tenants/tenant-defaults.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { queuedJob } from '../support/jobs.js';
import { ScratchDatabase } from '../support/scratch-database.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The outbox keeps time by the Clock (docs/architecture.md, Jobs and the outbox): callers write "for
 * later" from the Clock, so the relay and the sweeper decide what is due by the Clock's now, and the
 * enqueue time and a retry's back-off are the Clock's too. Judged by the database's `now()`, a reminder
 * written for 10:00 + 4 h of a test clock fell due at once when the suite ran after 14:00.
 *
 * This file has a database and queues of its own, with no timed sweep and no workers: the apps of the
 * other test files sweep the run's shared outbox by their own clocks, which would relay these rows by
 * theirs. Here only the explicit sweeps below move a row, and an enqueued job stays in its queue.
 */
describe('the outbox keeps time by the Clock', () => {
  let scratch: ScratchDatabase;
  let db: PrismaClient;
  let test: TestApp;
  let tenantId: string;

  beforeAll(async () => {
    scratch = await ScratchDatabase.create('renos_outbox_clock');
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: scratch.adminUrl }) });
    const tenant = await db.tenant.create({
      data: { name: 'Outbox ur', slug: `t-${randomUUID().slice(0, 12)}`, ...defaultTenantSettings() },
    });
    tenantId = tenant.id;
    test = await bootTestApp({
      env: { ...scratch.environment(), OUTBOX_SWEEP_INTERVAL_MS: '0', APP_ROLE: 'api' },
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    test.clock.reset();
    // A row a failed test left pending would be the next test's first claim.
    await db.outboxJob.deleteMany({ where: { status: 'pending' } });
  });
  afterAll(async () => {
    await test?.close();
    await db?.$disconnect();
    await scratch?.drop();
  });

  const outbox = () => test.app.get(OutboxService);
  const row = (id: string) => db.outboxJob.findUniqueOrThrow({ where: { id } });
  const moveClock = (by: number) => test.clock.set(new Date(test.clock.now().getTime() + by));

  /** Writes one job as a caller does, in its own transaction, without relaying it. */
  const write = (availableAt?: Date) =>
    test.app
      .get(SystemPrismaService)
      .transaction('outbox', (tx) =>
        outbox().write(
          tx,
          tenantId,
          'calendar.sync-booking',
          { tenantId, bookingId: randomUUID() },
          { availableAt },
        ),
      );

  /** Runs one sweep and answers the Clock's readings just before and just after it. */
  async function sweep(): Promise<{ from: number; to: number }> {
    const from = test.clock.now().getTime();
    await outbox().sweep();
    return { from, to: test.clock.now().getTime() };
  }

  it('does not sweep a row written for an hour later under a clock far behind the wall clock until that clock passes it', async () => {
    test.clock.set(new Date(test.clock.now().getTime() - 30 * DAY));
    const id = await write(new Date(test.clock.now().getTime() + HOUR));

    // By the database's clock the row is 30 days overdue; by the app's it is an hour away.
    await sweep();
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 0, enqueuedAt: null });
    moveClock(58 * MINUTE);
    await sweep();
    expect(await row(id)).toMatchObject({ status: 'pending', enqueuedAt: null });
    expect(await queuedJob(test.app, id)).toBeUndefined();

    moveClock(3 * MINUTE);
    const { from, to } = await sweep();
    const swept = await row(id);
    expect(swept).toMatchObject({ status: 'enqueued', attempts: 1 });
    // Enqueued at the Clock's time, 30 days before the machine's.
    expect(swept.enqueuedAt!.getTime()).toBeGreaterThanOrEqual(from);
    expect(swept.enqueuedAt!.getTime()).toBeLessThanOrEqual(to);
    expect(await queuedJob(test.app, id)).toBeDefined();
  });

  it('relays and sweeps at once what is due by a clock moved ahead of the wall clock', async () => {
    test.clock.set(new Date(test.clock.now().getTime() + 30 * DAY));
    const before = test.clock.now().getTime();
    const dueNow = await write();
    const after = test.clock.now().getTime();
    const overdue = await write(new Date(test.clock.now().getTime() - MINUTE));
    const relayed = await write(new Date(test.clock.now().getTime() - MINUTE));

    // A row due now carries the Clock's now, not the database's: 30 days apart here.
    const written = await row(dueNow);
    expect(written.availableAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(written.availableAt.getTime()).toBeLessThanOrEqual(after);

    // By the database's clock these rows are 30 days away and would wait that long.
    outbox().relay([relayed]);
    await eventually(() => row(relayed), {
      what: 'the relay to enqueue the row due by the Clock',
      until: (job) => job.status === 'enqueued',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    await sweep();
    expect(await row(dueNow)).toMatchObject({ status: 'enqueued' });
    expect(await row(overdue)).toMatchObject({ status: 'enqueued' });
  });

  it('times a retry by the clock moved back, so the row is due again when that clock passes its back-off, not the wall clock', async () => {
    test.clock.set(new Date(test.clock.now().getTime() - 30 * DAY));
    const id = await write();
    vi.spyOn(test.app.get(QueueService), 'add').mockRejectedValueOnce(new Error('Redis is away'));

    const { from, to } = await sweep();
    const failed = await row(id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: 'Redis is away' });
    // The first back-off is one second after the Clock's now. From the database's now() it was 30
    // days later by this clock: the row would have waited a month for the wall clock to come round.
    expect(failed.availableAt.getTime()).toBeGreaterThanOrEqual(from + 1000);
    expect(failed.availableAt.getTime()).toBeLessThanOrEqual(to + 1000);

    moveClock(2000);
    await sweep();
    expect(await row(id)).toMatchObject({ status: 'enqueued', attempts: 2, lastError: null });
  });

  it('relays the rows of units of work committed while a relay runs in one claim, and loses none', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await write());
    // Watched, not replaced: each claim is one system transaction named 'outbox'.
    const transactions = vi.spyOn(test.app.get(SystemPrismaService), 'transaction');
    // As eight units of work committing at once: the first starts a claim, the other seven wait for it.
    for (const id of ids) outbox().relay([id]);
    const rows = await eventually(() => Promise.all(ids.map(row)), {
      what: 'the relay to enqueue all eight rows',
      until: (all) => all.every((job) => job.status === 'enqueued'),
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(transactions.mock.calls.filter(([purpose]) => purpose === 'outbox')).toHaveLength(2);
    // The second claim read the Clock once for its seven rows.
    expect(new Set(rows.slice(1).map((job) => job.enqueuedAt!.getTime())).size).toBe(1);
    expect(rows.every((job) => job.attempts === 1)).toBe(true);
    for (const id of ids) expect(await queuedJob(test.app, id)).toBeDefined();
  });
});
