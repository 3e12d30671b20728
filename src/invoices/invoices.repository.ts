import { Injectable } from '@nestjs/common';

import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import type { Page } from '../core/http/pagination.js';
import type { Booking, Customer, Invoice, InvoiceLine, Lead, Prisma } from '../generated/prisma/client.js';
import type { InvoiceStatus } from '../generated/prisma/enums.js';

type Db = Prisma.TransactionClient;

/** What the customer reads about paying: the tenant's own details, all optional. */
export interface PaymentDetails {
  bankRegNo: string | null;
  bankAccountNo: string | null;
  fikCreditorNo: string | null;
  mobilePayNumber: string | null;
}

/** The issuer as the invoice names it. */
export interface InvoiceIssuer extends PaymentDetails {
  name: string;
  cvr: string | null;
  address: string | null;
}

export type InvoiceWithLines = Invoice & { lines: InvoiceLine[] };
export type BookingForInvoice = Booking & { lead: Lead; customer: Customer | null; invoice: Invoice | null };

/** Issued and not settled: what payment polling reads and the overdue schedule checks. */
export const UNPAID_STATUSES: readonly InvoiceStatus[] = ['approved', 'sent', 'overdue'];

export interface InvoiceFilter {
  status?: InvoiceStatus;
  customerId?: string;
  /** Unpaid with the due date before this day. */
  overdueBefore?: Date;
  /** STAFF see the invoices of bookings assigned to them (or of leads assigned to them) only. */
  visibleTo?: string;
}

export interface NewInvoice {
  id: string;
  kind: 'invoice' | 'credit_note';
  bookingId: string | null;
  creditedInvoiceId: string | null;
  customerId: string | null;
  customerName: string;
  customerEmail: string | null;
  customerAddress: string | null;
  customerCvr: string | null;
  reference: string;
  currency: string;
  subtotal: Prisma.Decimal;
  vatAmount: Prisma.Decimal;
  total: Prisma.Decimal;
  status: InvoiceStatus;
  number: string | null;
  issueDate: Date;
  dueDate: Date;
  approvedAt: Date | null;
  lines: Array<{
    position: number;
    description: string;
    quantity: Prisma.Decimal;
    unitPrice: Prisma.Decimal;
    vatRate: Prisma.Decimal;
    netAmount: Prisma.Decimal;
    vatAmount: Prisma.Decimal;
    grossAmount: Prisma.Decimal;
    /** A monthly invoice's line names the visit it bills. */
    bookingId?: string | null;
  }>;
  /** A customer's monthly invoice for recurring cleaning: "YYYY-MM". */
  billingMonth?: string | null;
}

/** A completed series visit waiting for its customer's monthly invoice. */
export type MonthlyVisit = BookingForInvoice & { series: { fixedPrice: Prisma.Decimal | null } | null };

export type InvoiceChange = Pick<
  Prisma.InvoiceUncheckedUpdateManyInput,
  | 'status'
  | 'number'
  | 'issueDate'
  | 'dueDate'
  | 'approvedAt'
  | 'sentAt'
  | 'sendRequestedAt'
  | 'deliveries'
  | 'paidAt'
  | 'paidAmount'
  | 'billyInvoiceId'
  | 'billyTotals'
  | 'billyIntentAt'
  | 'needsAttention'
  | 'needsAttentionReason'
>;

/** The billing settings of the current tenant that invoicing needs beyond the profile. */
export interface BillingSettings {
  name: string;
  timezone: string;
  currency: string;
  vatRate: Prisma.Decimal;
  paymentTermsDays: number;
  billyInvoiceState: 'draft' | 'approved';
}

const withLines = { lines: { orderBy: { position: 'asc' } } } as const;

@Injectable()
export class InvoicesRepository {
  constructor(private readonly tenantPrisma: TenantPrismaService) {}

  private db(db?: Db): Db {
    return db ?? (this.tenantPrisma.client as unknown as Db);
  }

