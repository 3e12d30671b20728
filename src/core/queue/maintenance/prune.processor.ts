import { Injectable } from '@nestjs/common';

import { PrismaService } from '../../database/prisma.service.js';
import { HandlesJob, type JobHandler } from '../job-handler.decorator.js';
import type { JobPayloads } from '../jobs.js';

/** Keeps the plumbing tables small: relayed outbox rows and handled webhook deliveries past retention. */
@Injectable()
@HandlesJob('maintenance.prune')
export class PruneProcessor implements JobHandler<'maintenance.prune'> {
  constructor(private readonly prisma: PrismaService) {}

  async handle({
    retentionDays,
  }: JobPayloads['maintenance.prune']): Promise<{ outbox: number; inbound: number }> {
    const before = new Date(Date.now() - retentionDays * 24 * 3600 * 1000);
    const outbox = await this.prisma.outboxJob.deleteMany({
      where: { status: 'enqueued', enqueuedAt: { lt: before } },
    });
    const inbound = await this.prisma.inboundEvent.deleteMany({
      where: { status: { in: ['processed', 'ignored'] }, receivedAt: { lt: before } },
    });
    return { outbox: outbox.count, inbound: inbound.count };
  }
}
