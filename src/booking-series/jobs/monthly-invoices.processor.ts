import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

import { SystemPrismaService } from '../../core/database/system-prisma.service.js';
import { TenantContextService } from '../../core/database/tenant-context.js';
import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import { SCHEDULE_TIMEZONE, type JobPayloads } from '../../core/queue/jobs.js';
import { Clock } from '../../core/time/clock.js';
import { InvoicesService } from '../../invoices/invoices.service.js';

export type MonthlyInvoicesPayload = JobPayloads['booking-series.monthly-invoices'];

/**
 * On the 1st of each month: last month's monthly invoices (drafts) for every customer whose series
 * are invoiced monthly. Idempotent: a customer invoiced for the month has no visits left waiting.
 */
@Injectable()
@HandlesJob('booking-series.monthly-invoices')
export class MonthlyInvoicesProcessor implements JobHandler<'booking-series.monthly-invoices'> {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly system: SystemPrismaService,
    private readonly context: TenantContextService,
    private readonly clock: Clock,
  ) {}

  async handle(_payload: MonthlyInvoicesPayload): Promise<{ tenants: number; invoices: number }> {
    const month = DateTime.fromJSDate(this.clock.now(), { zone: SCHEDULE_TIMEZONE })
      .minus({ months: 1 })
      .toFormat('yyyy-MM');
    const tenantIds = await this.system.transaction('schedule-fan-out', (tx) =>
      this.invoices.tenantsWithSeries(tx),
    );
    const { tenants, total } = await this.context.countForEachTenant(tenantIds, 'Monthly invoices', () =>
      this.invoices.draftMonthlyForAll(month),
    );
    return { tenants, invoices: total };
  }
}
