import { Injectable, Logger } from '@nestjs/common';

import { AppConfig } from '../core/config/app-config.js';
import { RedisService } from '../core/redis/redis.service.js';
import { TooManyAttemptsError } from './auth.errors.js';

const WINDOW_SECONDS = 15 * 60;
const MAX_FAILURES_PER_ACCOUNT = 5;
const MAX_FAILURES_PER_IP = 20;

/**
 * Failed logins counted per account and per IP in Redis, so the limit holds across instances. When
 * Redis is away the check is skipped (logged): locking everyone out would be worse than a short window
 * without a counter, and argon2id keeps guessing slow anyway.
 */
@Injectable()
export class LoginThrottleService {
  private readonly logger = new Logger(LoginThrottleService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  /** Throws TooManyAttemptsError (429 with Retry-After) when either counter is over its limit. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const [accountKey, ipKey] = this.keys(email, ip);
    try {
      const [account, byIp] = await Promise.all([
        this.redis.client.get(accountKey),
        this.redis.client.get(ipKey),
      ]);
      const blocked =
        Number(account ?? 0) >= MAX_FAILURES_PER_ACCOUNT
          ? accountKey
          : Number(byIp ?? 0) >= MAX_FAILURES_PER_IP
            ? ipKey
            : undefined;
      if (!blocked) return;
      const ttl = await this.redis.client.ttl(blocked);
      throw new TooManyAttemptsError(ttl > 0 ? ttl : WINDOW_SECONDS);
    } catch (error) {
      if (error instanceof TooManyAttemptsError) throw error;
      this.logger.warn(`Login throttle unavailable: ${(error as Error).message}`);
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    try {
      const pipeline = this.redis.client.multi();
      for (const key of this.keys(email, ip)) pipeline.incr(key).expire(key, WINDOW_SECONDS, 'NX');
      await pipeline.exec();
    } catch (error) {
      this.logger.warn(`Login throttle unavailable: ${(error as Error).message}`);
    }
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.redis.client.del(this.keys(email, ip)[0]).catch(() => undefined);
  }

  private keys(email: string, ip: string): [string, string] {
    const prefix = `${this.config.redis.queuePrefix}:login-failures`;
    return [`${prefix}:account:${email.trim().toLowerCase()}`, `${prefix}:ip:${ip}`];
  }
}
