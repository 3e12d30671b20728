import { Injectable } from '@nestjs/common';

import { TenantContextService } from '../../core/database/tenant-context.js';
import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { InvoiceRemindersService } from '../invoice-reminders.service.js';
import { Clock } from '../../core/time/clock.js';

export type MarkOverduePayload = JobPayloads['invoices.mark-overdue'];

/**
 * Daily: unpaid invoices past their due date become overdue, and the reminder of each step reached
 * (7 and 14 days past due) is sent once. Per tenant, in its own context; failures are collected and
 * fail the job afterwards, so BullMQ retries (the e-mail's unique key makes each reminder once).
 */
@Injectable()
@HandlesJob('invoices.mark-overdue')
export class MarkOverdueProcessor implements JobHandler<'invoices.mark-overdue'> {
  constructor(
    private readonly reminders: InvoiceRemindersService,
    private readonly context: TenantContextService,
    private readonly clock: Clock,
  ) {}

  async handle(
    _payload: MarkOverduePayload,
  ): Promise<{ tenants: number; overdue: number; reminders: number }> {
    const now = this.clock.now();
    const tenantIds = await this.reminders.tenantsWithInvoicesDue(now);
    const results = await this.context.forEachTenant(tenantIds, 'Marking overdue invoices', () =>
      this.reminders.markOverdue(now),
    );
    return {
      tenants: tenantIds.length,
      overdue: results.reduce((total, { result }) => total + result.overdue, 0),
      reminders: results.reduce((total, { result }) => total + result.reminders, 0),
    };
  }
}
