import { Injectable } from '@nestjs/common';

import type { ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { paginated } from '../core/http/pagination.js';
import { parseRangeBoundary } from '../core/time/tenant-time.js';
import { type Principal, visibleOnlyTo } from '../auth/principal.js';
import { ActivitiesRepository, type ActivityEntry } from './activities.repository.js';
import { ActivityDto, type ActivityPageDto, type ActivityQueryDto } from './dto/activity.dto.js';

/**
 * The append-only timeline. Every change writes its activity in the same transaction as the change
 * (pass the transaction), so the timeline never shows what did not happen, nor misses what did.
 */
@Injectable()
export class ActivitiesService {
  constructor(private readonly repository: ActivitiesRepository) {}

  async record(tx: ScopedTransaction, entry: ActivityEntry): Promise<void> {
    await this.repository.create(tx, entry);
  }

  async list(
    principal: Principal,
    timezone: string,
    query: ActivityQueryDto,
    leadId?: string,
  ): Promise<ActivityPageDto> {
    const page = await this.repository.page(
      {
        type: query.type,
        leadId: leadId ?? query.leadId,
        from: query.from ? parseRangeBoundary(query.from, timezone, 'from') : undefined,
        to: query.to ? parseRangeBoundary(query.to, timezone, 'to') : undefined,
        assignedUserId: visibleOnlyTo(principal),
      },
      query.skip,
      query.pageSize,
    );
    return paginated(query, page, ActivityDto.from);
  }
}
