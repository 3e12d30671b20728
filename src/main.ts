import 'reflect-metadata';

import * as Sentry from '@sentry/node';

import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './core/config/app-config.js';
import { MIGRATIONS_DIR } from './core/database/migrations-dir.js';
import { migrate } from './core/database/migrator.js';
import { createWinston } from './core/logging/logger.js';

async function bootstrap(): Promise<void> {
  // The only place the app reads the environment: everything else receives AppConfig.
  const config = loadConfig(process.env);
  const logger = createWinston(config);

  if (config.observability.sentryDsn) {
    Sentry.init({ dsn: config.observability.sentryDsn, environment: config.nodeEnv });
  }
  if (config.database.migrateOnStart) {
    const result = await migrate({
      adminUrl: config.database.adminUrl,
      appUrl: config.database.url,
      migrationsDir: MIGRATIONS_DIR,
      logger: { log: (message) => logger.info(message), warn: (message) => logger.warn(message) },
    });
    if (result.applied.length > 0) logger.info(`Applied ${result.applied.length} migration(s)`);
  }

  const app = await createApp(config, { logger });
  // Worker-only instances still listen, for health checks and metrics.
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.info(`RenOS listening on ${config.http.host}:${config.http.port} (role ${config.role})`);

  // Graceful shutdown: stop taking requests and let in-flight ones finish, then close the workers
  // (BullMQ waits for running jobs), Prisma and Redis.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info(`${signal} received: shutting down`);
    const forceExit = setTimeout(() => process.exit(1), 30_000);
    forceExit.unref();
    await app.close();
    await Sentry.close(2_000);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('RenOS failed to start:', error);
  process.exit(1);
});
