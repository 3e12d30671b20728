import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Authenticated, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { LeadStatsDto } from './dto/lead-stats.dto.js';
import { StatsService } from './stats.service.js';

/** GET /leads/stats, beside the leads routes (seed 000's path); Fastify prefers it to /leads/:id. */
@ApiTags('leads')
@Controller('leads')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Authenticated()
  @Get('stats')
  @ApiOkResponse({ type: LeadStatsDto })
  leadStats(@CurrentPrincipal() principal: Principal): Promise<LeadStatsDto> {
    return this.stats.leadStats(principal);
  }
}
