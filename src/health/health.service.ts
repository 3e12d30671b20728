import { Injectable } from '@nestjs/common';

import { PrismaService } from '../core/database/prisma.service.js';
import { DomainError } from '../core/http/domain-error.js';
import { RedisService } from '../core/redis/redis.service.js';
import { ShutdownService } from './shutdown.service.js';

export type CheckState = 'up' | 'down';

export interface Readiness {
  status: 'ok';
  checks: { database: CheckState; redis: CheckState };
}

const CHECK_TIMEOUT_MS = 1_500;

@Injectable()
export class HealthService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly shutdown: ShutdownService,
  ) {}

  /** Ready when PostgreSQL and Redis both answer and no shutdown has begun; otherwise a 503 saying why. */
  async readiness(): Promise<Readiness> {
    if (this.shutdown.draining) throw new DomainError('unavailable', 'Not ready: shutting down');
    const [database, redis] = await Promise.all([this.databaseState(), this.redisState()]);
    const checks = { database, redis };
    const down = Object.entries(checks)
      .filter(([, state]) => state === 'down')
      .map(([name]) => name);
    if (down.length > 0)
      throw new DomainError('unavailable', `Not ready: ${down.join(' and ')} unreachable`, { checks });
    return { status: 'ok', checks };
  }

  private async databaseState(): Promise<CheckState> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      });
      await Promise.race([this.prisma.$queryRaw`SELECT 1`, timeout]);
      return 'up';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }

  private async redisState(): Promise<CheckState> {
    return (await this.redis.isReachable(CHECK_TIMEOUT_MS)) ? 'up' : 'down';
  }
}
