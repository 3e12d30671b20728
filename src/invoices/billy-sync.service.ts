import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';

import { ActivitiesService } from '../activities/activities.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { RedisLockService } from '../core/redis/redis-lock.service.js';
import { toMoneyString } from '../core/money/money.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import type { Invoice } from '../generated/prisma/client.js';
import { BILLY_GATEWAY, type BillyClient, type BillyGateway } from '../integrations/billy/billy.client.js';
import { isIntegrationError } from '../integrations/integration-error.js';
import type { BillyInvoice } from '../integrations/billy/billy.types.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { failureOf, giveUp } from '../integrations/provider-failure.js';
import { LeadsService } from '../leads/leads.service.js';
import { BillingService } from './billing.service.js';
import { kroner, sameToTheOre } from './invoice-amounts.js';
import { isoDay } from './invoices.service.js';
import { InvoicesRepository, type InvoiceWithLines } from './invoices.repository.js';
import { aboutInvoice, flagForAttention } from './invoice-activity.js';

/** The Billy product every cleaning line is booked on; found again by its product number. */
export const BILLY_PRODUCT_NO = 'RENOS-RENGORING';

export type PushOutcome = 'not_configured' | 'synced';

const dateOnly = (value: string | null | undefined) => (value ? new Date(`${value}T00:00:00Z`) : undefined);

/**
 * How long a claimed create may take before another push may take it over: longer than every Billy
 * call of one push together can wait (each is bounded by the client's timeout).
 */
const STALE_INTENT_MS = 5 * 60_000;
/**
 * Finding or creating one contact or product: up to a few Billy calls of 15 s each, reads tried three
 * times (about 2 minutes at worst); the lock outlives that. Another push waits for it a while.
 */
const BILLY_LOCK_MS = 4 * 60_000;
const BILLY_LOCK_WAIT_MS = 30_000;
/** Why an invoice needs attention after Billy said no: the same words every time, never Billy's own. */
const INVOICE_REFUSED: Record<'give_up' | 'not_found', string> = {
  give_up: 'Billy afviste fakturaens indhold; ret fakturaen og synkronisér igen',
  not_found: 'Billy kunne ikke finde fakturaen, kunden eller et produkt; ret det og synkronisér igen',
};

/**
 * Putting one invoice into Billy, run by the `invoices.push-to-billy` job (docs/architecture.md, step 8):
 * find or create the contact and product, create the invoice with our reference as `externalId`,
 * approve it when it is approved here, read back Billy's number, totals and payment state. The intent is stored before
 * the create; a retry after a timeout searches Billy by our reference first, so the invoice is never
 * created twice.
 * Billy's errors: validation → the invoice needs attention, no retry; auth → the integration shows the
 * error, no retry; rate limits, 5xx and timeouts → thrown, so BullMQ retries with backoff.
 */
@Injectable()
export class BillySyncService {
  constructor(
    private readonly repository: InvoicesRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly unitOfWork: UnitOfWork,
    @Inject(BILLY_GATEWAY) private readonly billy: BillyGateway,
    private readonly credentials: CredentialsService,
    private readonly activities: ActivitiesService,
    private readonly leads: LeadsService,
    private readonly locks: RedisLockService,
    private readonly payments: BillingService,
  ) {}

  async push(invoiceId: string): Promise<PushOutcome> {
    const tenantId = this.tenantPrisma.tenantId;
    const resolved = await this.credentials.resolveCredentials('billy');
    if (!resolved) return 'not_configured';
    const invoice = await this.repository.find(tenantId, invoiceId);
    if (!invoice) throw new UnrecoverableError(`Invoice ${invoiceId} does not exist`);
    const client = this.billy.forCredentials(resolved.credentials);
    try {
      const billyInvoice = await this.ensureInBilly(client, invoice);
      const approved =
        billyInvoice.state === 'draft' && invoice.status !== 'draft'
          ? await client.approveInvoice(billyInvoice.id)
          : billyInvoice;
      await this.readBack(invoice, approved);
      // Billy's payment state too (a payment registered in Billy shows at once after /sync).
      const fresh = await this.repository.find(tenantId, invoice.id);
      if (fresh) await this.payments.applyBillyState(fresh, approved);
      await this.credentials.recordSuccess('billy');
      return 'synced';
    } catch (error) {
      await this.handleBillyError(invoice, error);
      throw error;
    }
  }

