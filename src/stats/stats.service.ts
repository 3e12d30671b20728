import { Injectable } from '@nestjs/common';

import { LeadSource, LeadStatus } from '../generated/prisma/enums.js';
import { type Principal, visibleOnlyTo } from '../auth/principal.js';
import { TenantCacheService } from '../core/cache/tenant-cache.service.js';
import { toMoneyString } from '../core/money/money.js';
import type { LeadStatsDto } from './dto/lead-stats.dto.js';
import { StatsRepository } from './stats.repository.js';
import { Clock } from '../core/time/clock.js';

/**
 * The numbers at the top of the dashboard. Cached in Redis per tenant (per user for STAFF, whose
 * figures cover only their assignments); every write that changes a figure bumps the tenant's cache
 * generation after it commits, so an answer is never stale after a change.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly repository: StatsRepository,
    private readonly cache: TenantCacheService,
    private readonly clock: Clock,
  ) {}

  leadStats(principal: Principal): Promise<LeadStatsDto> {
    const staff = visibleOnlyTo(principal);
    const key = staff ? `lead-stats:user:${staff}` : 'lead-stats:all';
    return this.cache.getOrCompute(principal.tenantId, key, () => this.compute(staff));
  }

  private async compute(assignedUserId?: string): Promise<LeadStatsDto> {
    // The week starts in the tenant's time zone; the repository reads it in the same transaction.
    const figures = await this.repository.figures(this.clock.now(), assignedUserId);
    const byStatus = Object.fromEntries(Object.values(LeadStatus).map((status) => [status, 0]));
    for (const row of figures.byStatus) byStatus[row.status] = row.count;
    const bySource = Object.fromEntries(Object.values(LeadSource).map((source) => [source, 0]));
    for (const row of figures.bySource) bySource[row.source] = row.count;
    return {
      totalLeads: figures.totalLeads,
      upcoming: figures.upcoming,
      completed: figures.completed,
      expired: figures.expired,
      byStatus,
      bySource,
      newThisWeek: figures.newThisWeek,
      conversionRate:
        figures.totalLeads === 0
          ? 0
          : Math.round((figures.everBooked / figures.totalLeads) * 10_000) / 10_000,
      bookedRevenue: toMoneyString(figures.bookedRevenue ?? 0)!,
      invoicedRevenue: toMoneyString(figures.invoicedRevenue ?? 0)!,
      paidRevenue: toMoneyString(figures.paidRevenue ?? 0)!,
      outstanding: toMoneyString(figures.outstanding ?? 0)!,
      recurringRevenue30d: toMoneyString(figures.recurringRevenue30d ?? 0)!,
      smsFailed: figures.smsFailed,
    };
  }
}
