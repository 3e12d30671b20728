import { Injectable } from '@nestjs/common';

import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import type { Page } from '../core/http/pagination.js';
import { LIVE_BOOKING_STATUSES } from '../core/domain/booking-status.js';
import { phoneDigits } from '../customers/customers.repository.js';
import { Prisma, type Lead } from '../generated/prisma/client.js';
import type { LeadSource, LeadStatus, Priority } from '../generated/prisma/enums.js';
import { CONVERSATION_STATUSES } from './lead-status.js';

export interface LeadListFilter {
  status?: LeadStatus;
  source?: LeadSource;
  priority?: Priority;
  createdFrom?: Date;
  createdTo?: Date;
  search?: string;
  assignedUserId?: string;
  needsAttention?: boolean;
  /** STAFF see only the leads assigned to them (docs/architecture.md, Tenancy). */
  visibleTo?: string;
}

/**
 * What a lead read for the wire leaves out: the whole source mail (often kilobytes, and never in the
 * DTO) and the lower-cased search column. In a page of 50 mailed leads they were most of the bytes
 * PostgreSQL sent and the pg driver and Prisma parsed (bench/README.md, GET /api/leads).
 */
export const leadWireOmit = { emailContent: true, searchText: true } satisfies Prisma.LeadOmit;

/** A lead as the API reads it: every column but the ones `leadWireOmit` leaves out. */
export type LeadOnTheWire = Prisma.LeadGetPayload<{ omit: typeof leadWireOmit }>;

/**
 * Every scalar column of a lead under its Prisma field name, so a raw read (the lock) returns the row
 * exactly as `tx.lead.findUnique` would: the columns are the fields in snake_case (the schema's
 * `@map`s), and PostgreSQL's numeric, timestamptz and json come back as Prisma's Decimal, Date and
 * JSON value.
 */
const LEAD_COLUMNS = Prisma.raw(
  Object.values(Prisma.LeadScalarFieldEnum)
    .map((field) => `"${field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}" AS "${field}"`)
    .join(', '),
);

/** The earliest live booking, for `bookingDate`. */
export const withNextBooking = {
  bookings: {
    where: { deletedAt: null, status: { in: [...LIVE_BOOKING_STATUSES] } },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take: 1,
    select: { startsAt: true },
  },
} satisfies Prisma.LeadInclude;

export type LeadWithNextBooking = Prisma.LeadGetPayload<{
  include: typeof withNextBooking;
  omit: typeof leadWireOmit;
}>;

const detailInclude = {
  customer: true,
  bookings: {
    where: { deletedAt: null },
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    select: { id: true, startsAt: true, endsAt: true, status: true, teamId: true },
  },
  // The other sources of the same conversation, oldest first (docs/architecture.md, step 1).
  linkedLeads: {
    where: { deletedAt: null },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, source: true, customerName: true, serviceType: true, createdAt: true },
  },
  // The latest 20 timeline lines, as GET /leads/:id/activities lists them (newest first).
  activities: {
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 20,
    include: { actor: { select: { id: true, name: true } } },
  },
} satisfies Prisma.LeadInclude;

export type LeadDetailRow = Prisma.LeadGetPayload<{
  include: typeof detailInclude;
  omit: typeof leadWireOmit;
}>;

/**
 * The leads module's only door to the database. Every query runs on the tenant-scoped path and names
 * the tenant in its filter too; soft-deleted leads are never found.
 */
@Injectable()
export class LeadsRepository {
  constructor(private readonly db: TenantPrismaService) {}

  async page(
    tenantId: string,
    filter: LeadListFilter,
    orderBy: Prisma.LeadOrderByWithRelationInput[],
    skip: number,
    take: number,
  ): Promise<Page<LeadWithNextBooking>> {
    const where = listWhere(tenantId, filter);
    const [rows, total] = await this.db.transaction(
      async (tx) =>
        [
          await tx.lead.findMany({
            where,
            include: withNextBooking,
            omit: leadWireOmit,
            orderBy,
            skip,
            take,
          }),
          await tx.lead.count({ where }),
        ] as const,
    );
    return { rows, total };
  }

