import { Injectable } from '@nestjs/common';

import { SystemPrismaService } from '../../database/system-prisma.service.js';
import { IdempotencyRepository } from '../../idempotency/idempotency.repository.js';
import { Clock } from '../../time/clock.js';
import { HandlesJob, type JobHandler } from '../job-handler.decorator.js';
import type { JobPayloads } from '../jobs.js';

/** Keeps the plumbing tables small: relayed outbox rows and handled webhook deliveries past retention, expired idempotency keys. */
@Injectable()
@HandlesJob('maintenance.prune')
export class PruneProcessor implements JobHandler<'maintenance.prune'> {
  constructor(
    private readonly system: SystemPrismaService,
    private readonly idempotencyKeys: IdempotencyRepository,
    private readonly clock: Clock,
  ) {}

  async handle({
    retentionDays,
  }: JobPayloads['maintenance.prune']): Promise<{ outbox: number; inbound: number; idempotencyKeys: number }> {
    const before = new Date(this.clock.now().getTime() - retentionDays * 24 * 3600 * 1000);
    // Idempotency keys have their own 24-hour expiry; the stored responses hold customer data.
    const idempotencyKeys = await this.idempotencyKeys.deleteExpired(this.clock.now());
    const plumbing = await this.system.transaction('maintenance', async (tx) => {
      const outbox = await tx.outboxJob.deleteMany({
        where: { status: 'enqueued', enqueuedAt: { lt: before } },
      });
      const inbound = await tx.inboundEvent.deleteMany({
        where: { status: { in: ['processed', 'ignored'] }, receivedAt: { lt: before } },
      });
      return { outbox: outbox.count, inbound: inbound.count };
    });
    return { ...plumbing, idempotencyKeys };
  }
}
