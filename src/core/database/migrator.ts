import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import pg from 'pg';

/**
 * Applies Prisma migration folders without any Prisma engine binary (docs/architecture.md, Data model).
 *
 * - Pending folders (`prisma/migrations/<name>/migration.sql`) run in name order.
 * - Each runs in a transaction, unless its SQL manages its own (Prisma writes `BEGIN; … COMMIT;` for
 *   some enum changes), in which case it runs as written.
 * - A session-level advisory lock on one dedicated connection serialises concurrent migrators (two
 *   instances starting at once apply each migration once). The key is the one `prisma migrate` uses,
 *   so our migrator and Prisma's never run at the same time either.
 * - Rows in `_prisma_migrations` are written as `prisma migrate deploy` writes them, so
 *   `prisma migrate status` agrees; applied migrations whose file changed stop the run.
 * - It makes sure the app role of DATABASE_URL exists and has its grants, default privileges included.
 */

/** Prisma Migrate's advisory lock key (migration-engine: `pg_advisory_lock(72707369)`). */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

export interface MigrationLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface MigrateOptions {
  /** Owner connection: runs the migrations and the grants. */
  adminUrl: string;
  /** The app's connection; its role is created and granted access when it differs from the owner. */
  appUrl?: string;
  migrationsDir: string;
  logger?: MigrationLogger;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

const silentLogger: MigrationLogger = { log: () => undefined, warn: () => undefined };

/** Prisma hashes the script with SHA-256 and stores lower-case hex. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Prisma accepts a script whose only change is its line endings (a CRLF checkout), and so do we. */
function sameUpToLineEndings(sql: string, checksum: string): boolean {
  const lf = sql.replace(/\r\n/g, '\n');
  return migrationChecksum(lf) === checksum || migrationChecksum(lf.replace(/\n/g, '\r\n')) === checksum;
}

/** True when the script opens its own transaction, so wrapping it in another would fail or nest. */
export function managesOwnTransaction(sql: string): boolean {
  // Comments and dollar-quoted bodies (DO blocks, functions) may say BEGIN without opening a transaction.
  const statementsOnly = sql
    .replace(/--[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\1\$/g, '');
  return /(^|;)\s*(BEGIN(\s+(WORK|TRANSACTION))?|START\s+TRANSACTION)\b[^;]*(;|$)/im.test(statementsOnly);
}

export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: MigrationFile[] = [];
  for (const name of folders) {
    const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8').catch(() => undefined);
    if (sql === undefined) continue;
    migrations.push({ name, sql, checksum: migrationChecksum(sql) });
  }
  return migrations;
}

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const logger = options.logger ?? silentLogger;
  const migrations = await readMigrations(options.migrationsDir);
  await ensureDatabaseExists(options.adminUrl, logger);

  const client = new pg.Client({ connectionString: options.adminUrl });
  await client.connect();
  try {
    // Session-level: held across the per-migration transactions below, released when we unlock or
    // when this connection ends (a crashed migrator cannot leave it held).
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    try {
      await client.query("SET client_min_messages = 'warning'");
      await createMigrationsTable(client);
      const result = await applyPending(client, migrations, logger);
      if (options.appUrl) await ensureAppRole(client, options.adminUrl, options.appUrl, logger);
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyPending(
  client: pg.Client,
  migrations: MigrationFile[],
  logger: MigrationLogger,
): Promise<MigrateResult> {
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, logs
       FROM "_prisma_migrations" ORDER BY started_at`,
  );
  const live = rows.filter((row) => row.rolled_back_at === null);

  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} failed earlier and was not rolled back; fix the database by hand, ` +
        `then mark it with \`prisma migrate resolve\`. Its log: ${failed.logs ?? '(none)'}`,
    );
  }

  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  const applied = new Set<string>();
  for (const row of live) {
    applied.add(row.migration_name);
    const file = byName.get(row.migration_name);
    if (!file) {
      logger.warn(`Migration ${row.migration_name} is applied to the database but missing from the folder.`);
    } else if (file.checksum !== row.checksum && !sameUpToLineEndings(file.sql, row.checksum)) {
      throw new MigrationError(
        `Migration ${row.migration_name} was changed after it was applied (checksum ${row.checksum} in the ` +
          `database, ${file.checksum} on disk). Restore the file and put the change in a new migration.`,
      );
    }
  }

  const newlyApplied: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    await applyOne(client, migration);
    logger.log(`Applied migration ${migration.name}`);
    newlyApplied.push(migration.name);
  }
  return { applied: newlyApplied, alreadyApplied: applied.size };
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  const ownTransaction = managesOwnTransaction(migration.sql);
  const insertRow = `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
                     VALUES ($1, $2, $3, now(), 0)`;
  const finishRow = `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`;

