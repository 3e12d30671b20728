import { Injectable, Logger } from '@nestjs/common';

import type { Prisma } from '../../generated/prisma/client.js';
import { SYSTEM_SETTING, withSettingOnBegin } from './begin-setting.js';
import { PrismaService } from './prisma.service.js';

/**
 * Why a caller needs to cross tenants. The list is the whole of it (docs/architecture.md, Tenancy): anything
 * not named here goes through the tenant-scoped path.
 */
export type SystemPurpose =
  | 'authentication'
  | 'meeting-token'
  | 'webhook-routing'
  | 'tenant-creation'
  | 'outbox'
  | 'schedule-fan-out'
  | 'maintenance'
  /** Whether a user also belongs to other tenants (a tenant admin may not change what they share). */
  | 'user-administration'
  /** Readiness: how many integrations need an admin, counted per provider over all tenants. */
  | 'health';

/**
 * The one named system data path: a transaction with `app.system = 'on'`, which the row-level
 * security policies accept in place of a tenant. The setting is transaction-local, so it ends with the
 * transaction and never reaches another query on the pooled connection.
 */
@Injectable()
export class SystemPrismaService {
  private readonly logger = new Logger(SystemPrismaService.name);

  constructor(private readonly base: PrismaService) {}

  transaction<T>(
    purpose: SystemPurpose,
    fn: (tx: Prisma.TransactionClient) => Promise<T>,
    options?: { timeout?: number; isolationLevel?: Prisma.TransactionIsolationLevel },
  ): Promise<T> {
    this.logger.debug(`system data path: ${purpose}`);
    // The setting rides on the BEGIN (begin-setting.ts), unless an isolation level must come first.
    return withSettingOnBegin(options?.isolationLevel ? undefined : SYSTEM_SETTING, (applied) =>
      this.base.$transaction(async (tx) => {
        if (!applied()) await tx.$executeRaw`SELECT set_config('app.system', 'on', true)`;
        return fn(tx);
      }, options),
    );
  }

  /**
   * One statement, no transaction: for a SQL function that carries `app.system` in its own SET clause
   * (renos_principal), so the setting lasts exactly the call. One round trip instead of a
   * transaction's four; a plain query sent here sees no tenant rows.
   */
  statement<T>(purpose: SystemPurpose, query: Prisma.Sql): Promise<T[]> {
    this.logger.debug(`system data path: ${purpose}`);
    return this.base.$queryRaw<T[]>(query);
  }
}
