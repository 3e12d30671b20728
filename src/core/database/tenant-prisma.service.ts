import { AsyncLocalStorage } from 'node:async_hooks';

import { Injectable } from '@nestjs/common';

import type { Prisma } from '../../generated/prisma/client.js';
import { tenantSetting, withSettingOnBegin } from './begin-setting.js';
import { PrismaService } from './prisma.service.js';
import { TenantContextService } from './tenant-context.js';
import { scopeArgs, TENANT_MODELS } from './tenant-scope.js';

function createScopedClient(
  base: PrismaService,
  context: TenantContextService,
  inTransaction: AsyncLocalStorage<true>,
) {
  return base.$extends({
    name: 'tenant-scope',
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          if (!TENANT_MODELS.has(model)) return query(args);
          const { tenantId } = context.get();
          const scoped = scopeArgs(
            model,
            operation,
            args as Record<string, unknown>,
            tenantId,
          ) as typeof args;
          // Inside transaction() the setting is already made for the whole transaction.
          if (inTransaction.getStore()) return query(scoped);
          // Otherwise one short transaction: the setting is transaction-local, so it can never leak to
          // the next user of this pooled connection. An interactive one, not a batch
          // `$transaction([setConfig, query])`: Prisma caches no query plan for a batch that starts with
          // a raw statement, so every such read was compiled afresh (a tenth of the CPU of the intake).
          // The setting rides on the BEGIN (begin-setting.ts): three round trips, not four.
          return withSettingOnBegin(tenantSetting(tenantId), (applied) =>
            base.$transaction(async (tx) => {
              if (!applied()) await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
              const delegate = (
                tx as unknown as Record<string, Record<string, (args: unknown) => Promise<unknown>>>
              )[model.charAt(0).toLowerCase() + model.slice(1)]!;
              return delegate[operation]!(scoped);
            }),
          );
        },
      },
    },
  });
}

export type ScopedPrismaClient = ReturnType<typeof createScopedClient>;
/** The client a scoped transaction hands its callback: same models, same scoping. */
export type ScopedTransaction = Prisma.TransactionClient;

/**
 * The tenant-scoped data path (docs/architecture.md, Tenancy): the only way feature repositories reach
 * tenant-owned rows. Every operation on a tenant-owned model gets the current tenant added to its
 * filter or data, and runs with `app.tenant_id` set, so PostgreSQL's row-level security agrees; with no
 * tenant in context it throws instead of reading everything.
 */
@Injectable()
export class TenantPrismaService {
  private readonly inTransaction = new AsyncLocalStorage<true>();
  readonly client: ScopedPrismaClient;

  constructor(
    base: PrismaService,
    private readonly context: TenantContextService,
  ) {
    this.client = createScopedClient(base, context, this.inTransaction);
  }

  /** The current tenant's id (from the token or the job payload). */
  get tenantId(): string {
    return this.context.get().tenantId;
  }

  /**
   * An interactive transaction as the current tenant. Use the `tx` it hands over for every query in it;
   * the outer client inside the callback sees no rows (row-level security fails closed).
   */
  transaction<T>(
    fn: (tx: ScopedTransaction) => Promise<T>,
    options?: { timeout?: number; isolationLevel?: Prisma.TransactionIsolationLevel },
  ): Promise<T> {
    const { tenantId } = this.context.get();
    // The setting rides on the BEGIN (begin-setting.ts), unless an isolation level must come first.
    const setting = options?.isolationLevel ? undefined : tenantSetting(tenantId);
    return withSettingOnBegin(setting, (applied) =>
      this.client.$transaction(async (tx) => {
        if (!applied()) await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
        // Awaited inside run(): a Prisma query is lazy and starts when it is awaited, so a callback that
        // returns one un-awaited (`tx => tx.lead.findFirst(…)`) would otherwise start it outside this
        // context, as a second transaction on a second pooled connection — under load every connection
        // waits for another one and requests time out.
        return this.inTransaction.run(true, async () => await fn(tx as unknown as ScopedTransaction));
      }, options),
    );
  }
}
