import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Authenticated, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { TenantProfileService } from '../tenants/tenant-profile.service.js';
import { ActivitiesService } from './activities.service.js';
import { ActivityPageDto, ActivityQueryDto } from './dto/activity.dto.js';

@ApiTags('activities')
@Controller('activities')
export class ActivitiesController {
  constructor(
    private readonly activities: ActivitiesService,
    private readonly tenant: TenantProfileService,
  ) {}

  @Authenticated()
  @Get()
  @ApiOkResponse({ type: ActivityPageDto })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ActivityQueryDto,
  ): Promise<ActivityPageDto> {
    const { timezone } = await this.tenant.current();
    return this.activities.list(principal, timezone, query);
  }
}
