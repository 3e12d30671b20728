import { Injectable } from '@nestjs/common';

import type { Prisma } from '../generated/prisma/client.js';
import type { BookingStatus, InvoiceStatus, LeadSource, LeadStatus } from '../generated/prisma/enums.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';

const LIVE: BookingStatus[] = ['pending', 'confirmed', 'in_progress'];
const BOOKED: BookingStatus[] = ['confirmed', 'in_progress', 'completed'];
// A credited invoice is cancelled by its credit note: it no longer counts as invoiced.
const INVOICED: InvoiceStatus[] = ['approved', 'sent', 'paid', 'overdue'];
const OUTSTANDING: InvoiceStatus[] = ['approved', 'sent', 'overdue'];

export interface StatsFigures {
  totalLeads: number;
  everBooked: number;
  newThisWeek: number;
  byStatus: Array<{ status: LeadStatus; count: number }>;
  bySource: Array<{ source: LeadSource; count: number }>;
  upcoming: number;
  completed: number;
  expired: number;
  bookedRevenue: Prisma.Decimal | null;
  invoicedRevenue: Prisma.Decimal | null;
  paidRevenue: Prisma.Decimal | null;
  outstanding: Prisma.Decimal | null;
  smsFailed: number;
}

/** The dashboard's figures, read in one transaction so they agree with each other. */
@Injectable()
export class StatsRepository {
  constructor(private readonly db: TenantPrismaService) {}

  figures(now: Date, weekStart: Date, assignedUserId?: string): Promise<StatsFigures> {
    // STAFF see the figures of what is assigned to them only.
    const lead: Prisma.LeadWhereInput = { deletedAt: null, ...(assignedUserId ? { assignedUserId } : {}) };
    const booking: Prisma.BookingWhereInput = {
      deletedAt: null,
      ...(assignedUserId ? { OR: [{ assignedUserId }, { lead: { assignedUserId } }] } : {}),
    };
    // Credit notes are corrections, not revenue: only invoices count.
    const invoice: Prisma.InvoiceWhereInput = assignedUserId
      ? { kind: 'invoice', booking }
      : { kind: 'invoice' };
    const sms: Prisma.SmsMessageWhereInput = assignedUserId ? { lead: { assignedUserId } } : {};

    // One transaction, one query after another: every figure from the same snapshot.
    return this.db.transaction(async (tx) => {
      const totalLeads = await tx.lead.count({ where: lead });
      const everBooked = await tx.lead.count({ where: { ...lead, firstBookedAt: { not: null } } });
      const newThisWeek = await tx.lead.count({ where: { ...lead, createdAt: { gte: weekStart } } });
      const byStatus = await tx.lead.groupBy({ by: ['status'], where: lead, _count: { _all: true } });
      const bySource = await tx.lead.groupBy({ by: ['source'], where: lead, _count: { _all: true } });
      const upcoming = await tx.booking.count({
        where: { ...booking, status: { in: LIVE }, startsAt: { gt: now } },
      });
      const completed = await tx.booking.count({ where: { ...booking, status: 'completed' } });
      const expired = await tx.booking.count({ where: { ...booking, status: 'expired' } });
      const booked = await tx.booking.aggregate({
        where: { ...booking, status: { in: BOOKED } },
        _sum: { totalAmount: true },
      });
      const invoiced = await tx.invoice.aggregate({
        where: { ...invoice, status: { in: INVOICED } },
        _sum: { total: true },
      });
      const paid = await tx.invoice.aggregate({
        where: { ...invoice, status: 'paid' },
        _sum: { total: true },
      });
      const outstanding = await tx.invoice.aggregate({
        where: { ...invoice, status: { in: OUTSTANDING } },
        _sum: { total: true },
      });
      const smsFailed = await tx.smsMessage.count({
        where: { ...sms, status: { in: ['failed', 'undelivered'] } },
      });
      return {
        totalLeads,
        everBooked,
        newThisWeek,
        byStatus: byStatus.map((row) => ({ status: row.status, count: row._count._all })),
        bySource: bySource.map((row) => ({ source: row.source, count: row._count._all })),
        upcoming,
        completed,
        expired,
        bookedRevenue: booked._sum.totalAmount,
        invoicedRevenue: invoiced._sum.total,
        paidRevenue: paid._sum.total,
        outstanding: outstanding._sum.total,
        smsFailed,
      };
    });
  }
}
