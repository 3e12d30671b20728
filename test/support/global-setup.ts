import type { TestProject } from 'vitest/node';

import { ScratchDatabase } from './scratch-database.js';
import { TEST_REDIS_URL } from './test-env.js';

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
  const run = await ScratchDatabase.create('renos_test');
  project.provide('adminDatabaseUrl', run.adminUrl);
  project.provide('databaseUrl', run.appUrl);
  project.provide('redisUrl', TEST_REDIS_URL);
  project.provide('queuePrefix', run.name);
  return () => run.drop();
}
