import { resolve } from 'node:path';

import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

import { migrate } from '../../src/core/database/migrator.js';
import { QUEUE_NAMES } from '../../src/core/queue/jobs.js';
import { dueAt } from './drain.js';
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

  /**
   * The work an app on this database still has to do now: outbox rows pending past their time (the app
   * in a child process runs on the machine's clock, which is this process's, not the database's), and
   * jobs waiting, running or due in its queues (a job a killed process held counts as running until a
   * stalled check hands it back). Schedules' planned runs and retries not yet due are not counted.
   */
  async unfinishedWork(): Promise<string[]> {
    const now = Date.now();
    const rows = await this.query<{ job_name: string }>(
      "SELECT job_name FROM outbox_jobs WHERE status = 'pending' AND available_at <= $1",
      [new Date(now)],
    );
    const work = rows.map((row) => `outbox ${row.job_name}`);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      for (const name of QUEUE_NAMES) {
        const queue = new Queue(name, { connection: { url: TEST_REDIS_URL }, prefix: this.name });
        try {
          for (const job of await queue.getJobs(['waiting', 'active', 'prioritized']))
            work.push(`${name} ${job.name}`);
          for (const job of await queue.getJobs(['delayed']))
            if (!job.repeatJobKey && (await dueAt(redis, queue, job)) <= now)
              work.push(`${name} ${job.name} (due)`);
        } finally {
          await queue.close();
        }
      }
    } finally {
      await redis.quit();
    }
    return work;
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