  if (ownTransaction) {
    // As Prisma does: the row exists before the script runs, so a crash halfway leaves a visible,
    // unfinished migration that blocks the next run instead of being silently re-applied.
    await client.query(insertRow, [id, migration.checksum, migration.name]);
    try {
      await client.query(migration.sql);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, errorLog(error)]);
      throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
    }
    await client.query(finishRow, [id]);
    return;
  }

  await client.query('BEGIN');
  try {
    await client.query(insertRow, [id, migration.checksum, migration.name]);
    await client.query(migration.sql);
    await client.query(finishRow, [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    // Nothing of it was applied; record the attempt as rolled back, which `migrate deploy` retries.
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, rolled_back_at, logs, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), $4, 0)`,
      [id, migration.checksum, migration.name, errorLog(error)],
    );
    throw new MigrationError(
      `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
    );
  }
}

function errorLog(error: unknown): string {
  const err = error as { message?: string; code?: string; position?: string };
  return [err.code && `SQLSTATE ${err.code}`, err.message, err.position && `at position ${err.position}`]
    .filter(Boolean)
    .join(': ');
}

/** The table exactly as Prisma Migrate creates it. */
async function createMigrationsTable(client: pg.Client): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum"            VARCHAR(64) NOT NULL,
      "finished_at"         TIMESTAMPTZ,
      "migration_name"      VARCHAR(255) NOT NULL,
      "logs"                TEXT,
      "rolled_back_at"      TIMESTAMPTZ,
      "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
}

/** A fresh machine has a server but not our database: create it from the maintenance database. */
async function ensureDatabaseExists(adminUrl: string, logger: MigrationLogger): Promise<void> {
  const probe = new pg.Client({ connectionString: adminUrl });
  try {
    await probe.connect();
    await probe.end();
    return;
  } catch (error) {
    await probe.end().catch(() => undefined);
    if ((error as { code?: string }).code !== '3D000') throw error;
  }
  const url = new URL(adminUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const maintenance = new pg.Client({ connectionString: url.toString() });
  await maintenance.connect();
  try {
    await maintenance.query(`CREATE DATABASE ${maintenance.escapeIdentifier(database)}`);
    logger.log(`Created database ${database}`);
  } catch (error) {
    // Another migrator created it between our probe and now: 42P04, or 23505 when both inserts race
    // on pg_database's unique index.
    const code = (error as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw error;
  } finally {
    await maintenance.end();
  }
}

/** Tables the app may only append to: the timeline and the audit log are evidence. */
const APPEND_ONLY_TABLES = ['activities', 'audit_logs'];

/**
 * Makes sure the app role exists, owns nothing, cannot bypass row-level security, and has exactly the
 * rights it needs on this database. Roles are shared by every database on the server, so this is
 * idempotent and tolerates another database's migrator creating the role at the same moment.
 */
async function ensureAppRole(
  client: pg.Client,
  adminUrl: string,
  appUrl: string,
  logger: MigrationLogger,
): Promise<void> {
  const app = new URL(appUrl);
  const role = decodeURIComponent(app.username);
  const adminRole = decodeURIComponent(new URL(adminUrl).username) || 'postgres';
  if (!role || role === adminRole) {
    logger.warn('DATABASE_URL uses the owner role: row-level security does not apply to the app.');
    return;
  }
  const password = decodeURIComponent(app.password);
  const ident = client.escapeIdentifier(role);
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (!rowCount) {
    try {
      const withPassword = password ? ` PASSWORD ${client.escapeLiteral(password)}` : '';
      await client.query(
        `CREATE ROLE ${ident} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS${withPassword}`,
      );
      logger.log(`Created role ${role}`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== '42710' && code !== '23505' && code !== 'XX000') throw error;
    }
  }
  // An existing role may have been created with more rights; the app must never bypass RLS.
  await client.query(`ALTER ROLE ${ident} NOSUPERUSER NOBYPASSRLS`);

  const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
  const database = client.escapeIdentifier(rows[0]!.db);
  await client.query(`
    GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${ident};
    GRANT USAGE ON SCHEMA public TO ${ident};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${ident};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ident};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${ident};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${ident};
    REVOKE ALL ON TABLE "_prisma_migrations" FROM ${ident};
  `);
  for (const table of APPEND_ONLY_TABLES) {
    const exists = await client.query('SELECT to_regclass($1) AS oid', [`public.${table}`]);
    if (exists.rows[0]?.oid) await client.query(`REVOKE UPDATE, DELETE ON TABLE "${table}" FROM ${ident}`);
  }
}
