import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { ADMIN_ROLES, Authenticated } from '../auth/auth.decorators.js';
import { IdParamDto } from './dto/id-param.dto.js';
import { PaginationQueryDto } from '../core/http/pagination.js';
import { CreateTeamDto, TeamPageDto, TeamResponseDto, UpdateTeamDto } from './dto/team.dto.js';
import { TeamsService } from './teams.service.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';

@ApiTags('tenant')
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: TeamPageDto })
  list(@Query() query: PaginationQueryDto): Promise<TeamPageDto> {
    return this.teams.list(query);
  }

  @Post()
  @Idempotent()
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiCreatedResponse({ type: TeamResponseDto })
  @ApiErrors({ conflict: 'A team with this name exists' })
  create(@Body() dto: CreateTeamDto): Promise<TeamResponseDto> {
    return this.teams.create(dto);
  }

  @Patch(':id')
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiErrors({ notFound: 'No such team in this tenant', conflict: 'Another team has this name' })
  update(@Param() params: IdParamDto, @Body() dto: UpdateTeamDto): Promise<TeamResponseDto> {
    return this.teams.update(params.id, dto);
  }
}
