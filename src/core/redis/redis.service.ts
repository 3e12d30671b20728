import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';

import { AppConfig } from '../config/app-config.js';

/**
 * Redis connections of the process. Commands fail fast while Redis is away (no offline queue), so an
 * HTTP request never hangs on it; ioredis keeps reconnecting in the background and the app carries on
 * (readiness says Redis is down; the outbox keeps jobs in PostgreSQL until it is back).
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  private readonly logger = new Logger(RedisService.name);
  private readonly connections: Redis[] = [];
  /** For caches, rate limits and health checks. */
  readonly client: Redis;

  constructor(private readonly config: AppConfig) {
    this.client = this.connect('commands', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  /**
   * A connection for BullMQ. Workers need `maxRetriesPerRequest: null` (their blocking calls must
   * survive a reconnect); producers fail fast so a caller can fall back to the outbox sweeper.
   */
  createBullConnection(kind: 'producer' | 'worker'): Redis {
    return kind === 'worker'
      ? this.connect('bullmq-worker', { maxRetriesPerRequest: null })
      : this.connect('bullmq-producer', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  /** True when Redis answers PING within the timeout. */
  async isReachable(timeoutMs = 1_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      });
      return (await Promise.race([this.client.ping(), timeout])) === 'PONG';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(
      this.connections.map((connection) => connection.quit().catch(() => connection.disconnect())),
    );
  }

  private connect(name: string, options: RedisOptions): Redis {
    const connection = new Redis(this.config.redis.url, {
      connectionName: `renos:${name}`,
      // Reconnect forever with a capped delay: Redis coming back must heal the app without a restart.
      retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
      ...options,
    });
    let reported = false;
    connection.on('error', (error: Error) => {
      // One line per outage, not one per reconnect attempt.
      if (!reported) this.logger.warn(`Redis (${name}) unavailable: ${error.message}`);
      reported = true;
    });
    connection.on('ready', () => {
      if (reported) this.logger.log(`Redis (${name}) reconnected`);
      reported = false;
    });
    this.connections.push(connection);
    return connection;
  }
}
