import { Injectable } from '@nestjs/common';

import { TenantContextService } from '../../core/database/tenant-context.js';
import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { BillingService } from '../billing.service.js';

export type PollPaymentsPayload = JobPayloads['invoices.poll-payments'];

/**
 * Every 15 minutes: Billy documents no webhooks, so unpaid invoices are read back (`isPaid`,
 * `balance`) per tenant. One tenant's failure does not stop the others; the job fails afterwards so
 * BullMQ retries (what is already paid stays paid, so a retry only does what is left).
 */
@Injectable()
@HandlesJob('invoices.poll-payments')
export class PollPaymentsProcessor implements JobHandler<'invoices.poll-payments'> {
  constructor(
    private readonly billing: BillingService,
    private readonly context: TenantContextService,
  ) {}

  async handle(_payload: PollPaymentsPayload): Promise<{ tenants: number; paid: number }> {
    const tenantIds = await this.billing.tenantsWithUnpaidBillyInvoices();
    const { tenants, total } = await this.context.countForEachTenant(
      tenantIds,
      'Polling Billy payments',
      () => this.billing.pollPayments(),
    );
    return { tenants, paid: total };
  }
}
