import { Injectable, Logger } from '@nestjs/common';

import { AppConfig } from '../config/app-config.js';
import { RedisService } from '../redis/redis.service.js';

const TTL_SECONDS = 300;

/** KEYS[1] the generation; the entry is ARGV[1] .. generation .. ARGV[2]. Answers {generation, entry}. */
const READ_SCRIPT = `
local generation = redis.call('GET', KEYS[1]) or '0'
return { generation, redis.call('GET', ARGV[1] .. generation .. ARGV[2]) }
`;

/**
 * Per-tenant caches in Redis that are never stale after a change: each tenant has a generation number,
 * part of every cache key, and a write that changes cached figures bumps it (after its commit). Old
 * entries simply stop being read and expire. With Redis away, reads compute and writes pass.
 */
@Injectable()
export class TenantCacheService {
  private readonly logger = new Logger(TenantCacheService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  /** Marks every cached figure of the tenant out of date. Call after the change commits. */
  async invalidate(tenantId: string): Promise<void> {
    await this.redis.client.incr(this.generationKey(tenantId)).catch((error: Error) => {
      this.logger.warn(`Cache invalidation failed for ${tenantId}: ${error.message}`);
    });
  }

  /** The cached value for `key` in the tenant's current generation, or `compute()` stored there. */
  async getOrCompute<T>(tenantId: string, key: string, compute: () => Promise<T>): Promise<T> {
    let fullKey: string | undefined;
    try {
      // The generation and the entry in one round trip (a cached read is mostly waiting on I/O): the
      // script reads the generation and then the entry under it, as two GETs would.
      const [generation, hit] = (await this.redis.client.eval(
        READ_SCRIPT,
        1,
        this.generationKey(tenantId),
        `${this.config.redis.queuePrefix}:cache:${tenantId}:`,
        `:${key}`,
      )) as [string, string | false | null];
      fullKey = `${this.config.redis.queuePrefix}:cache:${tenantId}:${generation}:${key}`;
      if (hit) return JSON.parse(hit) as T;
    } catch (error) {
      this.logger.warn(`Cache read failed: ${(error as Error).message}`);
    }
    const value = await compute();
    if (fullKey)
      await this.redis.client.set(fullKey, JSON.stringify(value), 'EX', TTL_SECONDS).catch(() => undefined);
    return value;
  }

  private generationKey(tenantId: string): string {
    return `${this.config.redis.queuePrefix}:cache:${tenantId}:generation`;
  }
}
