import { resolve } from 'node:path';

import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

import { migrate } from '../../src/core/database/migrator.js';
import {
  APP_ROLE_NAME,
  APP_ROLE_PASSWORD,
  SERVER_ADMIN_URL,
  TEST_REDIS_URL,
  databaseUrl,
  uniqueName,
} from './test-env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
  }
}

/**
 * Each test run gets its own database (migrated by our migrator, as production is) and its own Redis
 * key prefix, and removes both at the end, so runs never share state.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = uniqueName('renos_test');
  const admin = new pg.Client({ connectionString: SERVER_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();

  const adminDatabaseUrl = databaseUrl(SERVER_ADMIN_URL, name);
  const appDatabaseUrl = databaseUrl(SERVER_ADMIN_URL, name, {
    user: APP_ROLE_NAME,
    password: APP_ROLE_PASSWORD,
  });
  await migrate({
    adminUrl: adminDatabaseUrl,
    appUrl: appDatabaseUrl,
    migrationsDir: resolve('prisma/migrations'),
  });

  project.provide('adminDatabaseUrl', adminDatabaseUrl);
  project.provide('databaseUrl', appDatabaseUrl);
  project.provide('redisUrl', TEST_REDIS_URL);
  project.provide('queuePrefix', name);

  return async () => {
    const client = new pg.Client({ connectionString: SERVER_ADMIN_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
    const redis = new Redis(TEST_REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${name}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  };
}
