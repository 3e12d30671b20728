import { Injectable } from '@nestjs/common';

import { TenantContextService } from '../../core/database/tenant-context.js';
import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { SeriesMaterialiser } from '../series-materialiser.service.js';

/** Payload of `booking-series.materialise`: none; the schedule covers every tenant. */
export type MaterialiseSeriesPayload = JobPayloads['booking-series.materialise'];

/**
 * Every hour: each running series gets its visits up to the tenant's horizon. Finds the tenants over
 * the system path, then works inside each tenant's context. One tenant's failure does not stop the
 * others, but the job fails afterwards so BullMQ retries it; the work is idempotent (one visit per
 * series and date), so a retry only makes what is missing.
 */
@Injectable()
@HandlesJob('booking-series.materialise')
export class MaterialiseSeriesProcessor implements JobHandler<'booking-series.materialise'> {
  constructor(
    private readonly materialiser: SeriesMaterialiser,
    private readonly context: TenantContextService,
  ) {}

  async handle(_payload: MaterialiseSeriesPayload): Promise<{ tenants: number; visits: number }> {
    const tenantIds = await this.materialiser.tenantsWithRunningSeries();
    const { tenants, total } = await this.context.countForEachTenant(tenantIds, 'Making series visits', () =>
      this.materialiser.materialiseTenant(),
    );
    return { tenants, visits: total };
  }
}
