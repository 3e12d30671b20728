import { Injectable } from '@nestjs/common';

import type { ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import type { Page } from '../core/http/pagination.js';
import type { IntegrationProvider, Notification, Prisma } from '../generated/prisma/client.js';
import type { NotificationKind } from '../generated/prisma/enums.js';

export interface NotificationInput {
  kind: NotificationKind;
  title: string;
  dedupKey: string;
  leadId?: string | null;
  bookingId?: string | null;
  invoiceId?: string | null;
}

/** The notification table (its only writer), and the few reads of other rows a notification needs. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly prisma: TenantPrismaService) {}

  /** The new row, or null when this dedup key was recorded before (a redelivery or a retried job). */
  async create(
    tx: ScopedTransaction,
    tenantId: string,
    input: NotificationInput,
  ): Promise<Notification | null> {
    const rows = await tx.notification.createManyAndReturn({
      data: [
        {
          tenantId,
          kind: input.kind,
          title: input.title,
          dedupKey: input.dedupKey,
          leadId: input.leadId ?? null,
          bookingId: input.bookingId ?? null,
          invoiceId: input.invoiceId ?? null,
        },
      ],
      skipDuplicates: true,
    });
    return rows[0] ?? null;
  }

  async page(
    tenantId: string,
    filter: { unread?: boolean },
    skip: number,
    take: number,
  ): Promise<Page<Notification>> {
    const where: Prisma.NotificationWhereInput = {
      tenantId,
      ...(filter.unread === true ? { readAt: null } : {}),
      ...(filter.unread === false ? { readAt: { not: null } } : {}),
    };
    const db = this.prisma.client;
    const [rows, total] = await Promise.all([
      db.notification.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip, take }),
      db.notification.count({ where }),
    ]);
    return { rows, total };
  }

  /** Marks it read the first time (a second call keeps the first time); null when not the tenant's. */
  async markRead(tenantId: string, id: string, at: Date): Promise<Notification | null> {
    return this.prisma.transaction(async (tx) => {
      await tx.notification.updateMany({ where: { tenantId, id, readAt: null }, data: { readAt: at } });
      return tx.notification.findFirst({ where: { tenantId, id } });
    });
  }

  /** Where the tenant wants notifications e-mailed, and its name for the e-mail's signature. */
  tenantContact(tx: ScopedTransaction, tenantId: string) {
    return tx.tenant.findUniqueOrThrow({
      where: { id: tenantId },
      select: { name: true, notificationEmail: true },
    });
  }

  /** An integration's flag and failure code as they are now (the credentials own the row). */
  integrationState(tenantId: string, provider: IntegrationProvider) {
    return this.prisma.client.integrationAccount.findUnique({
      where: { tenantId_provider: { tenantId, provider } },
      select: { needsAttention: true, lastErrorCode: true },
    });
  }
}
