import { Injectable, Logger } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';

import type { Role } from '../../generated/prisma/enums.js';
import { TENANT_KEY } from '../logging/log-context.js';

/**
 * Who is acting, for which tenant. Set by the authentication guard from the verified token (never from
 * the request body or query), or by a job processor from its payload.
 */
export interface TenantContext {
  tenantId: string;
  userId?: string;
  role?: Role;
}

/** Thrown when tenant-owned data is touched with no tenant known: a bug, never a user's mistake. */
export class MissingTenantContextError extends Error {
  constructor() {
    super('No tenant context: tenant-owned data can only be used inside a request or job for a tenant');
    this.name = 'MissingTenantContextError';
  }
}

/** What a scheduled job did for the tenants it visited, in the order it visited them. */
export type TenantResults<T> = Array<{ tenantId: string; result: T }>;

@Injectable()
export class TenantContextService {
  private readonly logger = new Logger(TenantContextService.name);

  constructor(private readonly cls: ClsService) {}

  /** The current tenant; fails loudly when there is none. */
  get(): TenantContext {
    const context = this.tryGet();
    if (!context) throw new MissingTenantContextError();
    return context;
  }

  tryGet(): TenantContext | undefined {
    return this.cls.isActive() ? this.cls.get<TenantContext | undefined>(TENANT_KEY) : undefined;
  }

  /** Enters the tenant for the rest of the current request (the guard calls this). */
  set(context: TenantContext): void {
    this.cls.set(TENANT_KEY, context);
  }

  /** Runs `fn` as the tenant: how a job processor re-enters the tenant of its payload. */
  run<T>(context: TenantContext, fn: () => Promise<T>): Promise<T> {
    return this.cls.run(async () => {
      this.cls.set(TENANT_KEY, context);
      return fn();
    });
  }

  /**
   * A schedule's fan-out: runs `work` as each tenant in turn. One tenant's failure is logged and does
   * not stop the others; once all had their turn the failures are thrown together, so BullMQ retries
   * the job (the work must be idempotent: a retry only does what is left). `what` names the work in
   * the log and the error ("Expiring pending bookings").
   */
  async forEachTenant<T>(
    tenantIds: readonly string[],
    what: string,
    work: (tenantId: string) => Promise<T>,
  ): Promise<TenantResults<T>> {
    const results: TenantResults<T> = [];
    const failures: string[] = [];
    for (const tenantId of tenantIds) {
      try {
        results.push({ tenantId, result: await this.run({ tenantId }, () => work(tenantId)) });
      } catch (error) {
        this.logger.warn(`${what} for tenant ${tenantId} failed: ${(error as Error).message}`);
        failures.push(`${tenantId}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(`${what} failed for ${failures.join('; ')}`);
    return results;
  }

  /** forEachTenant for work that counts what it did: how many tenants, and the sum of their counts. */
  async countForEachTenant(
    tenantIds: readonly string[],
    what: string,
    work: (tenantId: string) => Promise<number>,
  ): Promise<{ tenants: number; total: number }> {
    const results = await this.forEachTenant(tenantIds, what, work);
    return { tenants: tenantIds.length, total: results.reduce((sum, { result }) => sum + result, 0) };
  }
}
