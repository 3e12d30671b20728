import { Injectable } from '@nestjs/common';

import { PrismaService } from '../core/database/prisma.service.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { DomainError } from '../core/http/domain-error.js';
import { RedisService } from '../core/redis/redis.service.js';
import { ShutdownService } from './shutdown.service.js';

export type CheckState = 'up' | 'down';

export interface Readiness {
  status: 'ok';
  checks: { database: CheckState; redis: CheckState };
  /**
   * Integrations that need an admin (a rejected key, a revoked grant), counted per provider over all
   * tenants: reported, never a reason to be unready (the app serves; the work that needs them waits).
   */
  integrations: { needsAttention: Partial<Record<string, number>> };
}

const CHECK_TIMEOUT_MS = 1_500;

@Injectable()
export class HealthService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly system: SystemPrismaService,
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
    return {
      status: 'ok',
      checks,
      integrations: { needsAttention: await this.integrationsNeedingAttention() },
    };
  }

  /** Per provider, how many tenants' integrations need an admin; {} when it cannot be read in time. */
  private async integrationsNeedingAttention(): Promise<Partial<Record<string, number>>> {
    try {
      const rows = await this.withTimeout(
        this.system.transaction('health', (tx) =>
          tx.integrationAccount.groupBy({ by: ['provider'], where: { needsAttention: true }, _count: true }),
        ),
      );
      return Object.fromEntries(rows.map((row) => [row.provider, row._count]));
    } catch {
      return {};
    }
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async databaseState(): Promise<CheckState> {
    try {
      await this.withTimeout(this.prisma.$queryRaw`SELECT 1`);
      return 'up';
    } catch {
      return 'down';
    }
  }

  private async redisState(): Promise<CheckState> {
    return (await this.redis.isReachable(CHECK_TIMEOUT_MS)) ? 'up' : 'down';
  }
}