  /** The invoice in Billy: the one we stored, the one a timed-out create left, or a new one. */
  private async ensureInBilly(client: BillyClient, invoice: InvoiceWithLines): Promise<BillyInvoice> {
    const tenantId = this.tenantPrisma.tenantId;
    if (invoice.billyInvoiceId) return client.getInvoice(invoice.billyInvoiceId);
    if (invoice.billyIntentAt) {
      // A create was attempted before and its answer never came: Billy may have it already.
      const [existing] = await client.findInvoicesByExternalId(invoice.reference);
      if (existing) {
        await this.repository.save(tenantId, invoice.id, {
          billyInvoiceId: existing.id,
        });
        return existing;
      }
      // Not there (yet): a push that claimed it moments ago may still be creating it. Only an intent old
      // enough that its push must have given up may be taken over.
      const age = Date.now() - invoice.billyIntentAt.getTime();
      if (age < STALE_INTENT_MS)
        throw new Error(
          `A push of invoice ${invoice.id} to Billy started ${Math.round(age / 1000)} s ago; retrying later`,
        );
    }
    // The customer's contact and our product first, each under its own lock: two invoices pushed at
    // once (of one customer, or any two of the tenant) find one contact and one product.
    const contactId = await this.locks.withLock(
      `billy-contact:${tenantId}:${invoice.customerId ?? invoice.id}`,
      BILLY_LOCK_MS,
      () => this.contactFor(client, invoice),
      { waitMs: BILLY_LOCK_WAIT_MS },
    );
    const productId = await this.locks.withLock(
      `billy-product:${tenantId}`,
      BILLY_LOCK_MS,
      () => this.productFor(client, invoice),
      { waitMs: BILLY_LOCK_WAIT_MS },
    );
    // Recorded (and committed) right before the create: whatever happens to its answer, a retry
    // searches first; and of two pushes of this invoice at once only the one that moved the intent goes on.
    if (!(await this.repository.claimBillyIntent(tenantId, invoice.id, invoice.billyIntentAt, new Date())))
      throw new Error(`Another push of invoice ${invoice.id} to Billy is running; this one retries`);
    const settings = await this.repository.billingSettings(tenantId);
    const creditedBillyId = invoice.creditedInvoiceId
      ? (await this.repository.find(tenantId, invoice.creditedInvoiceId))?.billyInvoiceId
      : undefined;
    const created = await client.createInvoice({
      organizationId: client.organizationId,
      type: invoice.kind === 'credit_note' ? 'creditNote' : 'invoice',
      contactId,
      externalId: invoice.reference,
      orderNo: invoice.reference,
      entryDate: isoDay(invoice.issueDate ?? new Date()),
      paymentTermsMode: 'net',
      paymentTermsDays: settings.paymentTermsDays,
      currencyId: invoice.currency,
      taxMode: 'excl',
      state:
        invoice.kind === 'credit_note' ||
        invoice.status !== 'draft' ||
        settings.billyInvoiceState === 'approved'
          ? 'approved'
          : 'draft',
      ...(creditedBillyId ? { creditedInvoiceId: creditedBillyId } : {}),
      lines: invoice.lines.map((line) => ({
        productId,
        description: line.description,
        quantity: line.quantity.toNumber(),
        unitPrice: line.unitPrice.toNumber(),
        priority: line.position,
      })),
    });
    await this.repository.save(tenantId, invoice.id, {
      billyInvoiceId: created.id,
    });
    return created;
  }

