import { Injectable, Logger } from '@nestjs/common';

import { withVat } from '../core/money/money.js';
import type { Booking, EmailTemplateType, Lead, Prisma } from '../generated/prisma/client.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import { bookingVariables, EMAIL_PLACEHOLDERS, type EmailVariables } from './email-variables.js';
import { renderTemplate, singleLine } from './email-template.js';

export type EmailSubjectType =
  'lead' | 'booking' | 'invoice' | 'notification' | 'invitation' | 'password_reset';

export interface EnqueueEmail<T extends EmailTemplateType = EmailTemplateType> {
  tenantId: string;
  subjectType: EmailSubjectType;
  subjectId: string;
  type: T;
  /** Distinguishes repeated e-mails of one type about one subject (reminder steps 7 and 14). */
  step?: number;
  to: string;
  /** Fills the template's placeholders (every one its type lists); `companyName` is added from the tenant. */
  variables: EmailVariables<T>;
  /** The lead whose timeline shows the e-mail. */
  leadId?: string;
  /** Answer in this Gmail thread, to this Message-ID (only when the customer wrote to us themselves). */
  replyThreadId?: string;
  inReplyTo?: string;
}

/** The customer's e-mail about one booking: its confirmation, move, cancellation or reminder. */
export interface EnqueueBookingEmail {
  tenantId: string;
  type:
    | 'booking_confirmation'
    | 'booking_moved'
    | 'booking_cancelled'
    | 'booking_reminder'
    | 'booking_moved_by_customer'
    | 'booking_cancelled_by_customer';
  step?: number;
  /** Values beyond the booking's own (a customer's cancellation: `feeText`). */
  extra?: Readonly<Record<string, string>>;
  booking: Pick<Booking, 'id' | 'startsAt' | 'durationHours' | 'totalAmount'>;
  lead: Pick<
    Lead,
    'id' | 'customerEmail' | 'customerName' | 'serviceType' | 'address' | 'postalCode' | 'city'
  >;
  tenant: { timezone: string; vatRate: Prisma.Decimal | string | number };
}

/** A file sent with an e-mail, as it is stored on the OutboundEmail. */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/** An e-mail whose text the caller wrote (no tenant template): the staff notification, the invoice. */
export interface EnqueueWrittenEmail {
  tenantId: string;
  subjectType: EmailSubjectType;
  subjectId: string;
  type: EmailTemplateType;
  /** Distinguishes repeated e-mails of one type about one subject (an invoice sent again). */
  step?: number;
  to: string;
  subject: string;
  body: string;
  attachments?: EmailAttachment[];
  leadId?: string;
}

/**
 * Records e-mails to send (docs/architecture.md, step 2). In the caller's transaction it renders the
 * tenant's template, stores the result as an OutboundEmail — unique per subject, type and step, so
 * asking twice records one — and writes the outbox job that sends it. What is sent later is exactly
 * what was recorded here, whatever happens to the template in between.
 */
@Injectable()
export class EmailService {
  private readonly logger = new Logger(EmailService.name);

  constructor(private readonly outbox: OutboxService) {}

  /** Returns the outbox ids to relay after commit; [] when already recorded or the template is off. */
  async enqueue<T extends EmailTemplateType>(
    tx: Prisma.TransactionClient,
    input: EnqueueEmail<T>,
  ): Promise<string[]> {
    const { tenantId, type } = input;
    const template = await tx.emailTemplate.findUnique({ where: { tenantId_type: { tenantId, type } } });
    if (!template?.active) {
      this.logger.log({ message: 'E-mail template missing or inactive; nothing sent', tenantId, type });
      return [];
    }
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true } });
    const variables = { companyName: tenant.name, ...input.variables };
    const required = EMAIL_PLACEHOLDERS[type];
    const subject = renderTemplate(template.subject, variables, required);
    const body = renderTemplate(template.content, variables, required);
    const missing = [...new Set([...subject.missing, ...body.missing])];
    if (missing.length > 0)
      this.logger.warn({ message: 'Template placeholders without a value', type, missing });

    const created = await tx.outboundEmail.createManyAndReturn({
      data: [
        {
          tenantId,
          subjectType: input.subjectType,
          subjectId: input.subjectId,
          type,
          step: input.step ?? 0,
          to: input.to,
          subject: singleLine(subject.text),
          body: body.text,
          leadId: input.leadId ?? null,
          replyThreadId: input.replyThreadId ?? null,
          inReplyTo: input.inReplyTo ?? null,
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    const row = created[0];
    if (!row) return [];
    return [await this.outbox.write(tx, tenantId, 'email.send', { tenantId, outboundEmailId: row.id })];
  }

  /** The booking e-mail to the lead's address, filled as every booking template is; none without one. */
  async enqueueAboutBooking(tx: Prisma.TransactionClient, input: EnqueueBookingEmail): Promise<string[]> {
    const { booking, lead, tenant } = input;
    if (!lead.customerEmail) return [];
    return this.enqueue<EnqueueBookingEmail['type']>(tx, {
      tenantId: input.tenantId,
      subjectType: 'booking',
      subjectId: booking.id,
      type: input.type,
      step: input.step,
      to: lead.customerEmail,
      leadId: lead.id,
      variables: {
        ...bookingVariables({
          ...lead,
          startsAt: booking.startsAt,
          durationHours: booking.durationHours,
          totalInclVat: withVat(booking.totalAmount, tenant.vatRate),
          timezone: tenant.timezone,
        }),
        // Only the customer's own cancellation has a value beyond the booking's (its fee sentence).
        ...(input.extra ?? {}),
      } as never,
    });
  }

  /**
   * Records an e-mail the caller wrote itself, with its `email.send` job, in the caller's transaction;
   * unique per subject and type like the templated ones. Returns the outbox ids to relay after commit.
   */
  async enqueueWritten(tx: Prisma.TransactionClient, input: EnqueueWrittenEmail): Promise<string[]> {
    const created = await tx.outboundEmail.createManyAndReturn({
      data: [
        {
          tenantId: input.tenantId,
          subjectType: input.subjectType,
          subjectId: input.subjectId,
          type: input.type,
          step: input.step ?? 0,
          to: input.to,
          subject: singleLine(input.subject),
          body: input.body,
          leadId: input.leadId ?? null,
          ...(input.attachments
            ? { attachments: input.attachments as unknown as Prisma.InputJsonValue }
            : {}),
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    const row = created[0];
    if (!row) return [];
    return [
      await this.outbox.write(tx, input.tenantId, 'email.send', {
        tenantId: input.tenantId,
        outboundEmailId: row.id,
      }),
    ];
  }
}
