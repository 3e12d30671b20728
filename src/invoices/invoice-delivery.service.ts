import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';

import { ActivitiesService } from '../activities/activities.service.js';
import type { ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { formatDate, formatKroner, greetingFor } from '../core/format/danish.js';
import { RedisLockService } from '../core/redis/redis-lock.service.js';
import { Clock } from '../core/time/clock.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { EmailSentListeners } from '../email/email-sender.service.js';
import { EmailService } from '../email/email.service.js';
import { BILLY_GATEWAY, type BillyClient, type BillyGateway } from '../integrations/billy/billy.client.js';
import type { BillyInvoice } from '../integrations/billy/billy.types.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { isIntegrationError } from '../integrations/integration-error.js';
import { failureOf, giveUp } from '../integrations/provider-failure.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { BillySyncService } from './billy-sync.service.js';
import { aboutInvoice, flagForAttention } from './invoice-activity.js';
import { paymentLines, renderInvoicePdf } from './invoice-document.js';
import { InvoicesRepository, type InvoiceIssuer, type InvoiceWithLines } from './invoices.repository.js';

export type DeliveryOutcome = 'already_delivered' | 'sent_by_billy' | 'queued_email';

/** Outlasts one delivery: a push to Billy, the contact person, Billy's send, or rendering the PDF. */
const DELIVERY_LOCK_MS = 5 * 60_000;

/**
 * Gets an issued invoice to the customer, run by the `invoices.send` job (delivery n of the invoice):
 * - with Billy: the invoice is pushed and approved there first (BillySyncService), then Billy e-mails
 *   it to the customer's contact person (`POST /invoices/{id}/emails`); Billy's OK is the delivery.
 * - without Billy: the PDF is rendered and recorded as an e-mail with the PDF attached, sent through
 *   the tenant's Gmail by `email.send`; Gmail's acceptance is the delivery (EmailSentListeners).
 * The invoice counts its accepted deliveries: a job for delivery n does nothing once n are accepted, and
 * the e-mail row is unique per (invoice, delivery), so a redelivered job never e-mails twice. Only when
 * Billy accepted the send but our commit after it was lost can a retry ask Billy a second time: Billy
 * takes no idempotency key.
 */
@Injectable()
export class InvoiceDeliveryService implements OnModuleInit {
  constructor(
    private readonly repository: InvoicesRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly unitOfWork: UnitOfWork,
    @Inject(BILLY_GATEWAY) private readonly billy: BillyGateway,
    private readonly credentials: CredentialsService,
    private readonly activities: ActivitiesService,
    private readonly email: EmailService,
    private readonly listeners: EmailSentListeners,
    private readonly sync: BillySyncService,
    private readonly locks: RedisLockService,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit(): void {
    this.listeners.on('invoice_sent', (tx, email, sentAt) =>
      this.recordDelivered(tx, email.subjectId, email.step, sentAt, `e-mail til ${email.to}`),
    );
  }

  deliver(invoiceId: string, delivery: number): Promise<DeliveryOutcome> {
    return this.locks.withLock(`invoice-send:${invoiceId}`, DELIVERY_LOCK_MS, () =>
      this.deliverOnce(invoiceId, delivery),
    );
  }

  private async deliverOnce(invoiceId: string, delivery: number): Promise<DeliveryOutcome> {
    const tenantId = this.tenantPrisma.tenantId;
    const invoice = await this.repository.find(tenantId, invoiceId);
    if (!invoice) throw new UnrecoverableError(`Invoice ${invoiceId} does not exist`);
    if (invoice.deliveries >= delivery) return 'already_delivered';
    if (!invoice.customerEmail) throw new UnrecoverableError(`Invoice ${invoiceId} has no customer e-mail`);
    const issuer = await this.repository.issuer(tenantId);
    const resolved = await this.credentials.resolveCredentials('billy');
    if (resolved) {
      await this.viaBilly(this.billy.forCredentials(resolved.credentials), invoice, issuer, delivery);
      return 'sent_by_billy';
    }
    await this.viaEmail(invoice, issuer, delivery);
    return 'queued_email';
  }

  private async viaBilly(
    client: BillyClient,
    current: InvoiceWithLines,
    issuer: InvoiceIssuer,
    delivery: number,
  ): Promise<void> {
    const tenantId = this.tenantPrisma.tenantId;
    let invoice = current;
    // Billy e-mails only an approved invoice it has: push (and approve) first when it is not there yet.
    if (!invoice.billyInvoiceId || !invoice.number) {
      await this.sync.push(invoice.id);
      invoice = (await this.repository.find(tenantId, invoice.id))!;
    }
    if (!invoice.billyInvoiceId || !invoice.number)
      throw new Error(`Invoice ${invoice.id} is not approved in Billy yet; the send retries`);
    try {
      let billyInvoice: BillyInvoice = await client.getInvoice(invoice.billyInvoiceId);
      if (billyInvoice.state === 'draft') billyInvoice = await client.approveInvoice(billyInvoice.id);
      const contactPersonId = await this.contactPersonFor(client, billyInvoice.contactId, invoice);
      const text = invoiceText(invoice, issuer, false);
      await client.sendInvoiceEmail(billyInvoice.id, {
        contactPersonId,
        emailSubject: text.subject,
        emailBody: text.body,
      });
    } catch (error) {
      await this.handleBillyError(invoice, delivery, error);
      throw error;
    }
    await this.credentials.recordSuccess('billy');
    await this.unitOfWork.run(async (work) => {
      work.invalidatesCache();
      await this.recordDelivered(
        work.tx,
        invoice.id,
        delivery,
        this.clock.now(),
        `Billy til ${invoice.customerEmail}`,
      );
    });
  }

  /** The contact person of the customer's address in Billy: found on the contact, or added to it. */
  private async contactPersonFor(
    client: BillyClient,
    contactId: string,
    invoice: InvoiceWithLines,
  ): Promise<string> {
    const email = invoice.customerEmail!.toLowerCase();
    const persons = await client.findContactPersons(contactId);
    const found = persons.find((person) => person.email?.toLowerCase() === email);
    if (found) return found.id;
    const created = await client.createContactPerson({
      contactId,
      name: invoice.customerName,
      email: invoice.customerEmail!,
      isPrimary: persons.length === 0,
    });
    return created.id;
  }

  private async viaEmail(invoice: InvoiceWithLines, issuer: InvoiceIssuer, delivery: number): Promise<void> {
    const tenantId = this.tenantPrisma.tenantId;
    const pdf = await renderInvoicePdf(invoice, issuer);
    const text = invoiceText(invoice, issuer, true);
    await this.unitOfWork.run(async (work) => {
      // This delivery's e-mail failed before (Gmail not connected, refused): asked again, it goes again.
      const failed = await work.tx.outboundEmail.findFirst({
        where: {
          tenantId,
          subjectType: 'invoice',
          subjectId: invoice.id,
          type: 'invoice_sent',
          step: delivery,
        },
        select: { id: true, status: true },
      });
      if (failed?.status === 'failed') {
        await work.tx.outboundEmail.update({
          where: { id: failed.id },
          data: { status: 'pending', lastError: null },
        });
        await work.enqueue('email.send', { tenantId, outboundEmailId: failed.id });
        return;
      }
      const leadId = await this.repository.leadIdOf(tenantId, invoice, work.tx);
      const ids = await this.email.enqueueWritten(work.tx, {
        tenantId,
        subjectType: 'invoice',
        subjectId: invoice.id,
        type: 'invoice_sent',
        step: delivery,
        to: invoice.customerEmail!,
        subject: text.subject,
        body: text.body,
        attachments: [
          {
            filename: `faktura-${invoice.number ?? invoice.reference}.pdf`,
            contentType: 'application/pdf',
            contentBase64: pdf.toString('base64'),
          },
        ],
        ...(leadId ? { leadId } : {}),
      });
      work.relayAfterCommit(ids);
    });
  }

  /**
   * Delivery n accepted by the provider, in the caller's transaction: the invoice's sent time is now,
   * an approved invoice becomes sent, and the timeline says how. A delivery already counted changes nothing.
   */
  private async recordDelivered(
    tx: ScopedTransaction,
    invoiceId: string,
    delivery: number,
    at: Date,
    how: string,
  ): Promise<void> {
    const tenantId = this.tenantPrisma.tenantId;
    const moved = await tx.invoice.updateMany({
      where: { id: invoiceId, tenantId, deliveries: { lt: delivery } },
      data: { deliveries: delivery, sentAt: at, sendRequestedAt: null },
    });
    if (moved.count === 0) return;
    await tx.invoice.updateMany({
      where: { id: invoiceId, tenantId, status: 'approved' },
      data: { status: 'sent' },
    });
    const invoice = (await this.repository.find(tenantId, invoiceId, undefined, tx))!;
    await this.activities.record(tx, {
      type: 'invoice',
      title: delivery > 1 ? 'Faktura sendt igen' : 'Faktura sendt',
      description: `Faktura nr. ${invoice.number ?? invoice.reference} sendt med ${how}`,
      status: 'success',
      ...aboutInvoice(invoice, null, await this.repository.leadIdOf(tenantId, invoice, tx)),
      metadata: { number: invoice.number, delivery },
    });
  }

  private async handleBillyError(invoice: InvoiceWithLines, delivery: number, error: unknown): Promise<void> {
    if (!isIntegrationError(error, 'Billy')) return;
    const failure = failureOf(error);
    if (error.kind === 'needs_attention') {
      await this.credentials.recordFailure('billy', failure, { needsAttention: true });
      throw giveUp(error, `Billy refused the credentials: ${error.message}`);
    }
    if (error.kind === 'give_up' || error.kind === 'not_found') {
      await flagForAttention(this.tenantPrisma, this.repository, this.activities, invoice, {
        title: 'Billy sendte ikke fakturaen',
        reason: 'Billy afviste at e-maile fakturaen til kunden; ret kunden i Billy og send igen',
        metadata: { status: error.httpStatus, errorCode: error.vendorCode, failureCode: failure.code },
      });
      // The customer has no invoice and the job gives up: only a person can get the money in now.
      await this.unitOfWork.run((work) =>
        this.notifications.invoiceNotDelivered(work, {
          invoice,
          delivery,
          reason: 'Billy afviste at e-maile den',
          action: `Ret kunden i Billy (e-mail: ${invoice.customerEmail ?? 'mangler'}) og send fakturaen igen.`,
        }),
      );
      throw giveUp(error, `Billy refused to e-mail the invoice: ${error.message}`);
    }
    await this.credentials.recordFailure('billy', failure);
  }
}

/** The e-mail that carries the invoice: Billy's (its own PDF and link) or ours (the PDF attached). */
export function invoiceText(
  invoice: InvoiceWithLines,
  issuer: InvoiceIssuer,
  pdfAttached: boolean,
): { subject: string; body: string } {
  const number = invoice.number ?? invoice.reference;
  const due = invoice.dueDate ? ` Beløbet forfalder til betaling ${formatDate(invoice.dueDate, 'UTC')}.` : '';
  return {
    subject: `Faktura nr. ${number} fra ${issuer.name}`,
    body: [
      greetingFor(invoice.customerName),
      '',
      `Tak fordi du valgte ${issuer.name}. Hermed faktura nr. ${number} på ${formatKroner(invoice.total)} inkl. moms.${due}`,
      ...(pdfAttached ? ['Fakturaen er vedhæftet som PDF.'] : []),
      '',
      ...paymentLines(issuer, number),
      '',
      'Venlig hilsen',
      issuer.name,
    ].join('\n'),
  };
}
