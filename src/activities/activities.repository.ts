import { Injectable } from '@nestjs/common';

import type { Prisma } from '../generated/prisma/client.js';
import type { ActivityStatus, ActivityType } from '../generated/prisma/enums.js';
import type { Page } from '../core/http/pagination.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';

export interface ActivityEntry {
  type: ActivityType;
  title: string;
  description?: string;
  status?: ActivityStatus;
  customerId?: string | null;
  leadId?: string | null;
  bookingId?: string | null;
  invoiceId?: string | null;
  actorUserId?: string | null;
  metadata?: Prisma.InputJsonObject;
}

export interface ActivityFilter {
  type?: ActivityType;
  leadId?: string;
  from?: Date;
  to?: Date;
  /** STAFF see the timeline of what is assigned to them only. */
  assignedUserId?: string;
}

export type ActivityRow = Prisma.ActivityGetPayload<{
  include: { actor: { select: { id: true; name: true } } };
}>;

@Injectable()
export class ActivitiesRepository {
  constructor(private readonly db: TenantPrismaService) {}

  create(tx: ScopedTransaction, entry: ActivityEntry): Promise<unknown> {
    return tx.activity.create({ data: { ...entry, tenantId: this.db.tenantId } });
  }

  async page(filter: ActivityFilter, skip: number, take: number): Promise<Page<ActivityRow>> {
    const where: Prisma.ActivityWhereInput = {
      type: filter.type,
      leadId: filter.leadId,
      createdAt: { gte: filter.from, lt: filter.to },
      ...(filter.assignedUserId
        ? {
            OR: [
              { lead: { assignedUserId: filter.assignedUserId } },
              { booking: { assignedUserId: filter.assignedUserId } },
            ],
          }
        : {}),
    };
    const [rows, total] = await this.db.transaction(
      async (tx) =>
        [
          await tx.activity.findMany({
            where,
            include: { actor: { select: { id: true, name: true } } },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            skip,
            take,
          }),
          await tx.activity.count({ where }),
        ] as const,
    );
    return { rows, total };
  }
}
