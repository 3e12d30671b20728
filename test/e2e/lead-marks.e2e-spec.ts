import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TenantContextService } from '../../src/core/database/tenant-context.js';
import { UnitOfWork, type Work } from '../../src/core/unit-of-work/unit-of-work.js';
import { LeadsService } from '../../src/leads/leads.service.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, type TenantFixture } from '../support/fixtures.js';

/**
 * The marks other modules set on a lead through LeadsService (one owner per table, docs/architecture.md,
 * Layers): texted, needs attention, response sent, a deleted lead's source key released. Each touches
 * only its own tenant's lead, and a lead that is not there is no error.
 */
describe('LeadsService marks for other modules', () => {
  let test: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;

  beforeAll(async () => {
    test = await bootTestApp();
    tenant = await createTenant('Lead marks');
    other = await createTenant('Lead marks, other');
  });
  afterAll(async () => {
    await test?.close();
  });

  const leads = () => test.app.get(LeadsService);
  const inTenant = <T>(tenantId: string, fn: () => Promise<T>) =>
    test.app.get(TenantContextService).run({ tenantId }, fn);
  const work = <T>(tenantId: string, fn: (work: Work) => Promise<T>) =>
    inTenant(tenantId, () => test.app.get(UnitOfWork).run(fn));
  const createLead = (tenantId: string, data: { sourceMessageId?: string; deletedAt?: Date } = {}) =>
    ownerDb().lead.create({
      data: {
        tenantId,
        customerName: 'Mette Hansen',
        customerPhone: '+4526000002',
        address: 'Vestergade 1',
        city: 'Aarhus C',
        postalCode: '8000',
        serviceType: 'Flytterengøring',
        estimatedHours: '3',
        ...data,
      },
    });
  const row = (id: string) => ownerDb().lead.findUniqueOrThrow({ where: { id } });

  it('marks a lead texted and waiting for a person; a missing lead is no error', async () => {
    const lead = await createLead(tenant.id);
    const at = new Date('2026-03-02T09:00:00.000Z');
    await work(tenant.id, async ({ tx }) => {
      await leads().markTexted(tx, lead.id, at);
      await leads().flagForAttention(tx, lead.id, 'Ring kunden op');
      await leads().markTexted(tx, randomUUID(), at);
      await leads().flagForAttention(tx, randomUUID(), 'Ingen');
    });
    expect(await row(lead.id)).toMatchObject({
      smsSentAt: at,
      needsAttention: true,
      needsAttentionReason: 'Ring kunden op',
    });
  });

  it("keeps the first response time, and leaves another tenant's lead alone", async () => {
    const lead = await createLead(tenant.id);
    const foreign = await createLead(other.id);
    const first = new Date('2026-03-02T09:00:00.000Z');
    await work(tenant.id, ({ tx }) => leads().markResponseSent(tx, lead.id, first));
    await work(tenant.id, ({ tx }) => leads().markResponseSent(tx, lead.id, new Date()));
    await work(tenant.id, ({ tx }) => leads().markResponseSent(tx, foreign.id, first));
    expect((await row(lead.id)).responseSentAt).toEqual(first);
    expect((await row(foreign.id)).responseSentAt).toBeNull();
  });

  it("releases a deleted lead's source key only: a live lead and another tenant's keep theirs", async () => {
    const key = `paste:${randomUUID()}`;
    const deleted = await createLead(tenant.id, { sourceMessageId: key, deletedAt: new Date() });
    const foreign = await createLead(other.id, { sourceMessageId: key, deletedAt: new Date() });
    await inTenant(tenant.id, () => leads().releaseDeletedSource(key));
    expect((await row(deleted.id)).sourceMessageId).toBeNull();
    expect((await row(foreign.id)).sourceMessageId).toBe(key);

    const live = await createLead(tenant.id, { sourceMessageId: key });
    await inTenant(tenant.id, () => leads().releaseDeletedSource(key));
    expect((await row(live.id)).sourceMessageId).toBe(key);
  });
});
