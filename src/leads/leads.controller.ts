import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';

import { ActivityPageDto, ActivityQueryDto } from '../activities/dto/activity.dto.js';
import { Authenticated, CurrentPrincipal, MANAGER_ROLES, WRITER_ROLES } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { IdParamDto } from '../tenants/dto/id-param.dto.js';
import { LeadQueryDto } from './dto/lead-query.dto.js';
import { LeadDetailDto, LeadDto, LeadPageDto, LeadStatusDto } from './dto/lead.dto.js';
import { ReplaceLeadDto, UpdateLeadDto } from './dto/update-lead.dto.js';
import { LeadsService } from './leads.service.js';
import { VisibleLeadGuard } from './visible-lead.guard.js';

// POST /leads lives in src/bookings (it may book `scheduledAt` in the same transaction; bookings depend on leads).
@ApiTags('leads')
@Controller('leads')
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: LeadPageDto })
  @ApiBadRequestResponse({ description: 'A bad filter, sort or page, named in details' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: LeadQueryDto): Promise<LeadPageDto> {
    return this.leads.list(principal, query);
  }

  @Get(':id')
  @Authenticated()
  @ApiOkResponse({ type: LeadDetailDto })
  @ApiNotFoundResponse({ description: 'No such lead in this tenant (or, for STAFF, not assigned to them)' })
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<LeadDetailDto> {
    return this.leads.get(principal, params.id);
  }

  @Put(':id')
  @UseGuards(VisibleLeadGuard)
  @Authenticated({ roles: WRITER_ROLES })
  @ApiOkResponse({ type: LeadDto })
  @ApiBadRequestResponse({ description: 'An invalid or read-only field, named in details' })
  @ApiNotFoundResponse({ description: 'No such lead in this tenant (or, for STAFF, not assigned to them)' })
  replace(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: ReplaceLeadDto,
  ): Promise<LeadDto> {
    return this.leads.replace(principal, params.id, dto);
  }

  @Patch(':id')
  @UseGuards(VisibleLeadGuard)
  @Authenticated({ roles: WRITER_ROLES })
  @ApiOkResponse({ type: LeadDto })
  @ApiBadRequestResponse({ description: 'An invalid or read-only field, named in details' })
  @ApiNotFoundResponse({ description: 'No such lead in this tenant (or, for STAFF, not assigned to them)' })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: UpdateLeadDto,
  ): Promise<LeadDto> {
    return this.leads.update(principal, params.id, dto);
  }

  @Delete(':id')
  @Authenticated({ roles: MANAGER_ROLES })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Soft-deleted: gone from every list and lookup' })
  @ApiNotFoundResponse({ description: 'No such lead in this tenant' })
  remove(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<void> {
    return this.leads.remove(principal, params.id);
  }

  @Post(':id/status')
  @UseGuards(VisibleLeadGuard)
  @Authenticated({ roles: WRITER_ROLES })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: LeadDto })
  @ApiConflictResponse({ description: 'An illegal move; details: { from, to, allowed }' })
  @ApiNotFoundResponse({ description: 'No such lead in this tenant (or, for STAFF, not assigned to them)' })
  changeStatus(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: LeadStatusDto,
  ): Promise<LeadDto> {
    return this.leads.changeStatus(principal, params.id, dto.status);
  }

  @Get(':id/activities')
  @Authenticated()
  @ApiOkResponse({ type: ActivityPageDto })
  @ApiNotFoundResponse({ description: 'No such lead in this tenant (or, for STAFF, not assigned to them)' })
  activities(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Query() query: ActivityQueryDto,
  ): Promise<ActivityPageDto> {
    return this.leads.listActivities(principal, params.id, query);
  }
}
