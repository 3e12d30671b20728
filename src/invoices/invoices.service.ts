import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

import { ActivitiesService } from '../activities/activities.service.js';
import { isStaff, type Principal } from '../auth/principal.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { formatDate, formatHours, formatKroner } from '../core/format/danish.js';
import { findSqlState } from '../core/http/database-errors.js';
import { paginated, parseSort } from '../core/http/pagination.js';
import { Decimal, money, toMoneyString, type Money } from '../core/money/money.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import type { InvoiceStatus } from '../generated/prisma/enums.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { LeadsService } from '../leads/leads.service.js';
import {
  INVOICE_SORT_FIELDS,
  type CreditNoteDto,
  type InvoiceQueryDto,
  type RecordPaymentDto,
} from './dto/invoice-input.dto.js';
import { InvoiceDto, type InvoicePageDto } from './dto/invoice.dto.js';
import { priceInvoice, type InvoiceAmounts, type LineInput } from './invoice-amounts.js';
import {
  AlreadyCreditedError,
  BillyNotConfiguredError,
  BookingAlreadyInvoicedError,
  BookingNotCompletedError,
  InvoiceBookingNotFoundError,
  InvoiceFieldError,
  InvoiceNotFoundError,
  InvoiceStatusError,
  MonthlyInvoiceExistsError,
  NoMonthlyVisitsError,
  NotYetInBillyError,
  PaymentsInBillyError,
} from './invoices.errors.js';
import {
  InvoicesRepository,
  UNPAID_STATUSES,
  type BillingSettings,
  type BookingForInvoice,
  type InvoiceWithLines,
} from './invoices.repository.js';
import { Clock } from '../core/time/clock.js';
import { aboutInvoice } from './invoice-activity.js';

/** Statuses of an issued invoice that a credit note may correct. */
const CREDITABLE: readonly InvoiceStatus[] = ['approved', 'sent', 'overdue', 'paid'];
const SENDABLE: readonly InvoiceStatus[] = ['approved', 'sent', 'overdue'];

/** Today in the tenant's zone, as the date columns hold it (midnight UTC of that calendar day). */
export function tenantToday(timezone: string, now: Date): Date {
  const day = DateTime.fromJSDate(now, { zone: timezone }).toISODate()!;
  return new Date(`${day}T00:00:00Z`);
}

export const addDays = (day: Date, days: number): Date => new Date(day.getTime() + days * 86_400_000);

/** A date column's calendar day as `YYYY-MM-DD` (empty for none). */
export const isoDay = (value: Date | null): string => (value ? value.toISOString().slice(0, 10) : '');

/** Our reference: random (64 bits), short enough to read out on the phone, searchable in Billy. */
function newReference(): string {
  const hex = randomUUID().replace(/-/g, '').toUpperCase();
  return `RO-${hex.slice(0, 8)}-${hex.slice(8, 16)}`;
}

/** What every new draft invoice is: ours to number on approval, dated today in the tenant's zone. */
function newDraft(settings: BillingSettings, amounts: InvoiceAmounts, now: Date) {
  const today = tenantToday(settings.timezone, now);
  return {
    id: randomUUID(),
    kind: 'invoice' as const,
    creditedInvoiceId: null,
    reference: newReference(),
    currency: settings.currency,
    subtotal: amounts.subtotal,
    vatAmount: amounts.vatAmount,
    total: amounts.total,
    status: 'draft' as const,
    number: null,
    issueDate: today,
    dueDate: addDays(today, settings.paymentTermsDays),
    approvedAt: null,
  };
}

