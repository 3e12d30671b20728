import { Body, Controller, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';

import { Authenticated, CurrentPrincipal, WRITER_ROLES } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CreateLeadDto } from '../leads/dto/create-lead.dto.js';
import { LeadIntakeService, type CreatedLead, type CreatedLeadWithBooking } from './lead-intake.service.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';

/**
 * POST /leads. Here rather than in the leads module: with `scheduledAt` the lead and its pending
 * booking are created in one transaction, and bookings may depend on leads but not the reverse.
 */
@ApiTags('leads')
@Controller('leads')
export class LeadIntakeController {
  constructor(private readonly intake: LeadIntakeService) {}

  @Post()
  @Idempotent()
  @Authenticated({ roles: WRITER_ROLES })
  @ApiCreatedResponse({
    description:
      'The lead (with `warnings` when linking it to a customer needed a choice); with `scheduledAt`, ' +
      '`{ lead, booking, meetingToken }`: a pending booking on the first free team, confirmable for 48 hours',
  })
  @ApiBadRequestResponse({ description: 'An invalid or unknown field, named in details' })
  @ApiConflictResponse({ description: 'No team is free at `scheduledAt`; details name the conflicts' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateLeadDto,
  ): Promise<CreatedLead | CreatedLeadWithBooking> {
    return this.intake.create(principal, dto);
  }
}