  private static visibility(visibleTo?: string): Prisma.InvoiceWhereInput {
    if (!visibleTo) return {};
    return {
      booking: { OR: [{ assignedUserId: visibleTo }, { lead: { assignedUserId: visibleTo } }] },
    };
  }

  /** Another invoice of the tenant already carrying this legal number, if any. */
  findOtherWithNumber(
    tenantId: string,
    number: string,
    exceptId: string,
    db?: Db,
  ): Promise<{ id: string; reference: string } | null> {
    return this.db(db).invoice.findFirst({
      where: { tenantId, number, id: { not: exceptId } },
      select: { id: true, reference: true },
    });
  }

  find(tenantId: string, invoiceId: string, visibleTo?: string, db?: Db): Promise<InvoiceWithLines | null> {
    return this.db(db).invoice.findFirst({
      where: { id: invoiceId, tenantId, ...InvoicesRepository.visibility(visibleTo) },
      include: withLines,
    });
  }

  /** Locks the invoice row for the rest of the transaction: approvals and payments of one invoice queue. */
  async lock(tx: ScopedTransaction, tenantId: string, invoiceId: string): Promise<InvoiceWithLines | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM invoices WHERE id = ${invoiceId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    if (rows.length === 0) return null;
    return this.find(tenantId, invoiceId, undefined, tx);
  }

