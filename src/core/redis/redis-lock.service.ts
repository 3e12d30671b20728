import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { AppConfig } from '../config/app-config.js';
import { RedisService } from './redis.service.js';

/** How often a waiting caller tries the lock again. */
const RETRY_MS = 100;
const RELEASE_IF_OURS =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** Thrown when the lock is held by someone else: a job lets BullMQ retry it later. */
export class LockBusyError extends Error {
  constructor(readonly lock: string) {
    super(`${lock} is being worked on by another job; this one retries`);
    this.name = 'LockBusyError';
  }
}

/**
 * A short mutual exclusion across instances for work that calls outside services (one calendar sync
 * per booking, one Billy contact per customer): a Redis key set with NX and an expiry longer than the
 * work can take, released only by its owner. Unlike a database lock it holds no pooled connection
 * while the outside service takes its time.
 */
@Injectable()
export class RedisLockService {
  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Runs `work` holding the lock `name`. When another holder has it, waits up to `waitMs` (default: not
   * at all) for it, then throws LockBusyError. `ttlMs` must outlast the work: the lock is not renewed.
   */
  async withLock<T>(
    name: string,
    ttlMs: number,
    work: () => Promise<T>,
    options: { waitMs?: number } = {},
  ): Promise<T> {
    const key = `${this.config.redis.queuePrefix}:lock:${name}`;
    const token = randomUUID();
    const deadline = Date.now() + (options.waitMs ?? 0);
    while ((await this.redis.client.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      if (Date.now() >= deadline) throw new LockBusyError(name);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
    try {
      return await work();
    } finally {
      await this.redis.client.eval(RELEASE_IF_OURS, 1, key, token).catch(() => undefined);
    }
  }
}