  findVisible(tenantId: string, leadId: string, visibleTo?: string): Promise<Lead | null> {
    return this.db.transaction((tx) =>
      tx.lead.findFirst({ where: visibleWhere(tenantId, leadId, visibleTo) }),
    );
  }

  findDetail(tenantId: string, leadId: string, visibleTo?: string): Promise<LeadDetailRow | null> {
    return this.db.transaction((tx) =>
      tx.lead.findFirst({
        where: visibleWhere(tenantId, leadId, visibleTo),
        include: detailInclude,
        omit: leadWireOmit,
      }),
    );
  }

  /**
   * The lead, locked until the caller's transaction ends, so two changes to one lead (a user's status
   * move and a booking's system move) apply one after the other, each to the other's result.
   * Deleted leads included: the caller decides what a deleted lead means to it.
   */
  async lock(tx: ScopedTransaction, tenantId: string, leadId: string): Promise<Lead | null> {
    // One statement: the row comes back with its lock (it used to be a SELECT … FOR UPDATE, then the
    // same row read again through Prisma).
    const rows = await tx.$queryRaw<Lead[]>`
      SELECT ${LEAD_COLUMNS} FROM leads
      WHERE id = ${leadId}::uuid AND tenant_id = ${tenantId}::uuid
      FOR UPDATE`;
    return rows[0] ?? null;
  }

  create(
    tx: ScopedTransaction,
    tenantId: string,
    data: Omit<Prisma.LeadUncheckedCreateInput, 'tenantId'>,
  ): Promise<Lead> {
    return tx.lead.create({ data: { ...data, tenantId } });
  }

