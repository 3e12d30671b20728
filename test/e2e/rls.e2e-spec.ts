import { randomUUID } from 'node:crypto';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';

import { PrismaService } from '../../src/core/database/prisma.service.js';
import { SystemPrismaService } from '../../src/core/database/system-prisma.service.js';
import { MissingTenantContextError, TenantContextService } from '../../src/core/database/tenant-context.js';
import { TenantPrismaService } from '../../src/core/database/tenant-prisma.service.js';
import { CrossTenantWriteError } from '../../src/core/database/tenant-scope.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, type TenantFixture } from '../support/fixtures.js';

async function createLead(tenantId: string, name: string) {
  return ownerDb().lead.create({
    data: {
      tenantId,
      customerName: name,
      address: 'Gade 1',
      city: 'Aalborg',
      postalCode: '9000',
      serviceType: 'Hovedrengøring',
    },
  });
}

describe('row-level security', () => {
  let a: TenantFixture;
  let b: TenantFixture;
  let app: pg.Client;

  beforeAll(async () => {
    a = await createTenant('A');
    b = await createTenant('B');
    await createLead(a.id, 'Anna fra A');
    await createLead(b.id, 'Bo fra B');
    app = new pg.Client({ connectionString: inject('databaseUrl') });
    await app.connect();
  });
  afterAll(async () => {
    await app?.end();
  });

  it('is forced, with a policy, on every table that has a tenant column', async () => {
    const { rows } = await app.query<{ table: string; rls: boolean; forced: boolean; policies: string }>(`
      SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
             (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname)::text AS policies
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'`);
    expect(rows.length).toBeGreaterThanOrEqual(18);
    expect(rows.filter((row) => !row.rls || !row.forced || row.policies === '0')).toEqual([]);
  });

  it('connects the app as a role that cannot bypass it', async () => {
    const { rows } = await app.query(
      `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
  });

  it('shows the app role no rows and refuses its writes without the tenant setting', async () => {
    expect((await app.query('SELECT count(*)::int AS n FROM leads')).rows[0].n).toBe(0);
    await expect(
      app.query(`INSERT INTO teams (id, tenant_id, name, updated_at) VALUES ($1, $2, 'x', now())`, [
        randomUUID(),
        a.id,
      ]),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it("shows tenant A's setting only A's rows, and refuses writing B's", async () => {
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [a.id]);
      const { rows } = await app.query<{ tenant_id: string; customer_name: string }>(
        'SELECT tenant_id, customer_name FROM leads',
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.tenant_id === a.id)).toBe(true);
      await expect(
        app.query(`INSERT INTO teams (id, tenant_id, name, updated_at) VALUES ($1, $2, 'x', now())`, [
          randomUUID(),
          b.id,
        ]),
      ).rejects.toMatchObject({ code: '42501' });
    } finally {
      await app.query('ROLLBACK');
    }
  });

  it('ends the setting with the transaction, so a pooled connection never carries it on', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [a.id]);
    await app.query('COMMIT');
    expect((await app.query('SELECT count(*)::int AS n FROM leads')).rows[0].n).toBe(0);
  });
});

describe('the tenant-scoped data path', () => {
  let test: TestApp;
  let db: TenantPrismaService;
  let context: TenantContextService;
  let a: TenantFixture;
  let b: TenantFixture;
  let bLeadId: string;

  beforeAll(async () => {
    test = await bootTestApp();
    db = test.app.get(TenantPrismaService);
    context = test.app.get(TenantContextService);
    a = await createTenant('A');
    b = await createTenant('B');
    await createLead(a.id, 'Anna fra A');
    bLeadId = (await createLead(b.id, 'Bo fra B')).id;
  });
  afterAll(async () => {
    await test?.close();
  });

  const asA = <T>(fn: () => Promise<T>) => context.run({ tenantId: a.id }, fn);

  it("lists only the current tenant's rows, even when the filter names another tenant", async () => {
    const leads = await asA(() => db.client.lead.findMany({ where: { tenantId: b.id } }));
    expect(leads.length).toBeGreaterThan(0);
    expect(leads.every((lead) => lead.tenantId === a.id)).toBe(true);
  });

  it("finds another tenant's row by id as nothing, and cannot update or delete it", async () => {
    expect(await asA(() => db.client.lead.findUnique({ where: { id: bLeadId } }))).toBeNull();
    await expect(
      asA(() => db.client.lead.update({ where: { id: bLeadId }, data: { notes: 'x' } })),
    ).rejects.toMatchObject({
      code: 'P2025',
    });
    expect((await asA(() => db.client.lead.deleteMany({ where: { id: bLeadId } }))).count).toBe(0);
    expect((await ownerDb().lead.findUniqueOrThrow({ where: { id: bLeadId } })).notes).toBeNull();
  });

  it('puts the current tenant on created rows and refuses a row for another tenant', async () => {
    const team = await asA(() =>
      db.client.team.create({ data: { name: `Hold ${randomUUID().slice(0, 4)}` } as never }),
    );
    expect(team.tenantId).toBe(a.id);
    await expect(
      asA(() => db.client.team.create({ data: { tenantId: b.id, name: 'Stjålet hold' } })),
    ).rejects.toThrow(CrossTenantWriteError);
  });

  it('scopes interactive transactions the same way', async () => {
    const names = await asA(() =>
      db.transaction(async (tx) =>
        (await tx.lead.findMany({ select: { customerName: true } })).map((l) => l.customerName),
      ),
    );
    expect(names).toContain('Anna fra A');
    expect(names).not.toContain('Bo fra B');
  });

  it('fails loudly without a tenant instead of reading everything', async () => {
    await expect(db.client.lead.findMany()).rejects.toThrow(MissingTenantContextError);
  });
});

describe('the tenant setting sent with BEGIN (begin-setting.ts)', () => {
  let test: TestApp;
  let db: TenantPrismaService;
  let system: SystemPrismaService;
  let base: PrismaService;
  let context: TenantContextService;
  let a: TenantFixture;
  let b: TenantFixture;

  beforeAll(async () => {
    test = await bootTestApp();
    db = test.app.get(TenantPrismaService);
    system = test.app.get(SystemPrismaService);
    base = test.app.get(PrismaService);
    context = test.app.get(TenantContextService);
    a = await createTenant('A');
    b = await createTenant('B');
    await createLead(a.id, 'Anna fra A');
    await createLead(b.id, 'Bo fra B');
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await test?.close();
  });

  /** Tenant ids of the leads a raw query sees: row-level security alone decides, no Prisma filter. */
  const seenBy = (tenantId: string, options?: { isolationLevel?: 'Serializable' }) =>
    context.run({ tenantId }, () =>
      db.transaction(async (tx) => {
        const rows = await tx.$queryRaw<Array<{ tenant_id: string }>>`SELECT tenant_id::text FROM leads`;
        return new Set(rows.map((row) => row.tenant_id));
      }, options),
    );

  it('sends the setting in the BEGIN message, not as a statement of its own', async () => {
    const sent: string[] = [];
    const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      const config = args[0] as { text?: string } | string;
      sent.push(typeof config === 'string' ? config : (config.text ?? ''));
      return original.apply(this, args) as never;
    });
    let found: unknown[];
    try {
      found = await context.run({ tenantId: a.id }, () => db.client.lead.findMany({ select: { id: true } }));
    } finally {
      spy.mockRestore();
    }
    expect(found.length).toBeGreaterThan(0);
    expect(sent).toContain(`BEGIN; SELECT set_config('app.tenant_id', '${a.id}', true)`);
    // No second trip for the setting (the sweeper's system BEGINs may share the pool meanwhile).
    expect(sent.filter((text) => text.startsWith(`SELECT set_config('app.tenant_id'`))).toEqual([]);
  });

  it("shows a scoped transaction only its tenant's rows, many at once on the shared pool", async () => {
    const seen = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? a.id : b.id)).map(async (tenantId) => ({
        tenantId,
        seen: await seenBy(tenantId),
      })),
    );
    for (const { tenantId, seen: tenants } of seen) expect([...tenants]).toEqual([tenantId]);
  });

  it('keeps the setting with an isolation level (sent after it, as a statement)', async () => {
    expect([...(await seenBy(a.id, { isolationLevel: 'Serializable' }))]).toEqual([a.id]);
  });

  it('ends the setting with the transaction: the pooled connections show a plain query nothing', async () => {
    await Promise.all(Array.from({ length: 12 }, () => seenBy(a.id)));
    const counts = await Promise.all(
      Array.from(
        { length: 12 },
        () => base.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM leads`,
      ),
    );
    expect(counts.map((rows) => rows[0]!.n)).toEqual(Array(12).fill(0));
  });

  it('gives the system path every tenant, and a tenant transaction inside it only its own', async () => {
    const all = await system.transaction('maintenance', async (tx) => {
      const rows = await tx.$queryRaw<
        Array<{ tenant_id: string }>
      >`SELECT DISTINCT tenant_id::text FROM leads`;
      return rows.map((row) => row.tenant_id);
    });
    expect(all).toEqual(expect.arrayContaining([a.id, b.id]));
    const nested = await system.transaction('maintenance', () => seenBy(b.id));
    expect([...nested]).toEqual([b.id]);
  });
});
