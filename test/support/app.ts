import type { Type } from '@nestjs/common';
import { Writable } from 'node:stream';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { inject } from 'vitest';
import winston from 'winston';

import { createApp } from '../../src/app.factory.js';
import { loadConfig, type AppConfig } from '../../src/core/config/app-config.js';
import { createWinston } from '../../src/core/logging/logger.js';
import { TestClock } from './clock.js';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** The time the app's business rules read; `clock.set(…)` moves it. */
  clock: TestClock;
  close(): Promise<void>;
}

/** The environment of the test run: its own database and Redis prefix, quiet logs, a fast outbox sweep. */
export function testEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: inject('databaseUrl'),
    DATABASE_ADMIN_URL: inject('adminDatabaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: inject('queuePrefix'),
    LOG_LEVEL: 'silent',
    OUTBOX_SWEEP_INTERVAL_MS: '200',
    RATE_LIMIT_PER_MINUTE: '0',
    ...overrides,
  };
}

/**
 * The logger production uses (its format, redaction and log context) for this test environment, with
 * every line it writes pushed onto `lines` as the JSON text it would print.
 */
export function recordingLogger(env: Record<string, string>, lines: string[]): winston.Logger {
  const logger = createWinston(loadConfig(testEnvironment(env)));
  return logger.clear().add(
    new winston.transports.Stream({
      stream: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    }),
  );
}

/** Boots the real app (same factory as main.ts) against the run's database and Redis. */
export async function bootTestApp(
  options: { env?: Record<string, string>; extraModules?: Type[]; logger?: winston.Logger } = {},
): Promise<TestApp> {
  const config = loadConfig(testEnvironment(options.env));
  const logger =
    options.logger ?? winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
  const clock = new TestClock();
  const app = await createApp(config, { logger, extraModules: options.extraModules, clock });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, config, clock, close: () => app.close() };
}