  /**
   * The open conversation a new lead of this contact joins: the oldest lead created since `since`,
   * still new or contacted, not itself linked, with the same phone (E.164) or e-mail (citext: any
   * case). The caller holds the contact's advisory locks, so a lead committed meanwhile is seen.
   */
  findConversation(
    tx: ScopedTransaction,
    tenantId: string,
    contact: { phone: string | null; email: string | null },
    since: Date,
  ): Promise<Lead | null> {
    const same: Prisma.LeadWhereInput[] = [];
    if (contact.phone) same.push({ customerPhone: contact.phone });
    if (contact.email) same.push({ customerEmail: contact.email });
    if (same.length === 0) return Promise.resolve(null);
    return tx.lead.findFirst({
      where: {
        tenantId,
        deletedAt: null,
        conversationLeadId: null,
        status: { in: [...CONVERSATION_STATUSES] },
        createdAt: { gte: since },
        OR: same,
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /**
   * What a new lead needs of its tenant, in one read: the hourly rate for its price, and how many days
   * back it joins the same customer's open lead (0: never).
   */
  creationSettings(
    tx: ScopedTransaction,
    tenantId: string,
  ): Promise<{ hourlyRate: Prisma.Decimal; conversationDays: number }> {
    return tx.tenant.findUniqueOrThrow({
      where: { id: tenantId },
      select: { hourlyRate: true, conversationDays: true },
    });
  }

  update(
    tx: ScopedTransaction,
    tenantId: string,
    leadId: string,
    data: Prisma.LeadUncheckedUpdateInput,
  ): Promise<LeadWithNextBooking> {
    return tx.lead.update({
      where: { id_tenantId: { id: leadId, tenantId }, tenantId },
      data,
      include: withNextBooking,
      omit: leadWireOmit,
    });
  }

  /**
   * A status move of a lead the caller holds locked, in one statement: unlike `update`, it reads nothing
   * back (the system's moves answer no client with the lead).
   */
  async setStatus(
    tx: ScopedTransaction,
    tenantId: string,
    leadId: string,
    data: { status: LeadStatus; firstBookedAt?: Date },
  ): Promise<void> {
    await tx.lead.updateMany({ where: { id: leadId, tenantId }, data });
  }

  /**
   * Sets these fields if the lead is there (updateMany: a lead gone meanwhile is no error). For the
   * system's marks on a lead from other modules: texted, needs attention.
   */
  async mark(
    tx: ScopedTransaction,
    tenantId: string,
    leadId: string,
    data: { smsSentAt?: Date; needsAttention?: boolean; needsAttentionReason?: string | null },
  ): Promise<void> {
    await tx.lead.updateMany({ where: { id: leadId, tenantId }, data });
  }

  /** The first response e-mail's time; a later one leaves it alone. */
  async markResponseSent(tx: ScopedTransaction, tenantId: string, leadId: string, at: Date): Promise<void> {
    await tx.lead.updateMany({
      where: { id: leadId, tenantId, responseSentAt: null },
      data: { responseSentAt: at },
    });
  }

  /** A deleted lead gives up its source key, so the same pasted mail may become a lead again. */
  async releaseDeletedSource(tenantId: string, sourceMessageId: string): Promise<void> {
    await this.db.client.lead.updateMany({
      where: { tenantId, sourceMessageId, deletedAt: { not: null } },
      data: { sourceMessageId: null },
    });
  }

  withNextBooking(
    tx: ScopedTransaction,
    tenantId: string,
    leadId: string,
  ): Promise<LeadWithNextBooking | null> {
    return tx.lead.findUnique({
      where: { id_tenantId: { id: leadId, tenantId }, tenantId },
      include: withNextBooking,
      omit: leadWireOmit,
    });
  }

  countLiveBookings(tx: ScopedTransaction, tenantId: string, leadId: string): Promise<number> {
    return tx.booking.count({
      where: { tenantId, leadId, deletedAt: null, status: { in: [...LIVE_BOOKING_STATUSES] } },
    });
  }

  /** An active, not deleted member of the tenant: who a lead may be assigned to. */
  async isActiveMember(tx: ScopedTransaction, tenantId: string, userId: string): Promise<boolean> {
    const membership = await tx.membership.findUnique({
      where: { tenantId_userId: { tenantId, userId }, tenantId, user: { active: true, deletedAt: null } },
      select: { id: true },
    });
    return membership !== null;
  }

  async hourlyRate(tx: ScopedTransaction, tenantId: string): Promise<Prisma.Decimal> {
    const tenant = await tx.tenant.findUniqueOrThrow({
      where: { id: tenantId },
      select: { hourlyRate: true },
    });
    return tenant.hourlyRate;
  }
}

function visibleWhere(tenantId: string, leadId: string, visibleTo?: string): Prisma.LeadWhereInput {
  return { id: leadId, tenantId, deletedAt: null, ...(visibleTo ? { assignedUserId: visibleTo } : {}) };
}

function listWhere(tenantId: string, filter: LeadListFilter): Prisma.LeadWhereInput {
  const and: Prisma.LeadWhereInput[] = [];
  if (filter.visibleTo) and.push({ assignedUserId: filter.visibleTo });
  if (filter.assignedUserId) and.push({ assignedUserId: filter.assignedUserId });
  if (filter.search) and.push({ OR: searchClauses(filter.search) });
  return {
    tenantId,
    deletedAt: null,
    status: filter.status,
    source: filter.source,
    priority: filter.priority,
    needsAttention: filter.needsAttention,
    createdAt: { gte: filter.createdFrom, lt: filter.createdTo },
    ...(and.length > 0 ? { AND: and } : {}),
  };
}

/**
 * Free text against `search_text` (name, e-mail, phone, address, postal code and city, lower-cased by
 * a trigger): one LIKE on one trigram-indexed column, which PostgreSQL combines with the tenant filter;
 * five ILIKEs on five columns made it scan every lead of the tenant. A search that looks like a phone
 * number is matched on its digits however it was spaced.
 */
function searchClauses(search: string): Prisma.LeadWhereInput[] {
  const term = phoneDigits(search) ?? search.trim().toLowerCase();
  return [{ searchText: { contains: term } }];
}