  /** The customer's Billy contact: stored on the customer, found by our id, or created (person or company). */
  private async contactFor(client: BillyClient, invoice: Invoice): Promise<string> {
    const tenantId = this.tenantPrisma.tenantId;
    const customer = invoice.customerId
      ? await this.repository.findCustomer(tenantId, invoice.customerId)
      : null;
    // A stored contact Billy no longer knows (deleted there, or the organisation changed) is found or
    // created again rather than failing every invoice of the customer.
    if (customer?.billyContactId && (await client.getContact(customer.billyContactId)))
      return customer.billyContactId;
    const externalId = customer?.id ?? `invoice-${invoice.id}`;
    const found = await client.findContactByExternalId(externalId);
    // A company customer is a company contact in Billy, under the company's name and CVR, with the
    // person we deal with as its contact person; the invoice's snapshot decides for a customer gone.
    const cvr = invoice.customerCvr ?? (customer?.kind === 'company' ? customer.cvr : null) ?? undefined;
    const company = customer?.kind === 'company' || cvr !== undefined;
    const contact =
      found ??
      (await client.createContact({
        organizationId: client.organizationId,
        type: company ? 'company' : 'person',
        name: (company ? customer?.companyName : null) ?? invoice.customerName,
        countryId: 'DK',
        street: customer?.address ?? invoice.customerAddress ?? undefined,
        zipcodeText: customer?.postalCode ?? undefined,
        cityText: customer?.city ?? undefined,
        registrationNo: cvr,
        externalId,
        isCustomer: true,
        contactPersons: invoice.customerEmail
          ? [{ name: invoice.customerName, email: invoice.customerEmail, isPrimary: true }]
          : undefined,
      }));
    if (customer) await this.repository.setBillyContactId(tenantId, customer.id, contact.id);
    return contact.id;
  }

  private async productFor(client: BillyClient, invoice: InvoiceWithLines): Promise<string> {
    const found = await client.findProductByNo(BILLY_PRODUCT_NO);
    if (found) return found.id;
    const unitPrice = invoice.lines[0]?.unitPrice.toNumber() ?? 0;
    const created = await client.createProduct({
      organizationId: client.organizationId,
      name: 'Rengøring',
      productNo: BILLY_PRODUCT_NO,
      prices: [{ unitPrice, currencyId: invoice.currency }],
    });
    return created.id;
  }

