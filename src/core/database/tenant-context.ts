import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';

import type { Role } from '../../generated/prisma/enums.js';

/**
 * Who is acting, for which tenant. Set by the authentication guard from the verified token (never from
 * the request body or query), or by a job processor from its payload.
 */
export interface TenantContext {
  tenantId: string;
  userId?: string;
  role?: Role;
}

const TENANT_KEY = 'renos:tenant';

/** Thrown when tenant-owned data is touched with no tenant known: a bug, never a user's mistake. */
export class MissingTenantContextError extends Error {
  constructor() {
    super('No tenant context: tenant-owned data can only be used inside a request or job for a tenant');
    this.name = 'MissingTenantContextError';
  }
}

@Injectable()
export class TenantContextService {
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
}
