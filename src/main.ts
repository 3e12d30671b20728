import 'reflect-metadata';

import { ConfigError, loadConfig } from './core/config/app-config.js';
import { loadEnvFileIfPresent } from './core/config/env-file.js';
import { MIGRATIONS_DIR } from './core/database/migrations-dir.js';
import { migrate } from './core/database/migrator.js';
import { startErrorReporting, stopErrorReporting } from './core/logging/error-reporter.js';
import { createWinston } from './core/logging/logger.js';

async function bootstrap(): Promise<void> {
  // The only place the app reads the environment (and .env, for `npm run start:prod`): everything
  // else receives AppConfig.
  loadEnvFileIfPresent();
  const config = loadConfig(process.env);
  const logger = createWinston(config);

  // Sentry (and its OpenTelemetry) is loaded only when configured, and before the app's module graph
  // (Nest, Fastify, pg, ioredis) is imported below, so its instrumentation sees those modules load.
  await startErrorReporting(config.observability.sentryDsn, config.nodeEnv);
  const { createApp } = await import('./app.factory.js');
  const { ShutdownService } = await import('./health/shutdown.service.js');
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

  // Graceful shutdown (ShutdownService): readiness 503, stop taking requests and let in-flight ones
  // finish, then the workers (running jobs finish), then queues, Redis and Prisma. A shutdown that
  // hangs past SHUTDOWN_TIMEOUT_MS exits with 1 so the orchestrator does not wait for its SIGKILL.
  const shutdown = app.get(ShutdownService);
  const onSignal = (signal: NodeJS.Signals) => {
    const forceExit = setTimeout(() => {
      logger.error(`Shutdown did not finish within ${config.shutdown.timeoutMs} ms; exiting`);
      process.exit(1);
    }, config.shutdown.timeoutMs);
    forceExit.unref();
    shutdown
      .shutdown(app, signal)
      .then(() => stopErrorReporting(2_000))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`Shutdown failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('RenOS failed to start:', error);
  process.exit(1);
});
