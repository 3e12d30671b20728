import { resolve } from 'node:path';

import { Redis } from 'ioredis';
import pg from 'pg';

import { migrate } from '../../src/core/database/migrator.js';
import {
  APP_ROLE_NAME,
  APP_ROLE_PASSWORD,
  SERVER_ADMIN_URL,
  TEST_REDIS_URL,
  databaseUrl,
  uniqueName,
} from './test-env.js';

/**
 * A database and Redis prefix of their own, migrated as production is: the test run's (global setup),
 * or a test file's own for tests that kill and restart the app, whose restarts and half-done work then
 * never touch the run's shared database.
 */
export class ScratchDatabase {
  private constructor(
    readonly name: string,
    readonly adminUrl: string,
    readonly appUrl: string,
  ) {}

  static async create(prefix = 'renos_scratch'): Promise<ScratchDatabase> {
    const name = uniqueName(prefix);
    const admin = new pg.Client({ connectionString: SERVER_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const scratch = new ScratchDatabase(
      name,
      databaseUrl(SERVER_ADMIN_URL, name),
      databaseUrl(SERVER_ADMIN_URL, name, { user: APP_ROLE_NAME, password: APP_ROLE_PASSWORD }),
    );
    await migrate({
      adminUrl: scratch.adminUrl,
      appUrl: scratch.appUrl,
      migrationsDir: resolve(import.meta.dirname, '..', '..', 'prisma', 'migrations'),
    });
    return scratch;
  }

  /** The app's variables for this database, with the same name as its Redis key prefix. */
  environment(): Record<string, string> {
    return { DATABASE_URL: this.appUrl, DATABASE_ADMIN_URL: this.adminUrl, QUEUE_PREFIX: this.name };
  }

  /** Runs one query as the owner (row-level security does not apply), for assertions. */
  async query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    const admin = new pg.Client({ connectionString: SERVER_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(TEST_REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.name}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
}
