import { Injectable, Module } from '@nestjs/common';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { TenantPrismaService } from '../../src/core/database/tenant-prisma.service.js';
import { HandlesJob, type JobHandler } from '../../src/core/queue/job-handler.decorator.js';
import { OutboxService } from '../../src/core/queue/outbox.service.js';
import { QueueService } from '../../src/core/queue/queue.service.js';
import { JobHandlerMismatchError } from '../../src/core/queue/worker.service.js';
import { bootTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { createTenant, ownerDb } from '../support/fixtures.js';
import { PrivateRedis } from '../support/redis-server.js';

describe('outbox', () => {
  let redis: PrivateRedis;
  let test: TestApp;
  let tenantDb: TenantPrismaService;
  let tenantContext: TenantContextService;
  let outbox: OutboxService;
  let queues: QueueService;
  let tenantId: string;

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    await redis.start();
    test = await bootTestApp({ env: { REDIS_URL: redis.url } });
    tenantDb = test.app.get(TenantPrismaService);
    tenantContext = test.app.get(TenantContextService);
    outbox = test.app.get(OutboxService);
    queues = test.app.get(QueueService);
    tenantId = (await createTenant('Outbox')).id;
  });

  afterAll(async () => {
    await test?.close();
    await redis?.stop();
  });

  /** What a feature does: write the job in its transaction, relay after commit. */
  async function commitJob(): Promise<string> {
    const id = await tenantContext.run({ tenantId }, () =>
      tenantDb.transaction((tx) => outbox.write(tx, tenantId, 'maintenance.prune', { retentionDays: 30 })),
    );
    outbox.relay([id]);
    return id;
  }

  const row = (id: string) => ownerDb().outboxJob.findUniqueOrThrow({ where: { id } });

  it('hands a committed job to BullMQ at once, with the row id as job id', async () => {
    const id = await commitJob();
    await expect.poll(async () => (await row(id)).status, { timeout: 10_000 }).toBe('enqueued');
    const job = await queues.queue('maintenance').getJob(id);
    expect(job?.name).toBe('maintenance.prune');
    expect(job?.data).toEqual({ retentionDays: 30 });
  });

  it('adds a row once however often it is relayed and swept', async () => {
    const id = await commitJob();
    outbox.relay([id]);
    await outbox.sweep();
    await expect.poll(async () => (await row(id)).status, { timeout: 10_000 }).toBe('enqueued');
    outbox.relay([id]);
    await outbox.sweep();
    expect((await row(id)).attempts).toBe(1);
  });

  it('keeps a job in PostgreSQL while Redis is unreachable and enqueues it once Redis is back', async () => {
    await redis.stop();
    const id = await commitJob();
    // The relay fails fast; the row stays pending with the reason.
    await expect.poll(async () => (await row(id)).lastError, { timeout: 10_000 }).toBeTruthy();
    expect((await row(id)).status).toBe('pending');
    expect(await outbox.backlog()).toBeGreaterThanOrEqual(1);

    await redis.start();
    await expect
      .poll(async () => (await row(id)).status, { timeout: 30_000, interval: 250 })
      .toBe('enqueued');
    const job = await queues.queue('maintenance').getJob(id);
    expect(job?.name).toBe('maintenance.prune');
  });

  it('runs the job through its handler', async () => {
    const stale = await ownerDb().outboxJob.create({
      data: {
        tenantId,
        queue: 'maintenance',
        jobName: 'maintenance.prune',
        payload: { retentionDays: 30 },
        status: 'enqueued',
        enqueuedAt: new Date(Date.now() - 40 * 24 * 3600 * 1000),
      },
    });
    const id = await commitJob();
    await expect
      .poll(async () => (await queues.queue('maintenance').getJob(id))?.returnvalue, { timeout: 15_000 })
      .toBeTruthy();
    expect(await ownerDb().outboxJob.findUnique({ where: { id: stale.id } })).toBeNull();
  });
});

describe('jobs renamed after their folders', () => {
  let redis: PrivateRedis;
  let test: TestApp;
  let queues: QueueService;
  let outbox: OutboxService;

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    await redis.start();
    // What an earlier version left in Redis: its schedulers, under their former ids and job names.
    const prefix = testEnvironment().QUEUE_PREFIX;
    for (const [queue, id, name] of [
      ['intake', 'gmail-sync-all', 'gmail.sync-all'],
      ['billing', 'billing-poll-payments', 'billing.poll-payments'],
    ] as const) {
      const earlier = new Queue(queue, { connection: { url: redis.url }, prefix });
      await earlier.upsertJobScheduler(id, { pattern: '*/10 * * * *' }, { name, data: {} });
      await earlier.close();
    }
    test = await bootTestApp({ env: { REDIS_URL: redis.url } });
    queues = test.app.get(QueueService);
    outbox = test.app.get(OutboxService);
  });

  afterAll(async () => {
    await test?.close();
    await redis?.stop();
  });

  it('replaces the schedulers an earlier version registered, so no schedule fires twice', async () => {
    const ids = async (queue: 'intake' | 'billing') =>
      (await queues.queue(queue).getJobSchedulers()).map((scheduler) => scheduler.key).sort();
    expect(await ids('intake')).toEqual(['intake-renew-watches', 'intake-sync-all-mailboxes']);
    expect(await ids('billing')).toEqual([
      'booking-series-monthly-invoices',
      'invoices-mark-overdue-daily',
      'invoices-poll-payments',
    ]);
    const planned = await queues.queue('billing').getDelayed();
    expect(planned.map((job) => job.name).sort()).toEqual([
      'booking-series.monthly-invoices',
      'invoices.mark-overdue',
      'invoices.poll-payments',
    ]);
  });

  it('runs a job that reached Redis under its former name through the handler of its new one', async () => {
    // A tenant without Billy: the push handler answers at once, whatever other test files left behind.
    const { id: tenantId } = await createTenant('Renamed push');
    const job = await queues
      .queue('billing')
      .add('billing.push-invoice', { tenantId, invoiceId: '00000000-0000-4000-8000-000000000000' });
    // Without a handler for the former name it would fail ("No handler for job").
    await expect
      .poll(async () => (await queues.queue('billing').getJob(job.id!))?.getState(), { timeout: 15_000 })
      .toBe('completed');
    expect((await queues.queue('billing').getJob(job.id!))?.returnvalue).toBe('not_configured');
  });

  it('relays an outbox row written under a former name as the renamed job', async () => {
    const { id: tenantId } = await createTenant('Renamed jobs');
    const row = await ownerDb().outboxJob.create({
      data: { tenantId, queue: 'intake', jobName: 'gmail.sync-all', payload: {} },
    });
    await outbox.sweep();
    await expect
      .poll(async () => (await ownerDb().outboxJob.findUniqueOrThrow({ where: { id: row.id } })).status, {
        timeout: 10_000,
      })
      .toBe('enqueued');
    expect((await queues.queue('intake').getJob(row.id))?.name).toBe('intake.sync-all-mailboxes');
  });
});

describe('job handlers', () => {
  @Injectable()
  @HandlesJob('maintenance.prune')
  class SecondPruneHandler implements JobHandler<'maintenance.prune'> {
    async handle(): Promise<void> {}
  }

  @Module({ providers: [SecondPruneHandler] })
  class DuplicateHandlerModule {}

  it('refuses to start when a job name has two handlers', async () => {
    await expect(bootTestApp({ extraModules: [DuplicateHandlerModule] })).rejects.toThrow(
      JobHandlerMismatchError,
    );
  });
});
