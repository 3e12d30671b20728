import { createHash, randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import pg from 'pg';

import {
  MigrationError,
  migrate,
  readMigrations,
  type MigrateResult,
} from '../../src/core/database/migrator.js';
import {
  APP_ROLE_NAME,
  APP_ROLE_PASSWORD,
  SERVER_ADMIN_URL,
  databaseUrl,
  uniqueName,
} from '../support/test-env.js';

const REAL_MIGRATIONS = resolve('prisma/migrations');
const FIXTURES = resolve('test/fixtures/migrations');

const THREE_STEPS = ['20260101000000_create_people', '20260101000100_slow_index', '20260101000200_add_notes'];

/** Scratch databases and temp dirs made by the running test; removed after it. */
const databases: string[] = [];
const tempDirs: string[] = [];

/** A name for a database that does not exist yet; the migrator creates it on first run. */
function scratchDatabase(): { name: string; adminUrl: string } {
  const name = uniqueName('renos_mig');
  databases.push(name);
  return { name, adminUrl: databaseUrl(SERVER_ADMIN_URL, name) };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(name: string): Promise<void> {
  await withClient(SERVER_ADMIN_URL, (client) =>
    client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`),
  );
}

/** A copy of a fixture scenario that the test may edit. */
async function copyFixture(scenario: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'renos-migrations-'));
  tempDirs.push(dir);
  await cp(join(FIXTURES, scenario), dir, { recursive: true });
  return dir;
}

async function emptyTempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'renos-migrations-'));
  tempDirs.push(dir);
  return dir;
}

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, 'migration.sql'), sql);
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

async function migrationRows(adminUrl: string): Promise<MigrationRow[]> {
  return withClient(adminUrl, async (client) => {
    const { rows } = await client.query<MigrationRow>(
      'SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name',
    );
    return rows;
  });
}

async function tableExists(adminUrl: string, table: string): Promise<boolean> {
  return withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [
      `public.${table}`,
    ]);
    return rows[0]!.oid !== null;
  });
}

/** The SQLSTATE a query fails with (undefined when it succeeds). */
async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

afterEach(async () => {
  const names = databases.splice(0);
  if (names.length > 0) {
    await withClient(SERVER_ADMIN_URL, async (client) => {
      for (const name of names)
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    });
  }
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('migrator against a real PostgreSQL', () => {
  describe('readMigrations', () => {
    it('reads only folders that hold a migration.sql, in name order', async () => {
      const migrations = await readMigrations(join(FIXTURES, 'ignored-entries'));
      expect(migrations.map((migration) => migration.name)).toEqual([
        '20260101000000_create_people',
        '20260101000100_add_notes',
      ]);
    });

    it('ignores migration_lock.toml next to the real migrations', async () => {
      const migrations = await readMigrations(REAL_MIGRATIONS);
      expect(migrations.length).toBeGreaterThan(0);
      expect(migrations.map((migration) => migration.name)).not.toContain('migration_lock.toml');
      for (const migration of migrations) expect(migration.name).toMatch(/^\d{14}_\w+$/);
    });

    it('applies only those folders, never a stray top-level file', async () => {
      const { adminUrl } = scratchDatabase();
      const result = await migrate({ adminUrl, migrationsDir: join(FIXTURES, 'ignored-entries') });
      expect(result.applied).toEqual(['20260101000000_create_people', '20260101000100_add_notes']);
      expect(await tableExists(adminUrl, 'should_not_run')).toBe(false);
    });
  });

  describe('the real migrations on a database that does not exist yet', () => {
    it('creates the database, applies every migration and records it exactly as Prisma does', async () => {
      const { name, adminUrl } = scratchDatabase();
      const expected = await readMigrations(REAL_MIGRATIONS);

      const result = await migrate({ adminUrl, migrationsDir: REAL_MIGRATIONS });

      expect(result).toEqual({ applied: expected.map((migration) => migration.name), alreadyApplied: 0 });
      const exists = await withClient(SERVER_ADMIN_URL, (client) =>
        client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]),
      );
      expect(exists.rowCount).toBe(1);

      const columns = await withClient(adminUrl, async (client) => {
        const { rows } = await client.query<{
          column_name: string;
          data_type: string;
          character_maximum_length: number | null;
          is_nullable: string;
        }>(
          `SELECT column_name, data_type, character_maximum_length, is_nullable
             FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = '_prisma_migrations'
            ORDER BY ordinal_position`,
        );
        return rows;
      });
      expect(columns).toEqual([
        {
          column_name: 'id',
          data_type: 'character varying',
          character_maximum_length: 36,
          is_nullable: 'NO',
        },
        {
          column_name: 'checksum',
          data_type: 'character varying',
          character_maximum_length: 64,
          is_nullable: 'NO',
        },
        {
          column_name: 'finished_at',
          data_type: 'timestamp with time zone',
          character_maximum_length: null,
          is_nullable: 'YES',
        },
        {
          column_name: 'migration_name',
          data_type: 'character varying',
          character_maximum_length: 255,
          is_nullable: 'NO',
        },
        { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES' },
        {
          column_name: 'rolled_back_at',
          data_type: 'timestamp with time zone',
          character_maximum_length: null,
          is_nullable: 'YES',
        },
        {
          column_name: 'started_at',
          data_type: 'timestamp with time zone',
          character_maximum_length: null,
          is_nullable: 'NO',
        },
        {
          column_name: 'applied_steps_count',
          data_type: 'integer',
          character_maximum_length: null,
          is_nullable: 'NO',
        },
      ]);

      const rows = await migrationRows(adminUrl);
      expect(rows.map((row) => row.migration_name)).toEqual(expected.map((migration) => migration.name));
      for (const row of rows) {
        const file = await readFile(join(REAL_MIGRATIONS, row.migration_name, 'migration.sql'));
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.started_at).toBeInstanceOf(Date);
        expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
        expect(row.logs).toBeNull();
        expect(row.rolled_back_at).toBeNull();
        expect(row.applied_steps_count).toBe(1);
      }

      for (const table of ['tenants', 'teams', 'leads', 'bookings', 'activities', 'audit_logs']) {
        expect(await tableExists(adminUrl, table), table).toBe(true);
      }

      const again = await migrate({ adminUrl, migrationsDir: REAL_MIGRATIONS });
      expect(again).toEqual({ applied: [], alreadyApplied: expected.length });
      expect(await migrationRows(adminUrl)).toHaveLength(rows.length);
    });
  });

  describe('bookings_team_no_overlap', () => {
    let adminUrl: string;
    let tenantId: string;
    let teamA: string;
    let teamB: string;
    let leadId: string;
    const migrated: string[] = [];

    // One migrated database for these checks: each check inserts into its own day.
    beforeAll(async () => {
      const name = uniqueName('renos_mig');
      migrated.push(name);
      adminUrl = databaseUrl(SERVER_ADMIN_URL, name);
      await migrate({ adminUrl, migrationsDir: REAL_MIGRATIONS });
      tenantId = randomUUID();
      teamA = randomUUID();
      teamB = randomUUID();
      leadId = randomUUID();
      await withClient(adminUrl, async (client) => {
        await client.query(
          `INSERT INTO tenants (id, name, slug, working_hours, slot_rules, closed_days, extraction_rules, sms_rules, updated_at)
           VALUES ($1, 'Rendetalje', $2, '{}', '{}', '[]', '{}', '{}', now())`,
          [tenantId, uniqueName('slug')],
        );
        await client.query(
          `INSERT INTO teams (id, tenant_id, name, updated_at) VALUES ($1, $3, 'Team A', now()), ($2, $3, 'Team B', now())`,
          [teamA, teamB, tenantId],
        );
        await client.query(
          `INSERT INTO leads (id, tenant_id, customer_name, address, city, postal_code, service_type, updated_at)
           VALUES ($1, $2, 'Kunde', 'Vestergade 1', 'Aarhus', '8000', 'Flytterengøring', now())`,
          [leadId, tenantId],
        );
      });
    });

    afterAll(async () => {
      await withClient(SERVER_ADMIN_URL, async (client) => {
        for (const name of migrated)
          await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      });
    });

    function book(team: string, startsAt: string, endsAt: string, status = 'confirmed'): Promise<unknown> {
      return withClient(adminUrl, (client) =>
        client.query(
          `INSERT INTO bookings (id, tenant_id, lead_id, team_id, starts_at, ends_at, duration_hours, hourly_rate,
                                 total_amount, status, meeting_token, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, 3, 349, 1047, $7, $8, now())`,
          [randomUUID(), tenantId, leadId, team, startsAt, endsAt, status, randomUUID()],
        ),
      );
    }

    it('is an exclusion constraint on bookings', async () => {
      const { rows } = await withClient(adminUrl, (client) =>
        client.query<{ contype: string }>(
          `SELECT contype FROM pg_constraint WHERE conname = 'bookings_team_no_overlap' AND conrelid = 'bookings'::regclass`,
        ),
      );
      expect(rows).toEqual([{ contype: 'x' }]);
    });

    it('refuses an overlapping live booking of the same team with SQLSTATE 23P01', async () => {
      expect(await sqlState(book(teamA, '2027-03-01T09:00:00Z', '2027-03-01T12:00:00Z'))).toBeUndefined();
      expect(await sqlState(book(teamA, '2027-03-01T11:00:00Z', '2027-03-01T14:00:00Z'))).toBe('23P01');
      expect(await sqlState(book(teamA, '2027-03-01T11:00:00Z', '2027-03-01T14:00:00Z', 'pending'))).toBe(
        '23P01',
      );
    });

    it('allows a cancelled booking to overlap a live one', async () => {
      expect(await sqlState(book(teamA, '2027-03-02T09:00:00Z', '2027-03-02T12:00:00Z'))).toBeUndefined();
      expect(
        await sqlState(book(teamA, '2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z', 'cancelled')),
      ).toBeUndefined();
    });

    it('allows back-to-back bookings (one ends when the next starts)', async () => {
      expect(await sqlState(book(teamA, '2027-03-03T09:00:00Z', '2027-03-03T12:00:00Z'))).toBeUndefined();
      expect(await sqlState(book(teamA, '2027-03-03T12:00:00Z', '2027-03-03T15:00:00Z'))).toBeUndefined();
    });

    it('allows two teams to work at the same time', async () => {
      expect(await sqlState(book(teamA, '2027-03-04T09:00:00Z', '2027-03-04T12:00:00Z'))).toBeUndefined();
      expect(await sqlState(book(teamB, '2027-03-04T09:00:00Z', '2027-03-04T12:00:00Z'))).toBeUndefined();
    });
  });

  describe('the app role', () => {
    it('can read and write business tables but not rewrite the timeline, read the migrations or bypass RLS', async () => {
      const { name, adminUrl } = scratchDatabase();
      const appUrl = databaseUrl(SERVER_ADMIN_URL, name, {
        user: APP_ROLE_NAME,
        password: APP_ROLE_PASSWORD,
      });
      await migrate({ adminUrl, appUrl, migrationsDir: REAL_MIGRATIONS });

      const tenantId = randomUUID();
      const activityId = randomUUID();
      await withClient(adminUrl, (client) =>
        client.query(
          `INSERT INTO tenants (id, name, slug, working_hours, slot_rules, closed_days, extraction_rules, sms_rules, updated_at)
           VALUES ($1, 'Owner-made', $2, '{}', '{}', '[]', '{}', '{}', now())`,
          [tenantId, uniqueName('slug')],
        ),
      );

      await withClient(appUrl, async (app) => {
        const { rows } = await app.query<{ current_user: string }>('SELECT current_user');
        expect(rows[0]!.current_user).toBe(APP_ROLE_NAME);
        // Tenant tables are row-level secured: act as the app does, for one tenant.
        await app.query(`SELECT set_config('app.tenant_id', $1, false)`, [tenantId]);

        const tenants = await app.query('SELECT id FROM tenants');
        expect(tenants.rows).toEqual([{ id: tenantId }]);
        const inserted = await app.query(
          `INSERT INTO tenants (id, name, slug, working_hours, slot_rules, closed_days, extraction_rules, sms_rules, updated_at)
           VALUES ($1, 'App-made', $2, '{}', '{}', '[]', '{}', '{}', now())`,
          [randomUUID(), uniqueName('slug')],
        );
        expect(inserted.rowCount).toBe(1);

        await app.query(
          `INSERT INTO activities (id, tenant_id, type, title) VALUES ($1, $2, 'system', 'Tenant created')`,
          [activityId, tenantId],
        );
        expect(
          await sqlState(app.query(`UPDATE activities SET title = 'rewritten' WHERE id = $1`, [activityId])),
        ).toBe('42501');
        expect(await sqlState(app.query('DELETE FROM activities WHERE id = $1', [activityId]))).toBe('42501');
        expect(await sqlState(app.query('SELECT * FROM "_prisma_migrations"'))).toBe('42501');
      });

      const { rows: roles } = await withClient(adminUrl, (client) =>
        client.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
          'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1',
          [APP_ROLE_NAME],
        ),
      );
      expect(roles).toEqual([{ rolsuper: false, rolbypassrls: false }]);
    });
  });

  describe('a changed migration', () => {
    it('stops the run, naming the migration that was changed after it was applied', async () => {
      const { adminUrl } = scratchDatabase();
      const dir = await copyFixture('three-steps');
      expect((await migrate({ adminUrl, migrationsDir: dir })).applied).toEqual(THREE_STEPS);

      const changed = join(dir, THREE_STEPS[1]!, 'migration.sql');
      await writeFile(
        changed,
        (await readFile(changed, 'utf8')) +
          '\nCREATE INDEX "people_id_name_idx" ON "people"("id", "name");\n',
      );

      const failure = await migrate({ adminUrl, migrationsDir: dir }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationError);
      expect((failure as MigrationError).message).toContain(THREE_STEPS[1]);
      expect((failure as MigrationError).message).toMatch(/changed/);
      expect(await migrationRows(adminUrl)).toHaveLength(3);
    });
  });

  describe('a migration checked out with other line endings', () => {
    it('is the same migration, as Prisma sees it (a CRLF checkout must not stop the start)', async () => {
      const { adminUrl } = scratchDatabase();
      const dir = await copyFixture('three-steps');
      await migrate({ adminUrl, migrationsDir: dir });
      const file = join(dir, THREE_STEPS[1]!, 'migration.sql');
      await writeFile(file, (await readFile(file, 'utf8')).replace(/\n/g, '\r\n'));
      expect((await migrate({ adminUrl, migrationsDir: dir })).applied).toEqual([]);
    });
  });

  describe('two migrators at once', () => {
    const migrationsDir = join(FIXTURES, 'three-steps');

    /** Starts two migrators together; both settle before the test (and its cleanup) goes on. */
    async function migrateTwiceAtOnce(adminUrl: string): Promise<MigrateResult[]> {
      const settled = await Promise.allSettled([
        migrate({ adminUrl, migrationsDir }),
        migrate({ adminUrl, migrationsDir }),
      ]);
      const failures = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
      expect(failures).toEqual([]);
      return settled.map((outcome) => (outcome as PromiseFulfilledResult<MigrateResult>).value);
    }

    async function expectEachAppliedOnce(adminUrl: string, results: MigrateResult[]): Promise<void> {
      const union = results.flatMap((result) => result.applied);
      expect(union.sort()).toEqual(THREE_STEPS);
      const rows = await migrationRows(adminUrl);
      expect(rows.map((row) => row.migration_name).sort()).toEqual(THREE_STEPS);
      expect(rows.every((row) => row.finished_at !== null && row.rolled_back_at === null)).toBe(true);
    }

    it('apply each migration exactly once between them on a fresh, empty database', async () => {
      const { name, adminUrl } = scratchDatabase();
      await createDatabase(name);
      await expectEachAppliedOnce(adminUrl, await migrateTwiceAtOnce(adminUrl));
    });

    // Regression: both migrators find the database missing and both run CREATE DATABASE; the loser gets
    // SQLSTATE 23505 (pg_database's unique index) rather than 42P04 and must carry on, not crash.
    it('apply each migration exactly once when the database does not exist yet', async () => {
      const { adminUrl } = scratchDatabase();
      await expectEachAppliedOnce(adminUrl, await migrateTwiceAtOnce(adminUrl));
    });
  });

  describe('a migration with its own BEGIN; … COMMIT;', () => {
    it('runs as written and is recorded finished', async () => {
      const { adminUrl } = scratchDatabase();
      const result = await migrate({ adminUrl, migrationsDir: join(FIXTURES, 'own-transaction') });
      expect(result.applied).toEqual(['20260101000000_create_mood', '20260101000100_change_mood']);

      const rows = await migrationRows(adminUrl);
      const changeMood = rows.find((row) => row.migration_name === '20260101000100_change_mood');
      expect(changeMood).toMatchObject({ rolled_back_at: null, logs: null, applied_steps_count: 1 });
      expect(changeMood!.finished_at).toBeInstanceOf(Date);

      const labels = await withClient(adminUrl, async (client) => {
        const { rows: enumRows } = await client.query<{ labels: string }>(
          `SELECT enum_range(NULL::"Mood")::text AS labels`,
        );
        return enumRows[0]!.labels;
      });
      expect(labels).toBe('{happy,sad}');
      // No transaction was left open on the migrator's connection: a later run sees everything.
      expect(await migrate({ adminUrl, migrationsDir: join(FIXTURES, 'own-transaction') })).toEqual({
        applied: [],
        alreadyApplied: 2,
      });
    });
  });

  describe('a failing migration', () => {
    const FIRST = '20260101000000_create_people';
    const BROKEN = '20260101000100_create_pets';
    const brokenSql = `CREATE TABLE "pets" ("id" UUID NOT NULL PRIMARY KEY);\nINSERT INTO "no_such_table" VALUES (1);\n`;
    const fixedSql = `CREATE TABLE "pets" ("id" UUID NOT NULL PRIMARY KEY);\n`;

    it('leaves nothing of itself behind, is recorded as rolled back, and is applied once fixed', async () => {
      const { adminUrl } = scratchDatabase();
      const dir = await emptyTempDir();
      await cp(join(FIXTURES, 'three-steps', FIRST), join(dir, FIRST), { recursive: true });
      await writeMigration(dir, BROKEN, brokenSql);

      const failure = await migrate({ adminUrl, migrationsDir: dir }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationError);
      expect((failure as MigrationError).message).toContain(BROKEN);
      expect((failure as MigrationError).message).toContain('no_such_table');

      expect(await tableExists(adminUrl, 'people')).toBe(true);
      expect(await tableExists(adminUrl, 'pets')).toBe(false);
      const rows = await migrationRows(adminUrl);
      expect(rows.find((row) => row.migration_name === FIRST)?.finished_at).toBeInstanceOf(Date);
      const attempt = rows.filter((row) => row.migration_name === BROKEN);
      expect(attempt).toHaveLength(1);
      expect(attempt[0]!.rolled_back_at).toBeInstanceOf(Date);
      expect(attempt[0]!.finished_at).toBeNull();
      expect(attempt[0]!.logs).toContain('no_such_table');
      expect(attempt[0]!.logs).toContain('42P01');

      await writeMigration(dir, BROKEN, fixedSql);
      const retry = await migrate({ adminUrl, migrationsDir: dir });
      expect(retry).toEqual({ applied: [BROKEN], alreadyApplied: 1 });
      expect(await tableExists(adminUrl, 'pets')).toBe(true);
      const after = (await migrationRows(adminUrl)).filter((row) => row.migration_name === BROKEN);
      expect(after).toHaveLength(2);
      expect(after.filter((row) => row.rolled_back_at === null && row.finished_at !== null)).toHaveLength(1);
    });

    // Regression: a PL/pgSQL block whose BEGIN stands on its own line was taken for a script managing its
    // own transaction, so its failure was not recorded as rolled back and every later run stopped.
    it('recovers the same way when the failing migration contains a DO $$ block', async () => {
      const { adminUrl } = scratchDatabase();
      const dir = await emptyTempDir();
      await writeMigration(
        dir,
        BROKEN,
        `CREATE TABLE "pets" ("id" UUID NOT NULL PRIMARY KEY);\n\nDO $$\nBEGIN\n  RAISE EXCEPTION 'pets are not allowed yet';\nEND\n$$;\n`,
      );

      const failure = await migrate({ adminUrl, migrationsDir: dir }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationError);
      expect(await tableExists(adminUrl, 'pets')).toBe(false);

      await writeMigration(dir, BROKEN, fixedSql);
      expect(await migrate({ adminUrl, migrationsDir: dir })).toEqual({
        applied: [BROKEN],
        alreadyApplied: 0,
      });
    });
  });

  describe('the Danish e-mail templates data migration', () => {
    const NOTICES = '20261207020000_customer_notices';
    const TEMPLATES = '20261207020100_email_templates_danish';
    // The lead_response every tenant was seeded with before it.
    const OLD_SUBJECT = 'Tak for din forespørgsel om {{serviceType}}';
    const OLD_CONTENT = [
      'Hej {{customerName}}',
      '',
      'Tak for din forespørgsel om {{serviceType}} på {{address}}.',
      'Vi anslår opgaven til {{estimatedHours}} timer, i alt ca. {{estimatedPrice}} kr. inkl. moms.',
      '',
      'Du modtager om lidt en SMS med tre ledige tider. Svar blot med 1, 2 eller 3 for at booke.',
      '',
      'Venlig hilsen',
      '{{companyName}}',
    ].join('\n');

    it('rewords a template still equal to the old default, leaves an edited one alone, and adds the new ones', async () => {
      const { adminUrl } = scratchDatabase();
      const dir = await emptyTempDir();
      await cp(REAL_MIGRATIONS, dir, { recursive: true });
      await rm(join(dir, NOTICES), { recursive: true });
      await rm(join(dir, TEMPLATES), { recursive: true });
      await migrate({ adminUrl, migrationsDir: dir });

      const [untouched, edited] = [randomUUID(), randomUUID()];
      await withClient(adminUrl, async (client) => {
        for (const tenantId of [untouched, edited]) {
          await client.query(
            `INSERT INTO tenants (id, name, slug, working_hours, slot_rules, closed_days, extraction_rules, sms_rules, updated_at)
             VALUES ($1, 'Rendetalje', $2, '{}', '{}', '[]', '{}', '{}', now())`,
            [tenantId, uniqueName('slug')],
          );
          const content = tenantId === edited ? OLD_CONTENT.replace('Hej', 'Kære') : OLD_CONTENT;
          await client.query(
            `INSERT INTO email_templates (id, tenant_id, type, name, subject, content, updated_at)
             VALUES ($1, $2, 'lead_response', 'Svar på forespørgsel', $3, $4, now())`,
            [randomUUID(), tenantId, OLD_SUBJECT, content],
          );
        }
      });
      await cp(join(REAL_MIGRATIONS, NOTICES), join(dir, NOTICES), { recursive: true });
      await cp(join(REAL_MIGRATIONS, TEMPLATES), join(dir, TEMPLATES), { recursive: true });
      expect((await migrate({ adminUrl, migrationsDir: dir })).applied).toEqual([NOTICES, TEMPLATES]);

      const templates = await withClient(adminUrl, async (client) => {
        const { rows } = await client.query<{ tenant_id: string; type: string; content: string }>(
          'SELECT tenant_id, type::text, content FROM email_templates ORDER BY type',
        );
        return rows;
      });
      const of = (tenantId: string, type: string) =>
        templates.find((row) => row.tenant_id === tenantId && row.type === type)?.content;
      expect(of(untouched, 'lead_response')).toContain('{{nextStep}}');
      expect(of(untouched, 'lead_response')).not.toContain('om lidt');
      expect(of(edited, 'lead_response')).toBe(OLD_CONTENT.replace('Hej', 'Kære'));
      for (const tenantId of [untouched, edited]) {
        expect(of(tenantId, 'booking_moved')).toContain('Vi har ændret din booking.');
        expect(of(tenantId, 'booking_cancelled')).toContain('Vi har aflyst din {{serviceType}}');
      }
    });
  });
});