  async page(
    tenantId: string,
    filter: InvoiceFilter,
    orderBy: Prisma.InvoiceOrderByWithRelationInput[],
    window: { skip: number; take: number },
  ): Promise<Page<InvoiceWithLines>> {
    const where: Prisma.InvoiceWhereInput = {
      tenantId,
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.customerId ? { customerId: filter.customerId } : {}),
      ...(filter.overdueBefore
        ? { status: { in: [...UNPAID_STATUSES] }, dueDate: { lt: filter.overdueBefore } }
        : {}),
      ...InvoicesRepository.visibility(filter.visibleTo),
    };
    if (filter.status && filter.overdueBefore) {
      where.AND = [{ status: filter.status }, { status: { in: [...UNPAID_STATUSES] } }];
    }
    const [rows, total] = await this.tenantPrisma.transaction(
      async (tx) =>
        [
          await tx.invoice.findMany({
            where,
            orderBy,
            skip: window.skip,
            take: window.take,
            include: withLines,
          }),
          await tx.invoice.count({ where }),
        ] as const,
    );
    return { rows, total };
  }

  findBooking(
    tenantId: string,
    bookingId: string,
    visibleTo: string | undefined,
    db?: Db,
  ): Promise<BookingForInvoice | null> {
    return this.db(db).booking.findFirst({
      where: {
        id: bookingId,
        tenantId,
        deletedAt: null,
        ...(visibleTo
          ? { OR: [{ assignedUserId: visibleTo }, { lead: { assignedUserId: visibleTo } }] }
          : {}),
      },
      include: { lead: true, customer: true, invoice: true },
    });
  }

  /**
   * A customer's completed visits of series invoiced monthly, started in [from, to), that no invoice
   * bills yet (neither their own draft nor a monthly line). `monthlyByDefault`: the tenant's rule for
   * series that do not say.
   */
  monthlyVisits(
    tx: ScopedTransaction,
    tenantId: string,
    customerId: string,
    range: { from: Date; to: Date },
    monthlyByDefault: boolean,
  ): Promise<MonthlyVisit[]> {
    return tx.booking.findMany({
      where: {
        tenantId,
        customerId,
        deletedAt: null,
        status: 'completed',
        startsAt: { gte: range.from, lt: range.to },
        invoice: null,
        invoiceLines: { none: {} },
        series: monthlyByDefault
          ? { OR: [{ invoicing: 'monthly' }, { invoicing: null }] }
          : { invoicing: 'monthly' },
      },
      include: { lead: true, customer: true, invoice: true, series: { select: { fixedPrice: true } } },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** The customers with completed visits in the range that wait for a monthly invoice. */
  async customersWithMonthlyVisits(
    tx: ScopedTransaction,
    tenantId: string,
    range: { from: Date; to: Date },
    monthlyByDefault: boolean,
  ): Promise<string[]> {
    const rows = await tx.booking.findMany({
      where: {
        tenantId,
        customerId: { not: null },
        deletedAt: null,
        status: 'completed',
        startsAt: { gte: range.from, lt: range.to },
        invoice: null,
        invoiceLines: { none: {} },
        series: monthlyByDefault
          ? { OR: [{ invoicing: 'monthly' }, { invoicing: null }] }
          : { invoicing: 'monthly' },
      },
      distinct: ['customerId'],
      select: { customerId: true },
    });
    return rows.flatMap((row) => (row.customerId ? [row.customerId] : []));
  }

  async tenantsWithSeries(system: Db): Promise<string[]> {
    const rows = await system.bookingSeries.findMany({ distinct: ['tenantId'], select: { tenantId: true } });
    return rows.map((row) => row.tenantId);
  }

  /** The monthly invoice a customer already has for a month, if any. */
  findMonthly(tx: ScopedTransaction, tenantId: string, customerId: string, month: string) {
    return tx.invoice.findFirst({
      where: { tenantId, customerId, billingMonth: month },
      select: { id: true },
    });
  }

  async create(tx: ScopedTransaction, tenantId: string, invoice: NewInvoice): Promise<InvoiceWithLines> {
    const { lines, ...row } = invoice;
    await tx.invoice.create({ data: { ...row, tenantId } });
    await tx.invoiceLine.createMany({
      data: lines.map((line) => ({ ...line, tenantId, invoiceId: invoice.id })),
    });
    return (await this.find(tenantId, invoice.id, undefined, tx))!;
  }

  /** Compare-and-set on the status: false when the invoice was not in one of `from` any more. */
  async updateIfStatus(
    tx: ScopedTransaction,
    tenantId: string,
    invoiceId: string,
    from: readonly InvoiceStatus[],
    change: InvoiceChange,
  ): Promise<boolean> {
    const { count } = await tx.invoice.updateMany({
      where: { id: invoiceId, tenantId, status: { in: [...from] } },
      data: change,
    });
    return count === 1;
  }

  async update(
    tx: ScopedTransaction,
    tenantId: string,
    invoiceId: string,
    change: InvoiceChange,
  ): Promise<void> {
    await tx.invoice.updateMany({ where: { id: invoiceId, tenantId }, data: change });
  }

  /** One change committed on its own (the Billy job's intent and ids, which must survive a later failure). */
  /**
   * Claims the right to create the invoice in Billy: moves `billyIntentAt` from what this push saw to
   * now, only while the invoice has no Billy id. Of two pushes at once, one wins; the other retries and
   * then finds the invoice (by its stored id, or in Billy by our reference).
   */
  async claimBillyIntent(
    tenantId: string,
    invoiceId: string,
    seen: Date | null,
    now: Date,
  ): Promise<boolean> {
    const claimed = await this.db().invoice.updateMany({
      where: { id: invoiceId, tenantId, billyInvoiceId: null, billyIntentAt: seen },
      data: { billyIntentAt: now },
    });
    return claimed.count === 1;
  }

  async save(tenantId: string, invoiceId: string, change: InvoiceChange): Promise<void> {
    await this.db().invoice.updateMany({ where: { id: invoiceId, tenantId }, data: change });
  }

  /**
   * The next number of the tenant's gapless counter. The UPDATE locks the tenant row until the
   * transaction ends, so approvals at the same moment queue here and each gets its own number; a
   * rolled-back approval rolls its increment back with it, leaving no gap.
   */
  async takeInvoiceNumber(tx: ScopedTransaction, tenantId: string): Promise<number> {
    const tenant = await tx.tenant.update({
      where: { id: tenantId },
      data: { lastInvoiceNumber: { increment: 1 } },
      select: { lastInvoiceNumber: true },
    });
    return tenant.lastInvoiceNumber;
  }

  async billingSettings(tenantId: string, db?: Db): Promise<BillingSettings> {
    const tenant = await this.db(db).tenant.findUniqueOrThrow({
      where: { id: tenantId },
      select: {
        name: true,
        timezone: true,
        currency: true,
        vatRate: true,
        paymentTermsDays: true,
        billyInvoiceState: true,
      },
    });
    return tenant;
  }

  /** The tenant's rule for series that do not say how they are invoiced ("per_visit" or "monthly"). */
  async seriesInvoicingRule(tx: ScopedTransaction, tenantId: string): Promise<string | null> {
    const row = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { seriesRules: true } });
    return (row.seriesRules as { invoicing?: string } | null)?.invoicing ?? null;
  }

  /** The tenant as its invoices name it: name, CVR, address and how to pay. */
  issuer(tenantId: string, db?: Db): Promise<InvoiceIssuer> {
    return this.db(db).tenant.findUniqueOrThrow({
      where: { id: tenantId },
      select: {
        name: true,
        cvr: true,
        address: true,
        bankRegNo: true,
        bankAccountNo: true,
        fikCreditorNo: true,
        mobilePayNumber: true,
      },
    });
  }

  findCustomer(tenantId: string, customerId: string, db?: Db): Promise<Customer | null> {
    return this.db(db).customer.findFirst({ where: { id: customerId, tenantId } });
  }

  async setBillyContactId(tenantId: string, customerId: string, billyContactId: string): Promise<void> {
    await this.db().customer.updateMany({ where: { id: customerId, tenantId }, data: { billyContactId } });
  }

  /** The lead behind an invoice (through its booking, or the credited invoice's booking). */
  async leadIdOf(tenantId: string, invoice: Invoice, db?: Db): Promise<string | null> {
    const bookingId =
      invoice.bookingId ??
      (invoice.creditedInvoiceId
        ? (await this.db(db).invoice.findFirst({ where: { id: invoice.creditedInvoiceId, tenantId } }))
            ?.bookingId
        : null);
    if (!bookingId) return null;
    const booking = await this.db(db).booking.findFirst({ where: { id: bookingId, tenantId } });
    return booking?.leadId ?? null;
  }

  countCreditNotes(tenantId: string, invoiceId: string, db?: Db): Promise<number> {
    return this.db(db).invoice.count({ where: { tenantId, creditedInvoiceId: invoiceId } });
  }

  // Schedules ---------------------------------------------------------------------------------------

  /** Tenants with issued, unpaid invoices in Billy: the payment poll's fan-out (system path). */
  async tenantsWithUnpaidBillyInvoices(tx: Db): Promise<string[]> {
    const rows = await tx.invoice.findMany({
      where: { status: { in: [...UNPAID_STATUSES] }, billyInvoiceId: { not: null }, kind: 'invoice' },
      distinct: ['tenantId'],
      select: { tenantId: true },
    });
    return rows.map((row) => row.tenantId);
  }

  /** Tenants with unpaid invoices due before `day`: the overdue schedule's fan-out (system path). */
  async tenantsWithInvoicesDueBefore(tx: Db, day: Date): Promise<string[]> {
    const rows = await tx.invoice.findMany({
      where: { status: { in: [...UNPAID_STATUSES] }, kind: 'invoice', dueDate: { lt: day } },
      distinct: ['tenantId'],
      select: { tenantId: true },
    });
    return rows.map((row) => row.tenantId);
  }

  unpaidBillyInvoices(tenantId: string, limit: number): Promise<Invoice[]> {
    return this.db().invoice.findMany({
      where: {
        tenantId,
        status: { in: [...UNPAID_STATUSES] },
        billyInvoiceId: { not: null },
        kind: 'invoice',
      },
      orderBy: { dueDate: 'asc' },
      take: limit,
    });
  }

  dueBefore(tx: ScopedTransaction, tenantId: string, day: Date, limit: number): Promise<Invoice[]> {
    return tx.invoice.findMany({
      where: { tenantId, status: { in: [...UNPAID_STATUSES] }, kind: 'invoice', dueDate: { lt: day } },
      orderBy: { dueDate: 'asc' },
      take: limit,
    });
  }
}
