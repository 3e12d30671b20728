import { Injectable, Logger } from '@nestjs/common';

import { AppConfig } from '../core/config/app-config.js';
import { RedisService } from '../core/redis/redis.service.js';
import { TooManyAttemptsError } from './auth.errors.js';

const WINDOW_SECONDS = 15 * 60;
const MAX_ATTEMPTS_PER_ACCOUNT = 5;
const MAX_ATTEMPTS_PER_IP = 20;

/**
 * Checks both counters and, when neither is at its limit, counts the attempt on both in the same step.
 * Returns 0 when the attempt is reserved, otherwise the seconds until the blocking counter expires.
 * One script, so concurrent attempts cannot all read "under the limit" before any of them is counted.
 */
const RESERVE = `
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
for i = 1, 2 do
  if tonumber(redis.call('get', KEYS[i]) or '0') >= limits[i] then
    local ttl = redis.call('ttl', KEYS[i])
    if ttl > 0 then return ttl end
    return tonumber(ARGV[3])
  end
end
for i = 1, 2 do
  redis.call('incr', KEYS[i])
  redis.call('expire', KEYS[i], ARGV[3], 'NX')
end
return 0`;

/**
 * A right password ends the account's count (as a successful login always has) and gives back its own
 * slot on the IP, which counts only failures; the IP counter is never driven below zero or recreated
 * without an expiry when it lapsed in the meantime.
 */
const SUCCEEDED = `
redis.call('del', KEYS[1])
if tonumber(redis.call('get', KEYS[2]) or '0') > 0 then redis.call('decr', KEYS[2]) end
return 0`;

/** The counters a throttled request counts on: password checks, or requests for a reset link. */
export type ThrottleCounter = 'login-failures' | 'password-reset';

/** A reserved password check: the caller reports a right password; anything else stays counted. */
export interface PasswordAttempt {
  succeeded(): Promise<void>;
}

/**
 * Password checks counted per account and per IP in Redis, so the limit holds across instances. The
 * attempt is counted *before* the password is verified (argon2 takes a while), so that many attempts
 * sent at once cannot all be verified: with five already in flight or failed for an account, the next
 * one is refused with 429 even if its password is right. A wrong password simply keeps its count; a
 * right one clears the account's count.
 *
 * When Redis is away the check is skipped (logged): locking everyone out would be worse than a short
 * window without a counter, and argon2id keeps guessing slow anyway.
 */
@Injectable()
export class LoginThrottleService {
  private readonly logger = new Logger(LoginThrottleService.name);

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Counts one attempt, or throws TooManyAttemptsError (429 with Retry-After) when over a limit.
   * `counter`: which pair of counters; a reset-link request counts apart from password checks, so
   * asking for links never locks an account out of logging in.
   */
  async reserve(
    email: string,
    ip: string,
    counter: ThrottleCounter = 'login-failures',
  ): Promise<PasswordAttempt> {
    const keys = this.keys(email, ip, counter);
    let retryAfter: number;
    try {
      retryAfter = Number(
        await this.redis.client.eval(
          RESERVE,
          2,
          ...keys,
          MAX_ATTEMPTS_PER_ACCOUNT,
          MAX_ATTEMPTS_PER_IP,
          WINDOW_SECONDS,
        ),
      );
    } catch (error) {
      this.logger.warn(`Login throttle unavailable: ${(error as Error).message}`);
      return { succeeded: async () => undefined };
    }
    if (retryAfter > 0) throw new TooManyAttemptsError(retryAfter);
    return {
      succeeded: async () => {
        await this.redis.client.eval(SUCCEEDED, 2, ...keys).catch((error: Error) => {
          this.logger.warn(`Login throttle unavailable: ${error.message}`);
        });
      },
    };
  }

  private keys(email: string, ip: string, counter: ThrottleCounter): [string, string] {
    const prefix = `${this.config.redis.queuePrefix}:${counter}`;
    return [`${prefix}:account:${email.trim().toLowerCase()}`, `${prefix}:ip:${ip}`];
  }
}