  /** Billy's number and totals onto ours; a difference of even one øre needs attention. */
  private async readBack(invoice: InvoiceWithLines, billy: BillyInvoice): Promise<void> {
    const tenantId = this.tenantPrisma.tenantId;
    const totals = {
      amount: toMoneyString(kroner(billy.amount))!,
      tax: toMoneyString(kroner(billy.tax))!,
      grossAmount: toMoneyString(kroner(billy.grossAmount))!,
    };
    const differs =
      !sameToTheOre(invoice.subtotal, totals.amount) ||
      !sameToTheOre(invoice.vatAmount, totals.tax) ||
      !sameToTheOre(invoice.total, totals.grossAmount);
    const reason = differs
      ? `Billy's totals differ from ours: Billy ${totals.amount} + ${totals.tax} moms = ${totals.grossAmount}, ` +
        `RenOS ${toMoneyString(invoice.subtotal)} + ${toMoneyString(invoice.vatAmount)} moms = ${toMoneyString(invoice.total)}`
      : null;
    let numbered =
      billy.state === 'approved' && billy.invoiceNo !== null && invoice.number !== billy.invoiceNo;
    // Billy's number must not be one RenOS already gave (a tenant that numbered its own invoices before
    // connecting Billy, or a new Billy organisation): a human picks the series, no retry can.
    const taken =
      numbered && billy.invoiceNo !== null
        ? await this.repository.findOtherWithNumber(tenantId, billy.invoiceNo, invoice.id)
        : null;
    const collision = taken
      ? `Billy's invoice number ${billy.invoiceNo} is already used by invoice ${taken.reference} in RenOS; ` +
        "continue Billy's number series after RenOS's last number"
      : null;
    if (collision) numbered = false;
    const approvedNow = numbered && invoice.status === 'draft';

    await this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      work.invalidatesCache();
      const leadId = await this.repository.leadIdOf(tenantId, invoice, tx);
      await this.repository.update(tx, tenantId, invoice.id, {
        billyInvoiceId: billy.id,
        billyTotals: totals,
        ...(differs ? { needsAttention: true, needsAttentionReason: reason } : {}),
        ...(collision ? { needsAttention: true, needsAttentionReason: collision } : {}),
        ...(numbered ? { number: billy.invoiceNo } : {}),
        ...(approvedNow
          ? {
              status: 'approved' as const,
              approvedAt: new Date(),
              issueDate: dateOnly(billy.entryDate),
              dueDate: dateOnly(billy.dueDate),
            }
          : {}),
      });
      const context = aboutInvoice(invoice, null, leadId);
      if (!invoice.billyInvoiceId) {
        await this.activities.record(tx, {
          type: 'invoice',
          title: 'Faktura overført til Billy',
          description: billy.invoiceNo
            ? `Billy faktura nr. ${billy.invoiceNo}`
            : 'Oprettet som kladde i Billy',
          status: 'success',
          ...context,
          metadata: { billyInvoiceId: billy.id, state: billy.state },
        });
      }
      if (numbered) {
        await this.activities.record(tx, {
          type: 'invoice',
          title: approvedNow ? 'Faktura godkendt i Billy' : 'Fakturanummer fra Billy',
          description: `Faktura nr. ${billy.invoiceNo}`,
          status: 'success',
          ...context,
          metadata: { number: billy.invoiceNo },
        });
        if (approvedNow && leadId && invoice.kind === 'invoice')
          await this.leads.applySystemMove(tx, leadId, 'invoice_created', null);
      }
      if (collision && invoice.needsAttentionReason !== collision) {
        await this.activities.record(tx, {
          type: 'invoice',
          title: 'Fakturanummer fra Billy er allerede brugt',
          description: collision,
          status: 'error',
          ...context,
          metadata: { number: billy.invoiceNo, usedBy: taken!.id },
        });
      }
      if (differs && invoice.needsAttentionReason !== reason) {
        await this.activities.record(tx, {
          type: 'invoice',
          title: 'Billy-beløb afviger',
          description: reason!,
          status: 'warning',
          ...context,
          metadata: {
            billy: totals,
            ours: {
              subtotal: toMoneyString(invoice.subtotal),
              vat: toMoneyString(invoice.vatAmount),
              total: toMoneyString(invoice.total),
            },
          },
        });
      }
    });
  }

  /** What a failed Billy call leaves behind before the error goes back to BullMQ. */
  private async handleBillyError(invoice: Invoice, error: unknown): Promise<void> {
    if (!isIntegrationError(error, 'Billy')) return;
    const tenantId = this.tenantPrisma.tenantId;
    // Admins and the timeline get the summary of the failure's kind; Billy's own words (its message, the
    // request path) stay in the job's log line, which the thrown error carries.
    const failure = failureOf(error);
    if (error.kind === 'needs_attention') {
      await this.credentials.recordFailure('billy', failure, { needsAttention: true });
      // Refused before anything was created: the push after the credentials are fixed may create at once.
      if (!invoice.billyInvoiceId) await this.repository.save(tenantId, invoice.id, { billyIntentAt: null });
      throw giveUp(error, `Billy refused the credentials: ${error.message}`);
    }
    if (error.kind === 'give_up' || error.kind === 'not_found') {
      const reason = INVOICE_REFUSED[error.kind];
      await flagForAttention(this.tenantPrisma, this.repository, this.activities, invoice, {
        title: 'Billy afviste fakturaen',
        reason,
        metadata: { status: error.httpStatus, errorCode: error.vendorCode, failureCode: failure.code },
        // Billy answered "no": nothing was created, so the next push (after /sync) may create at once.
        change: invoice.billyInvoiceId ? {} : { billyIntentAt: null },
      });
      throw giveUp(error, `Billy refused the invoice: ${error.message}`);
    }
    // Passing trouble: shown on the integration, retried by BullMQ with backoff.
    await this.credentials.recordFailure('billy', failure);
  }
}
