import { Writable } from 'node:stream';

import { Logger } from '@nestjs/common';
import { ClsServiceManager } from 'nestjs-cls';
import { describe, expect, it } from 'vitest';
import winston from 'winston';

import { loadConfig } from '../config/app-config.js';
import { runWithJobLogContext, TENANT_KEY } from './log-context.js';
import { createNestLogger, createWinston } from './logger.js';

function capture(): { lines: Array<Record<string, unknown>>; logger: Logger } {
  const lines: Array<Record<string, unknown>> = [];
  const instance = createWinston(
    loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: 'postgresql://x@127.0.0.1/x' }),
  );
  instance.clear().add(
    new winston.transports.Stream({
      stream: new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    }),
  );
  Logger.overrideLogger(createNestLogger(instance));
  return { lines, logger: new Logger('Probe') };
}

describe('log context', () => {
  it("puts the job and, once entered, its tenant on every line a job's code writes", async () => {
    const { lines, logger } = capture();
    await runWithJobLogContext({ queue: 'sms', job: 'sms.send', jobId: '42' }, async () => {
      logger.warn('before the tenant');
      // As the worker enters the tenant of the payload: a nested context inherits the job.
      const cls = ClsServiceManager.getClsService();
      await cls.run(async () => {
        cls.set(TENANT_KEY, { tenantId: 'tenant-1', userId: 'user-1' });
        await Promise.resolve();
        logger.log({ message: 'inside the tenant', tenantId: 'given explicitly wins' });
        logger.log('also inside');
      });
    });
    logger.log('outside any job');

    expect(lines.find((l) => l.message === 'before the tenant')).toMatchObject({
      queue: 'sms',
      job: 'sms.send',
      jobId: '42',
    });
    expect(lines.find((l) => l.message === 'before the tenant')).not.toHaveProperty('tenantId');
    expect(lines.find((l) => l.message === 'inside the tenant')).toMatchObject({
      job: 'sms.send',
      tenantId: 'given explicitly wins',
      userId: 'user-1',
    });
    expect(lines.find((l) => l.message === 'also inside')).toMatchObject({
      job: 'sms.send',
      jobId: '42',
      tenantId: 'tenant-1',
    });
    const outside = lines.find((l) => l.message === 'outside any job');
    expect(outside).toBeDefined();
    expect(outside).not.toHaveProperty('job');
    expect(outside).not.toHaveProperty('tenantId');
  });
});
