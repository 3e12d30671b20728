import { Injectable, Logger } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { formatAmount, formatDate, formatDay } from '../core/format/danish.js';
import { paymentLines } from './invoice-document.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { personVariables } from '../email/email-variables.js';
import { EmailService } from '../email/email.service.js';
import { addDays, isoDay, tenantToday } from './invoices.service.js';
import { InvoicesRepository } from './invoices.repository.js';
import { aboutInvoice } from './invoice-activity.js';

/** Reminder steps: days past the due date (docs/architecture.md, step 8). */
export const REMINDER_STEPS = [7, 14] as const;
const OVERDUE_BATCH = 500;

/**
 * Overdue invoices and their payment reminders, run daily by `invoices.mark-overdue`
 * (docs/architecture.md, step 8), with or without Billy.
 */
@Injectable()
export class InvoiceRemindersService {
  private readonly logger = new Logger(InvoiceRemindersService.name);

  constructor(
    private readonly repository: InvoicesRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly system: SystemPrismaService,
    private readonly unitOfWork: UnitOfWork,
    private readonly activities: ActivitiesService,
    private readonly email: EmailService,
  ) {}

  tenantsWithInvoicesDue(now: Date): Promise<string[]> {
    // The earliest "today" of any zone is yesterday in UTC: the per-tenant run checks its own today.
    return this.system.transaction('schedule-fan-out', (tx) =>
      this.repository.tenantsWithInvoicesDueBefore(tx, addDays(tenantToday('UTC', now), 1)),
    );
  }

  /**
   * Marks the current tenant's unpaid invoices past their due date as overdue, and sends the reminder
   * e-mail of the step each has reached (7 and 14 days past due), once per step: the OutboundEmail's
   * unique key (invoice, type, step) decides, so a second run sends nothing.
   */
  async markOverdue(now: Date): Promise<{ overdue: number; reminders: number }> {
    const tenantId = this.tenantPrisma.tenantId;
    const settings = await this.repository.billingSettings(tenantId);
    const today = tenantToday(settings.timezone, now);
    const issuer = await this.repository.issuer(tenantId);
    const result = { overdue: 0, reminders: 0 };
    await this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      for (const invoice of await this.repository.dueBefore(tx, tenantId, today, OVERDUE_BATCH)) {
        const leadId = await this.repository.leadIdOf(tenantId, invoice, tx);
        const context = aboutInvoice(invoice, null, leadId);
        if (invoice.status !== 'overdue') {
          const moved = await this.repository.updateIfStatus(tx, tenantId, invoice.id, ['approved', 'sent'], {
            status: 'overdue',
          });
          if (moved) {
            result.overdue += 1;
            work.invalidatesCache();
            await this.activities.record(tx, {
              type: 'invoice',
              title: 'Faktura forfalden',
              description: `Faktura nr. ${invoice.number ?? invoice.reference} forfaldt til betaling den ${formatDay(invoice.dueDate!, 'UTC')}`,
              status: 'warning',
              ...context,
              metadata: { dueDate: isoDay(invoice.dueDate) },
            });
          }
        }
        const daysPast = Math.round((today.getTime() - invoice.dueDate!.getTime()) / 86_400_000);
        // Only the latest step reached: a reminder skipped while the schedule was down is not sent late.
        const step = [...REMINDER_STEPS].reverse().find((days) => daysPast >= days);
        if (!step || !invoice.customerEmail) continue;
        const outstanding = invoice.total.minus(invoice.paidAmount ?? 0);
        const invoiceNumber = invoice.number ?? invoice.reference;
        const sent = await this.email.enqueue(tx, {
          tenantId,
          subjectType: 'invoice',
          subjectId: invoice.id,
          type: 'invoice_reminder',
          step,
          to: invoice.customerEmail,
          variables: {
            ...personVariables(invoice.customerName),
            invoiceNumber,
            total: formatAmount(outstanding),
            // A date column is a calendar day stored at midnight UTC: read it in UTC.
            dueDate: formatDate(invoice.dueDate!, 'UTC'),
            paymentDetails: paymentLines(issuer, invoiceNumber).join('\n'),
          },
          ...(leadId ? { leadId } : {}),
        });
        if (sent.length === 0) continue;
        work.relayAfterCommit(sent);
        result.reminders += 1;
        await this.activities.record(tx, {
          type: 'email',
          title: 'Betalingspåmindelse sendt',
          description: `Påmindelse ${step} dage efter forfald til ${invoice.customerEmail}`,
          status: 'info',
          ...context,
          metadata: { step, daysPast },
        });
      }
    });
    this.logger.debug({ message: 'Overdue invoices checked', tenantId, ...result });
    return result;
  }
}
