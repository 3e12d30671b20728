import { Injectable } from '@nestjs/common';

import { SystemPrismaService } from '../../database/system-prisma.service.js';
import { HandlesJob, type JobHandler } from '../job-handler.decorator.js';
import type { JobPayloads } from '../jobs.js';

/** Keeps the plumbing tables small: relayed outbox rows and handled webhook deliveries past retention. */
@Injectable()
@HandlesJob('maintenance.prune')
export class PruneProcessor implements JobHandler<'maintenance.prune'> {
  constructor(private readonly system: SystemPrismaService) {}

  async handle({
    retentionDays,
  }: JobPayloads['maintenance.prune']): Promise<{ outbox: number; inbound: number }> {
    const before = new Date(Date.now() - retentionDays * 24 * 3600 * 1000);
    return this.system.transaction('maintenance', async (tx) => {
      const outbox = await tx.outboxJob.deleteMany({
        where: { status: 'enqueued', enqueuedAt: { lt: before } },
      });
      const inbound = await tx.inboundEvent.deleteMany({
        where: { status: { in: ['processed', 'ignored'] }, receivedAt: { lt: before } },
      });
      return { outbox: outbox.count, inbound: inbound.count };
    });
  }
}
