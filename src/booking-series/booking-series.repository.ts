import { Injectable } from '@nestjs/common';

import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import type { Page } from '../core/http/pagination.js';
import type { BookingSeries, Lead, Prisma } from '../generated/prisma/client.js';
import type { SeriesStatus } from '../generated/prisma/enums.js';

type Db = Prisma.TransactionClient;

export interface SeriesFilter {
  customerId?: string;
  status?: SeriesStatus;
  teamId?: string;
}

export type NewSeries = Omit<
  Prisma.BookingSeriesUncheckedCreateInput,
  'id' | 'tenantId' | 'createdAt' | 'updatedAt' | 'deletedAt'
>;

export type SeriesChange = Pick<
  Prisma.BookingSeriesUncheckedUpdateManyInput,
  | 'startTime'
  | 'durationHours'
  | 'teamId'
  | 'fixedPrice'
  | 'invoicing'
  | 'endsOn'
  | 'status'
  | 'pausedFrom'
  | 'pausedUntil'
  | 'endedAt'
>;

/** The booking_series table's only door. Tenant first in every method and every filter. */
@Injectable()
export class BookingSeriesRepository {
  constructor(private readonly tenantPrisma: TenantPrismaService) {}

  private db(db?: Db): Db {
    return db ?? (this.tenantPrisma.client as unknown as ScopedTransaction);
  }

  create(tenantId: string, data: NewSeries, db: Db): Promise<BookingSeries> {
    return db.bookingSeries.create({ data: { ...data, tenantId } });
  }

  find(tenantId: string, seriesId: string, db?: Db): Promise<BookingSeries | null> {
    return this.db(db).bookingSeries.findFirst({ where: { id: seriesId, tenantId, deletedAt: null } });
  }

  async update(tenantId: string, seriesId: string, change: SeriesChange, db: Db): Promise<BookingSeries> {
    await db.bookingSeries.updateMany({ where: { id: seriesId, tenantId }, data: change });
    return (await this.find(tenantId, seriesId, db))!;
  }

  /** Series that still make visits: active, or paused (a pause has an end, or a resume). */
  running(tenantId: string): Promise<BookingSeries[]> {
    return this.db().bookingSeries.findMany({
      where: { tenantId, deletedAt: null, status: { in: ['active', 'paused'] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  async page(
    tenantId: string,
    filter: SeriesFilter,
    window: { skip: number; take: number },
  ): Promise<Page<BookingSeries>> {
    const where: Prisma.BookingSeriesWhereInput = {
      tenantId,
      deletedAt: null,
      customerId: filter.customerId,
      status: filter.status,
      teamId: filter.teamId,
    };
    const [rows, total] = await this.tenantPrisma.transaction(
      async (tx) =>
        [
          await tx.bookingSeries.findMany({
            where,
            orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
            skip: window.skip,
            take: window.take,
          }),
          await tx.bookingSeries.count({ where }),
        ] as const,
    );
    return { rows, total };
  }

  /** The tenants with running series: the schedule's fan-out (system path). */
  async tenantsWithRunningSeries(system: Db): Promise<string[]> {
    const rows = await system.bookingSeries.findMany({
      where: { deletedAt: null, status: { in: ['active', 'paused'] } },
      distinct: ['tenantId'],
      select: { tenantId: true },
    });
    return rows.map((row) => row.tenantId);
  }

  findLead(tenantId: string, leadId: string, db?: Db): Promise<Lead | null> {
    return this.db(db).lead.findFirst({ where: { id: leadId, tenantId, deletedAt: null } });
  }

  /** A customer's latest lead: a series made from the customer books on it. */
  latestLeadOf(tenantId: string, customerId: string): Promise<Lead | null> {
    return this.db().lead.findFirst({
      where: { tenantId, customerId, deletedAt: null },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  /** The team and the tenant's series rules as stored. */
  async seriesRules(tenantId: string): Promise<Prisma.JsonValue> {
    const row = await this.db().tenant.findUniqueOrThrow({
      where: { id: tenantId },
      select: { seriesRules: true },
    });
    return row.seriesRules;
  }
}