/**
 * Invoices (docs/architecture.md, step 8): drafts from completed bookings, approval with the legal
 * number, sending, credit notes and payments recorded by hand. Billy's side runs in jobs
 * (BillySyncService; BillingService polls payments): this service only writes the outbox job that
 * starts it, in the same transaction as the change that needs it.
 */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly repository: InvoicesRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly leads: LeadsService,
    private readonly activities: ActivitiesService,
    private readonly credentials: CredentialsService,
    private readonly outbox: OutboxService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  // Reads -------------------------------------------------------------------------------------------

  async list(principal: Principal, query: InvoiceQueryDto): Promise<InvoicePageDto> {
    const orderBy = parseSort(query.sort, INVOICE_SORT_FIELDS, { field: 'createdAt', direction: 'desc' });
    const tenantId = this.tenantPrisma.tenantId;
    const overdueBefore = query.overdue
      ? tenantToday((await this.repository.billingSettings(tenantId)).timezone, this.clock.now())
      : undefined;
    const page = await this.repository.page(
      tenantId,
      {
        status: query.status,
        customerId: query.customerId,
        overdueBefore,
        visibleTo: isStaff(principal) ? principal.userId : undefined,
      },
      orderBy,
      { skip: query.skip, take: query.pageSize },
    );
    return paginated(query, page, InvoiceDto.from);
  }

  async get(principal: Principal, invoiceId: string): Promise<InvoiceDto> {
    return InvoiceDto.from(await this.findVisible(principal, invoiceId));
  }

  // Drafts ------------------------------------------------------------------------------------------

  /** POST /invoices: the draft of a completed booking that has none yet. */
  async createForBooking(principal: Principal, bookingId: string): Promise<InvoiceDto> {
    const tenantId = this.tenantPrisma.tenantId;
    const visibleTo = isStaff(principal) ? principal.userId : undefined;
    if (!(await this.repository.findBooking(tenantId, bookingId, visibleTo)))
      throw new InvoiceBookingNotFoundError();
    const invoice = await this.guardOnePerBooking(bookingId, () =>
      this.unitOfWork.run(async (work) => {
        const booking = await this.repository.findBooking(tenantId, bookingId, visibleTo, work.tx);
        if (!booking) throw new InvoiceBookingNotFoundError();
        const draft = await this.createDraft(work.tx, booking, principal.userId);
        work.relayAfterCommit(draft.outboxIds);
        work.invalidatesCache();
        return draft.invoice;
      }),
    );
    return InvoiceDto.from(invoice);
  }

  /**
   * The seam of BookingsService.complete: the draft invoice of the booking just completed, in the
   * completing transaction, so a completed booking never lacks its invoice. Returns the outbox ids to
   * relay after commit.
   */
  async draftForCompletedBooking(
    tx: ScopedTransaction,
    bookingId: string,
    actorUserId: string | null,
  ): Promise<string[]> {
    const booking = await this.repository.findBooking(this.tenantPrisma.tenantId, bookingId, undefined, tx);
    if (!booking) throw new InvoiceBookingNotFoundError();
    return (await this.createDraft(tx, booking, actorUserId)).outboxIds;
  }

  /**
   * A customer's monthly invoice for recurring cleaning: one line per completed visit of the month
   * (tenant time zone) whose series is invoiced monthly, each line's net and VAT to the øre as any
   * invoice (`priceInvoice`). One per customer and month (unique), and a visit is on one line at most
   * (unique), so a second call answers the existing invoice's 409 instead of billing twice.
   */
  async draftMonthly(actorUserId: string | null, customerId: string, month: string): Promise<InvoiceDto> {
    const tenantId = this.tenantPrisma.tenantId;
    const invoice = await this.unitOfWork.run(async (work) => {
      const { tx } = work;
      const existing = await this.repository.findMonthly(tx, tenantId, customerId, month);
      if (existing) throw new MonthlyInvoiceExistsError(existing.id, month);
      const settings = await this.repository.billingSettings(tenantId, tx);
      const start = DateTime.fromISO(`${month}-01`, { zone: settings.timezone });
      const range = { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
      const monthlyByDefault = (await this.repository.seriesInvoicingRule(tx, tenantId)) === 'monthly';
      const visits = await this.repository.monthlyVisits(tx, tenantId, customerId, range, monthlyByDefault);
      if (visits.length === 0) throw new NoMonthlyVisitsError(customerId, month);
      const amounts = priceInvoice(
        visits.map((visit) => {
          const day = formatDate(visit.startsAt, settings.timezone);
          const fixed = visit.series?.fixedPrice ?? null;
          return fixed
            ? {
                description: `${visit.lead.serviceType} ${day}`,
                quantity: 1,
                unitPrice: fixed,
                vatRate: settings.vatRate,
              }
            : {
                description: `${visit.lead.serviceType} ${day}, ${formatHours(visit.hoursWorked!)}`,
                quantity: visit.hoursWorked!,
                unitPrice: visit.hourlyRate,
                vatRate: settings.vatRate,
              };
        }),
      );
      const created = await this.repository.create(tx, tenantId, {
        ...newDraft(settings, amounts, this.clock.now()),
        bookingId: null,
        ...customerSnapshot(visits[visits.length - 1]!),
        billingMonth: month,
        lines: amounts.lines.map((line, index) => ({ ...line, bookingId: visits[index]!.id })),
      });
      await this.activities.record(tx, {
        type: 'invoice',
        title: 'Månedsfaktura oprettet',
        description: `Kladde på ${formatKroner(created.total)} inkl. moms for ${visits.length} besøg i ${month}`,
        status: 'info',
        customerId: created.customerId,
        leadId: visits[visits.length - 1]!.leadId,
        invoiceId: created.id,
        actorUserId,
        metadata: {
          reference: created.reference,
          month,
          visits: visits.length,
          total: toMoneyString(created.total),
        },
      });
      work.relayAfterCommit([await this.pushJob(tx, created.id)]);
      work.invalidatesCache();
      return created;
    });
    return InvoiceDto.from(invoice);
  }

  /**
   * The monthly schedule: every customer of the current tenant with completed visits of `month` waiting
   * for a monthly invoice gets it. Idempotent: a customer already invoiced for the month has no visits
   * left waiting, so a second run makes nothing.
   */
  async draftMonthlyForAll(month: string): Promise<number> {
    const tenantId = this.tenantPrisma.tenantId;
    const customerIds = await this.unitOfWork.run(async ({ tx }) => {
      const settings = await this.repository.billingSettings(tenantId, tx);
      const start = DateTime.fromISO(`${month}-01`, { zone: settings.timezone });
      const monthlyByDefault = (await this.repository.seriesInvoicingRule(tx, tenantId)) === 'monthly';
      const range = { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
      return this.repository.customersWithMonthlyVisits(tx, tenantId, range, monthlyByDefault);
    });
    for (const customerId of customerIds) await this.draftMonthly(null, customerId, month);
    return customerIds.length;
  }

  /** The tenants with any series: the monthly schedule's fan-out (system path). */
  async tenantsWithSeries(system: ScopedTransaction): Promise<string[]> {
    return this.repository.tenantsWithSeries(system);
  }

  /**
   * Hands committed outbox rows to the queue (for callers that wrote them in their own transaction and
   * do not run it as a UnitOfWork; inside one, `work.relayAfterCommit(ids)` does this).
   */
  relay(outboxIds: readonly string[]): void {
    this.outbox.relay(outboxIds);
  }

  /**
   * A customer's late cancellation (the booking link or AFLYS, past the tenant's free notice): the
   * booking's draft invoice with one fee line (quantity 1, `feeExclVat`, the tenant's VAT rate), in the
   * cancelling transaction. A cancelled booking has no invoice yet (only completed ones get one), so the
   * draft is made here; null when the booking already has an invoice, which staff then correct by hand.
   */
  async draftCancellationFee(
    tx: ScopedTransaction,
    bookingId: string,
    fee: { description: string; feeExclVat: Money },
    actorUserId: string | null,
  ): Promise<{ invoice: InvoiceWithLines; outboxIds: string[] } | null> {
    const booking = await this.repository.findBooking(this.tenantPrisma.tenantId, bookingId, undefined, tx);
    if (!booking) throw new InvoiceBookingNotFoundError();
    if (booking.invoice) return null;
    const settings = await this.repository.billingSettings(this.tenantPrisma.tenantId, tx);
    return this.insertDraft(
      tx,
      booking,
      settings,
      [{ description: fee.description, quantity: 1, unitPrice: fee.feeExclVat, vatRate: settings.vatRate }],
      { what: 'gebyr for sen aflysning', actorUserId },
    );
  }

  private async createDraft(
    tx: ScopedTransaction,
    booking: BookingForInvoice,
    actorUserId: string | null,
  ): Promise<{ invoice: InvoiceWithLines; outboxIds: string[] }> {
    if (booking.status !== 'completed' || !booking.hoursWorked)
      throw new BookingNotCompletedError(booking.status);
    if (booking.invoice) throw new BookingAlreadyInvoicedError(booking.invoice.id);
    const tenantId = this.tenantPrisma.tenantId;
    const settings = await this.repository.billingSettings(tenantId, tx);
    const hours = booking.hoursWorked;
    // The rate the customer was quoted: the tenant's hourly rate as it stood when the job was booked.
    return this.insertDraft(
      tx,
      booking,
      settings,
      [
        {
          description: `${booking.lead.serviceType}, ${formatHours(hours)}`,
          quantity: hours,
          unitPrice: booking.hourlyRate,
          vatRate: settings.vatRate,
        },
      ],
      { what: formatHours(hours), actorUserId },
    );
  }

  /** The draft of `booking` with `lines`, its activity and the Billy push job. */
  private async insertDraft(
    tx: ScopedTransaction,
    booking: BookingForInvoice,
    settings: BillingSettings,
    lines: LineInput[],
    about: { what: string; actorUserId: string | null },
  ): Promise<{ invoice: InvoiceWithLines; outboxIds: string[] }> {
    const tenantId = this.tenantPrisma.tenantId;
    const actorUserId = about.actorUserId;
    const amounts = priceInvoice(lines);
    const invoice = await this.repository.create(tx, tenantId, {
      ...newDraft(settings, amounts, this.clock.now()),
      bookingId: booking.id,
      ...customerSnapshot(booking),
      lines: amounts.lines,
    });
    await this.activities.record(tx, {
      type: 'invoice',
      title: 'Faktura oprettet',
      description: `Kladde på ${formatKroner(invoice.total)} inkl. moms (${about.what})`,
      status: 'info',
      customerId: invoice.customerId,
      leadId: booking.leadId,
      bookingId: booking.id,
      invoiceId: invoice.id,
      actorUserId,
      metadata: { reference: invoice.reference, total: toMoneyString(invoice.total) },
    });
    // With Billy configured the job creates it there; without, it finds nothing to do.
    const outboxIds = [await this.pushJob(tx, invoice.id)];
    return { invoice, outboxIds };
  }

  // Approval ----------------------------------------------------------------------------------------

  /**
   * Issues the invoice. Without Billy it takes the next number of the tenant's gapless counter in this
   * transaction. With Billy, Billy's number is the legal one: the invoice is approved here and the job
   * approves it in Billy and reads the number back.
   */
  async approve(principal: Principal, invoiceId: string): Promise<InvoiceDto> {
    const tenantId = this.tenantPrisma.tenantId;
    const withBilly = await this.billyConfigured();
    const invoice = await this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      work.invalidatesCache();
      const current = await this.lockVisible(tx, invoiceId);
      if (current.status !== 'draft') throw new InvoiceStatusError('approved', current.status, ['draft']);
      const { settings, today, number } = await this.issuing(tx, tenantId, withBilly);
      await this.repository.update(tx, tenantId, current.id, {
        status: 'approved',
        ...(number ? { number } : {}),
        approvedAt: new Date(),
        issueDate: today,
        dueDate: addDays(today, settings.paymentTermsDays),
      });
      const leadId = await this.repository.leadIdOf(tenantId, current, tx);
      await this.activities.record(tx, {
        type: 'invoice',
        title: 'Faktura godkendt',
        description: number
          ? `Faktura nr. ${number} på ${formatKroner(current.total)} inkl. moms`
          : `Faktura på ${formatKroner(current.total)} inkl. moms; nummeret kommer fra Billy`,
        status: 'success',
        ...aboutInvoice(current, principal.userId, leadId),
        metadata: { number, billy: withBilly },
      });
      if (leadId) await this.leads.applySystemMove(tx, leadId, 'invoice_created', principal.userId);
      if (withBilly) await work.enqueue('invoices.push-to-billy', { tenantId, invoiceId: current.id });
      return (await this.repository.find(tenantId, current.id, undefined, tx))!;
    });
    return InvoiceDto.from(invoice);
  }

  /**
   * Queues the delivery of the issued invoice to the customer (`invoices.send`): Billy's invoice e-mail
   * with Billy, else the PDF through the tenant's Gmail. The invoice is sent when the provider accepts
   * it (InvoiceDeliveryService), not here. Asking again while a delivery is queued or done changes
   * nothing; `resend` asks for another delivery (or retries a failed one).
   */
  async send(principal: Principal, invoiceId: string, resend = false): Promise<InvoiceDto> {
    const tenantId = this.tenantPrisma.tenantId;
    const withBilly = await this.billyConfigured();
    const invoice = await this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      work.invalidatesCache();
      const current = await this.lockVisible(tx, invoiceId);
      if (!SENDABLE.includes(current.status) || current.kind !== 'invoice')
        throw new InvoiceStatusError('sent', current.status, SENDABLE);
      // Without Billy the number is ours, given at approval; with Billy the job waits for Billy's.
      if (!current.number && !withBilly)
        throw new InvoiceStatusError('sent before it has its number', current.status, SENDABLE);
      if (!current.customerEmail)
        throw new InvoiceFieldError('customerEmail', 'the invoice has no customer e-mail to send it to');
      if (!resend && (current.deliveries > 0 || current.sendRequestedAt !== null)) return current;
      await this.repository.update(tx, tenantId, current.id, { sendRequestedAt: this.clock.now() });
      await this.activities.record(tx, {
        type: 'invoice',
        title: current.deliveries > 0 ? 'Faktura sendes igen' : 'Faktura sendes',
        description: `Faktura${current.number ? ` nr. ${current.number}` : ''} sendes til ${current.customerEmail}${withBilly ? ' gennem Billy' : ' som PDF'}`,
        status: 'info',
        ...aboutInvoice(current, principal.userId, await this.repository.leadIdOf(tenantId, current, tx)),
        metadata: { delivery: current.deliveries + 1, billy: withBilly, resend },
      });
      await work.enqueue('invoices.send', {
        tenantId,
        invoiceId: current.id,
        delivery: current.deliveries + 1,
      });
      return (await this.repository.find(tenantId, current.id, undefined, tx))!;
    });
    return InvoiceDto.from(invoice);
  }

  /** Runs the Billy job again for this invoice (after fixing what made it need attention). */
  async sync(principal: Principal, invoiceId: string): Promise<InvoiceDto> {
    // Another tenant's invoice is a 404 whatever this tenant's integrations are.
    await this.findVisible(principal, invoiceId);
    if (!(await this.billyConfigured())) throw new BillyNotConfiguredError();
    const tenantId = this.tenantPrisma.tenantId;
    const invoice = await this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      const current = await this.lockVisible(tx, invoiceId);
      await this.repository.update(tx, tenantId, current.id, {
        needsAttention: false,
        needsAttentionReason: null,
      });
      await this.activities.record(tx, {
        type: 'invoice',
        title: 'Synkronisering med Billy startet',
        status: 'info',
        ...aboutInvoice(current, principal.userId),
      });
      await work.enqueue('invoices.push-to-billy', { tenantId, invoiceId: current.id });
      return (await this.repository.find(tenantId, current.id, undefined, tx))!;
    });
    return InvoiceDto.from(invoice);
  }

  // Corrections and payments ------------------------------------------------------------------------

  /**
   * An issued invoice is never edited or deleted: a credit note of its full amount corrects it. The
   * credit note is issued at once (numbered like an invoice), and the invoice becomes credited.
   */
  async creditNote(principal: Principal, invoiceId: string, dto: CreditNoteDto): Promise<InvoiceDto> {
    const tenantId = this.tenantPrisma.tenantId;
    const withBilly = await this.billyConfigured();
    const creditNote = await this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      work.invalidatesCache();
      const original = await this.lockVisible(tx, invoiceId);
      if (original.kind !== 'invoice' || !CREDITABLE.includes(original.status))
        throw new InvoiceStatusError('credited', original.status, CREDITABLE);
      if ((await this.repository.countCreditNotes(tenantId, original.id, tx)) > 0)
        throw new AlreadyCreditedError();
      if (withBilly && !original.billyInvoiceId) throw new NotYetInBillyError();
      const { today, number } = await this.issuing(tx, tenantId, withBilly);
      const created = await this.repository.create(tx, tenantId, {
        id: randomUUID(),
        kind: 'credit_note',
        bookingId: null,
        creditedInvoiceId: original.id,
        customerId: original.customerId,
        customerName: original.customerName,
        customerEmail: original.customerEmail,
        customerAddress: original.customerAddress,
        customerCvr: original.customerCvr,
        reference: `${original.reference}-K`,
        currency: original.currency,
        subtotal: original.subtotal,
        vatAmount: original.vatAmount,
        total: original.total,
        status: 'approved',
        number,
        issueDate: today,
        dueDate: today,
        approvedAt: new Date(),
        lines: original.lines.map((line) => ({
          position: line.position,
          description: line.description,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
          vatRate: line.vatRate,
          netAmount: line.netAmount,
          vatAmount: line.vatAmount,
          grossAmount: line.grossAmount,
        })),
      });
      await this.repository.update(tx, tenantId, original.id, { status: 'credited' });
      await this.activities.record(tx, {
        type: 'invoice',
        title: 'Kreditnota oprettet',
        description: `Krediterer faktura nr. ${original.number ?? original.reference} (${formatKroner(original.total)})${dto.reason ? `: ${dto.reason}` : ''}`,
        status: 'warning',
        customerId: original.customerId,
        leadId: await this.repository.leadIdOf(tenantId, original, tx),
        bookingId: original.bookingId,
        invoiceId: created.id,
        actorUserId: principal.userId,
        metadata: { creditedInvoiceId: original.id, number, reason: dto.reason ?? null },
      });
      if (withBilly) await work.enqueue('invoices.push-to-billy', { tenantId, invoiceId: created.id });
      return created;
    });
    return InvoiceDto.from(creditNote);
  }

  /** A payment recorded by hand; only for tenants without Billy (Billy's payments are polled). */
  async recordPayment(principal: Principal, invoiceId: string, dto: RecordPaymentDto): Promise<InvoiceDto> {
    await this.findVisible(principal, invoiceId);
    if (await this.billyConfigured()) throw new PaymentsInBillyError();
    const tenantId = this.tenantPrisma.tenantId;
    const amount = money(dto.amount);
    if (amount.lte(0)) throw new InvoiceFieldError('amount', 'amount must be more than 0');
    const now = this.clock.now();
    const paidAt = dto.paidAt ? new Date(dto.paidAt) : now;
    if (paidAt.getTime() > now.getTime() + 60_000)
      throw new InvoiceFieldError('paidAt', 'paidAt cannot be in the future');
    const invoice = await this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      work.invalidatesCache();
      const current = await this.lockVisible(tx, invoiceId);
      if (current.kind !== 'invoice' || !UNPAID_STATUSES.includes(current.status))
        throw new InvoiceStatusError('paid', current.status, UNPAID_STATUSES);
      const paidBefore = current.paidAmount ?? new Decimal(0);
      const outstanding = current.total.minus(paidBefore);
      if (amount.gt(outstanding))
        throw new InvoiceFieldError(
          'amount',
          `amount is more than the ${toMoneyString(outstanding)} kr. outstanding`,
        );
      const paidAmount = paidBefore.plus(amount);
      const settled = paidAmount.equals(current.total);
      await this.repository.update(tx, tenantId, current.id, {
        paidAmount,
        ...(settled ? { status: 'paid' as const, paidAt } : {}),
      });
      await this.activities.record(tx, {
        type: 'invoice',
        title: settled ? 'Faktura betalt' : 'Delbetaling registreret',
        description: `${formatKroner(amount)} registreret; ${settled ? 'fakturaen er betalt' : `${formatKroner(current.total.minus(paidAmount))} mangler`}`,
        status: 'success',
        ...aboutInvoice(current, principal.userId, await this.repository.leadIdOf(tenantId, current, tx)),
        metadata: { amount: toMoneyString(amount), paidAt: paidAt.toISOString(), settled },
      });
      return (await this.repository.find(tenantId, current.id, undefined, tx))!;
    });
    return InvoiceDto.from(invoice);
  }

  // Helpers -----------------------------------------------------------------------------------------

  /** The push job of a draft written in another module's transaction (see draftForCompletedBooking). */
  private pushJob(tx: ScopedTransaction, invoiceId: string): Promise<string> {
    const tenantId = this.tenantPrisma.tenantId;
    return this.outbox.write(tx, tenantId, 'invoices.push-to-billy', { tenantId, invoiceId });
  }

  /** Whether the tenant invoices through Billy. Read outside transactions (credentials need their own). */
  private async billyConfigured(): Promise<boolean> {
    return (await this.credentials.resolveCredentials('billy')) !== null;
  }

  /**
   * What issuing needs: the tenant's billing settings, its today and, without Billy, the next number of
   * the gapless counter (taken in this transaction, so a rollback gives it back).
   */
  private async issuing(tx: ScopedTransaction, tenantId: string, withBilly: boolean) {
    const settings = await this.repository.billingSettings(tenantId, tx);
    const today = tenantToday(settings.timezone, this.clock.now());
    const number = withBilly ? null : String(await this.repository.takeInvoiceNumber(tx, tenantId));
    return { settings, today, number };
  }

  private async findVisible(principal: Principal, invoiceId: string): Promise<InvoiceWithLines> {
    const invoice = await this.repository.find(
      this.tenantPrisma.tenantId,
      invoiceId,
      isStaff(principal) ? principal.userId : undefined,
    );
    if (!invoice) throw new InvoiceNotFoundError();
    return invoice;
  }

  /** Money actions are for ADMIN and MANAGER (the controller checks), so no assignment filter here. */
  private async lockVisible(tx: ScopedTransaction, invoiceId: string): Promise<InvoiceWithLines> {
    const invoice = await this.repository.lock(tx, this.tenantPrisma.tenantId, invoiceId);
    if (!invoice) throw new InvoiceNotFoundError();
    return invoice;
  }

  /** Two requests for the same booking's invoice: the unique key lets one win; the other gets the 409. */
  private async guardOnePerBooking<T>(bookingId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (findSqlState(error) !== '23505' && (error as { code?: string }).code !== 'P2002') throw error;
      const booking = await this.repository.findBooking(this.tenantPrisma.tenantId, bookingId, undefined);
      if (booking?.invoice) throw new BookingAlreadyInvoicedError(booking.invoice.id);
      throw error;
    }
  }
}

/** The customer as the invoice keeps them: the customer record when linked, else the lead's snapshot. */
function customerSnapshot(booking: BookingForInvoice) {
  const { customer, lead } = booking;
  const street = customer?.address ?? lead.address;
  const postalCode = customer?.postalCode ?? lead.postalCode;
  const city = customer?.city ?? lead.city;
  const place = [postalCode, city].filter(Boolean).join(' ');
  const address = [street, place].filter(Boolean).join(', ');
  return {
    customerId: customer?.id ?? booking.customerId,
    customerName: customer?.name ?? lead.customerName,
    customerEmail: customer?.email ?? lead.customerEmail ?? null,
    customerAddress: address === '' ? null : address,
    customerCvr: customer?.kind === 'company' ? (customer.cvr ?? null) : null,
  };
}

export type { BillingSettings };
