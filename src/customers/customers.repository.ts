import { Injectable } from '@nestjs/common';

import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import type { Page } from '../core/http/pagination.js';
import { LIVE_BOOKING_STATUSES } from '../core/domain/booking-status.js';
import type { Customer, Prisma } from '../generated/prisma/client.js';
import type { CustomerKind } from '../generated/prisma/enums.js';

/** What a STAFF user may see of a customer: only through the leads and bookings assigned to them. */
export interface CustomerVisibility {
  assignedUserId?: string;
}

export interface CustomerListFilter extends CustomerVisibility {
  search?: string;
}

export interface NewCustomer {
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  postalCode: string | null;
  city: string | null;
  /** A company customer: what the lead says of the company (`name` stays the person). */
  kind?: CustomerKind;
  companyName?: string | null;
  cvr?: string | null;
}

/** How many upcoming visits the detail shows per series. */
const UPCOMING_SERIES_VISITS = 5;

const detailInclude = (visibility: CustomerVisibility, now: Date) => {
  const staff = visibility.assignedUserId;
  const bookingWhere: Prisma.BookingWhereInput = {
    deletedAt: null,
    ...(staff ? { OR: [{ assignedUserId: staff }, { lead: { assignedUserId: staff } }] } : {}),
  };
  return {
    leads: {
      where: { deletedAt: null, ...(staff ? { assignedUserId: staff } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    },
    bookings: { where: bookingWhere, orderBy: [{ startsAt: 'desc' }, { id: 'desc' }] },
    invoices: {
      where: staff ? { booking: bookingWhere } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    },
    // Recurring cleaning: each series with its next live visits.
    bookingSeries: {
      where: { deletedAt: null, ...(staff ? { lead: { assignedUserId: staff } } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: {
        visits: {
          where: { ...bookingWhere, status: { in: [...LIVE_BOOKING_STATUSES] }, startsAt: { gt: now } },
          orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
          take: UPCOMING_SERIES_VISITS,
        },
      },
    },
  } satisfies Prisma.CustomerInclude;
};

export type CustomerDetailRow = Prisma.CustomerGetPayload<{ include: ReturnType<typeof detailInclude> }>;
export type CustomerSeriesRow = CustomerDetailRow['bookingSeries'][number];

/**
 * The customers module's only door to the database. Every query runs on the tenant-scoped path (the
 * scoped client or the caller's scoped transaction), and names the tenant in its filter as well.
 */
@Injectable()
export class CustomersRepository {
  constructor(private readonly db: TenantPrismaService) {}

  async page(
    tenantId: string,
    filter: CustomerListFilter,
    orderBy: Prisma.CustomerOrderByWithRelationInput[],
    skip: number,
    take: number,
  ): Promise<Page<Customer>> {
    const search = filter.search;
    const where: Prisma.CustomerWhereInput = {
      tenantId,
      deletedAt: null,
      ...(filter.assignedUserId
        ? { leads: { some: { assignedUserId: filter.assignedUserId, deletedAt: null } } }
        : {}),
      ...(search
        ? {
            OR: [
              { name: { contains: search, mode: 'insensitive' } },
              { email: { contains: search, mode: 'insensitive' } },
              { phone: { contains: phoneDigits(search) ?? search } },
            ],
          }
        : {}),
    };
    const [rows, total] = await this.db.transaction(
      async (tx) =>
        [
          await tx.customer.findMany({ where, orderBy, skip, take }),
          await tx.customer.count({ where }),
        ] as const,
    );
    return { rows, total };
  }

  findDetail(
    tenantId: string,
    customerId: string,
    visibility: CustomerVisibility,
    now: Date,
  ): Promise<CustomerDetailRow | null> {
    return this.db.transaction((tx) =>
      tx.customer.findFirst({
        where: {
          id: customerId,
          tenantId,
          deletedAt: null,
          ...(visibility.assignedUserId
            ? { leads: { some: { assignedUserId: visibility.assignedUserId, deletedAt: null } } }
            : {}),
        },
        include: detailInclude(visibility, now),
      }),
    );
  }

  /**
   * Serialises the linking of leads that share a phone or an e-mail until the transaction ends, so two
   * leads arriving at once for a new customer see each other's customer instead of making two. Keys are
   * locked in a fixed order so two transactions taking the same pair cannot deadlock.
   */
  async lockContactKeys(tx: ScopedTransaction, tenantId: string, keys: string[]): Promise<void> {
    for (const key of [...new Set(keys)].sort()) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`customer:${tenantId}:${key}`}, 0))`;
    }
  }

  /** The phone is unique per tenant, deleted customers included (the unique key does not know deletedAt). */
  findByPhone(tx: ScopedTransaction, tenantId: string, phone: string): Promise<Customer | null> {
    return tx.customer.findUnique({ where: { tenantId_phone: { tenantId, phone }, tenantId } });
  }

  /** E-mail is citext, so equality is case-insensitive; the oldest customer wins if several share it. */
  findByEmail(tx: ScopedTransaction, tenantId: string, email: string): Promise<Customer | null> {
    return tx.customer.findFirst({
      where: { tenantId, email, deletedAt: null },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /**
   * Inserts the customer unless its phone exists already (ON CONFLICT DO NOTHING: unlike a caught
   * unique violation, it does not abort the caller's transaction). Null when another transaction won.
   */
  async createUnlessPhoneTaken(
    tx: ScopedTransaction,
    tenantId: string,
    data: NewCustomer,
  ): Promise<Customer | null> {
    const [created] = await tx.customer.createManyAndReturn({
      data: [{ tenantId, ...data }],
      skipDuplicates: true,
    });
    return created ?? null;
  }

  fillMissing(
    tx: ScopedTransaction,
    tenantId: string,
    customerId: string,
    data: Partial<NewCustomer>,
  ): Promise<Customer> {
    return tx.customer.update({ where: { id_tenantId: { id: customerId, tenantId }, tenantId }, data });
  }
}

/**
 * A search that looks like a phone number ("22 33 44", "+45 2233") as the digits stored in E.164,
 * so it matches however the user spaced it; null for anything else.
 */
export function phoneDigits(search: string): string | null {
  const compact = search.replace(/[\s\-().]/g, '');
  if (!/^\+?\d{2,}$/.test(compact)) return null;
  // Stored numbers are E.164 ("+4522334455"): search on digits, so a fragment matches wherever it
  // stands. "0045…" is an international prefix only on a whole number; "00 12 34" is a fragment.
  const digits = compact.replace(/^\+/, '');
  return digits.length >= 10 && digits.startsWith('00') ? digits.slice(2) : digits;
}
