import { Global, Injectable, Module } from '@nestjs/common';

import type { Prisma } from '../../generated/prisma/client.js';
import { TenantCacheService } from '../cache/tenant-cache.service.js';
import { TenantPrismaService, type ScopedTransaction } from '../database/tenant-prisma.service.js';
import type { JobName, JobPayloads } from '../queue/jobs.js';
import { OutboxService, type OutboxWriteOptions } from '../queue/outbox.service.js';

/**
 * One change as the current tenant: what the callback writes commits together, and only after the
 * commit do its jobs reach the queue and its cached figures go stale (docs/architecture.md, Jobs and
 * the outbox). A job written here is never lost (the outbox row commits with the change) and never
 * runs before the change is visible; a rolled-back change enqueues nothing and invalidates nothing.
 */
export interface Work {
  readonly tx: ScopedTransaction;
  readonly tenantId: string;
  /**
   * Records a job in this transaction; it is relayed once the transaction commits. With an
   * `availableAt` in the future it is not relayed: the outbox sweeper enqueues it when it is due.
   */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: OutboxWriteOptions): Promise<string>;
  /** Records many jobs of one name in one statement; relayed once the transaction commits. */
  enqueueMany<N extends JobName>(
    name: N,
    jobs: ReadonlyArray<{ payload: JobPayloads[N]; dedupId?: string }>,
  ): Promise<string[]>;
  /** Relays outbox rows another module wrote in this transaction (it returned their ids) after commit. */
  relayAfterCommit(ids: Iterable<string | undefined>): void;
  /** The change alters figures the tenant's caches hold (stats, counts): they go stale after commit. */
  invalidatesCache(): void;
}

export interface UnitOfWorkOptions {
  timeout?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

@Injectable()
export class UnitOfWork {
  constructor(
    private readonly db: TenantPrismaService,
    private readonly outbox: OutboxService,
    private readonly cache: TenantCacheService,
  ) {}

  async run<T>(fn: (work: Work) => Promise<T>, options?: UnitOfWorkOptions): Promise<T> {
    const tenantId = this.db.tenantId;
    let relay: string[] = [];
    let stale = false;
    const result = await this.db.transaction(async (tx) => {
      // Prisma may run the callback again after a serialization failure: start each attempt empty.
      relay = [];
      stale = false;
      const work: Work = {
        tx,
        tenantId,
        enqueue: async (name, payload, writeOptions) => {
          const id = await this.outbox.write(tx, tenantId, name, payload, writeOptions);
          relay.push(id);
          return id;
        },
        enqueueMany: async (name, jobs) => {
          const ids = await this.outbox.writeMany(tx, tenantId, name, jobs);
          relay.push(...ids);
          return ids;
        },
        relayAfterCommit: (ids) => {
          for (const id of ids) if (id) relay.push(id);
        },
        invalidatesCache: () => {
          stale = true;
        },
      };
      return fn(work);
    }, options);
    this.outbox.relay(relay);
    if (stale) await this.cache.invalidate(tenantId);
    return result;
  }
}

@Global()
@Module({ providers: [UnitOfWork], exports: [UnitOfWork] })
export class UnitOfWorkModule {}
