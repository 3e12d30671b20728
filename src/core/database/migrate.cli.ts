// `npm run db:migrate`: applies pending migrations as the owner and makes sure the app role has its grants.
import { loadConfig } from '../config/app-config.js';
import { MIGRATIONS_DIR } from './migrations-dir.js';
import { migrate } from './migrator.js';

try {
  const config = loadConfig(process.env);
  const result = await migrate({
    adminUrl: config.database.adminUrl,
    appUrl: config.database.url,
    migrationsDir: MIGRATIONS_DIR,
    logger: {
      log: (message) => console.log(message),
      warn: (message) => console.warn(`warning: ${message}`),
    },
  });
  console.log(
    result.applied.length === 0
      ? `Database is up to date (${result.alreadyApplied} migrations applied before).`
      : `Applied ${result.applied.length} migration(s).`,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
