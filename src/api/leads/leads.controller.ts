import {
  applyDecorators,
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
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { ApiErrors } from '../../core/http/api-errors.decorator.js';
import { ActivityPageDto, ActivityQueryDto } from '../../activities/dto/activity.dto.js';
import { Authenticated, CurrentPrincipal, MANAGER_ROLES, WRITER_ROLES } from '../../auth/auth.decorators.js';
import { ActionRoute, ListRoute, ReadRoute } from '../../auth/route.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { LeadIntakeService } from '../../bookings/lead-intake.service.js';
import { CreatedLeadDto } from '../../bookings/dto/created-lead.dto.js';
import { Idempotent } from '../../core/idempotency/idempotent.decorator.js';
import { IntakeResponseDto } from '../../intake/dto/extraction.dto.js';
import { MailTextDto } from '../../intake/dto/mail-text.dto.js';
import { PastedMailIntake, type IntakeResultDto } from '../../intake/pasted-mail.service.js';
import { BookingOptionsResultDto } from '../../sms/dto/sms.dto.js';
import { SmsOfferService } from '../../sms/sms-offer.service.js';
import { LeadStatsDto } from '../../stats/dto/lead-stats.dto.js';
import { StatsService } from '../../stats/stats.service.js';
import { IdParamDto } from '../../tenants/dto/id-param.dto.js';
import { CreateLeadDto } from '../../leads/dto/create-lead.dto.js';
import { LeadQueryDto } from '../../leads/dto/lead-query.dto.js';
import { LeadDetailDto, LeadDto, LeadPageDto, LeadStatusDto } from '../../leads/dto/lead.dto.js';
import { ReplaceLeadDto, UpdateLeadDto } from '../../leads/dto/update-lead.dto.js';
import { LeadsService } from '../../leads/leads.service.js';
import { VisibleLeadGuard } from '../../leads/visible-lead.guard.js';

const NOT_VISIBLE = 'No such lead in this tenant (or, for STAFF, not assigned to them)';

/** PUT and PATCH of a lead share their guard, roles, answer and errors. */
const EditsLead = () =>
  applyDecorators(
    UseGuards(VisibleLeadGuard),
    Authenticated({ roles: WRITER_ROLES }),
    ApiOkResponse({ type: LeadDto }),
    ApiErrors({ badRequest: 'An invalid or read-only field, named in details', notFound: NOT_VISIBLE }),
  );

/**
 * Every /api/leads route. The work
 * is done by the module that owns it: creating with a booking by bookings, the offer by sms, the
 * figures by stats; src/api sits above them all, so none of them depends on it.
 */
@ApiTags('leads')
@Controller('leads')
export class LeadsController {
  constructor(
    private readonly leads: LeadsService,
    private readonly intake: LeadIntakeService,
    private readonly stats: StatsService,
    private readonly offers: SmsOfferService,
    private readonly pasted: PastedMailIntake,
  ) {}

  @Post()
  @Idempotent()
  @Authenticated({ roles: WRITER_ROLES })
  @ApiCreatedResponse({
    type: CreatedLeadDto,
    description: 'The lead; with `scheduledAt` also its pending booking and meeting token, else those are null',
  })
  @ApiErrors({
    badRequest: 'An invalid or unknown field, named in details',
    conflict: 'No team is free at `scheduledAt`; details name the conflicts',
  })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateLeadDto,
  ): Promise<CreatedLeadDto> {
    return this.intake.create(principal, dto);
  }

  @Post('intake')
  @Idempotent()
  @Authenticated({ roles: WRITER_ROLES })
  @ApiOperation({
    summary: 'Create a lead from a pasted lead mail, through the same path as the Gmail intake',
  })
  @ApiCreatedResponse({ type: IntakeResponseDto })
  @ApiErrors({
    badRequest: '`text` missing, empty or too long; `source` not a lead source',
    conflict: 'The same text was pasted in before: `details.leadId` is its lead',
  })
  intakeMail(@Body() dto: MailTextDto): Promise<IntakeResultDto> {
    return this.pasted.create(dto);
  }

  /** Fastify prefers this static path to /leads/:id whatever the order. */
  @Get('stats')
  @Authenticated()
  @ApiOkResponse({ type: LeadStatsDto })
  leadStats(@CurrentPrincipal() principal: Principal): Promise<LeadStatsDto> {
    return this.stats.leadStats(principal);
  }

  @ListRoute({ type: LeadPageDto }, 'A bad filter, sort or page, named in details')
  list(@CurrentPrincipal() principal: Principal, @Query() query: LeadQueryDto): Promise<LeadPageDto> {
    return this.leads.list(principal, query);
  }

  @ReadRoute(':id', LeadDetailDto, NOT_VISIBLE)
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<LeadDetailDto> {
    return this.leads.get(principal, params.id);
  }

  @Put(':id')
  @EditsLead()
  replace(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: ReplaceLeadDto,
  ): Promise<LeadDto> {
    return this.leads.replace(principal, params.id, dto);
  }

  @Patch(':id')
  @EditsLead()
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
  @ApiErrors({ notFound: 'No such lead in this tenant' })
  remove(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<void> {
    return this.leads.remove(principal, params.id);
  }

  @UseGuards(VisibleLeadGuard)
  @ActionRoute(
    ':id/status',
    { type: LeadDto },
    {
      conflict: 'An illegal move; details: { from, to, allowed }',
      notFound: NOT_VISIBLE,
    },
  )
  changeStatus(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: LeadStatusDto,
  ): Promise<LeadDto> {
    return this.leads.changeStatus(principal, params.id, dto.status);
  }

  @ReadRoute(':id/activities', ActivityPageDto, NOT_VISIBLE)
  activities(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Query() query: ActivityQueryDto,
  ): Promise<ActivityPageDto> {
    return this.leads.listActivities(principal, params.id, query);
  }

  @ActionRoute(
    ':id/send-booking-options',
    { type: BookingOptionsResultDto },
    {
      notFound: 'No such lead visible to the caller',
      conflict: 'No phone, no hours, opted out, or the lead is already booked',
    },
  )
  sendBookingOptions(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
  ): Promise<BookingOptionsResultDto> {
    return this.offers.sendByHand(principal, params.id);
  }
}
