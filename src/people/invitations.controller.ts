import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ADMIN_ROLES, Authenticated, CurrentActor, Public } from '../auth/auth.decorators.js';
import type { Actor } from '../auth/principal.js';
import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';
import { IdParamDto } from '../tenants/dto/id-param.dto.js';
import { ClientIp } from './client-ip.decorator.js';
import {
  AcceptedInvitationDto,
  AcceptInvitationDto,
  CreateInvitationDto,
  InvitationDto,
  InvitationListDto,
} from './dto/people.dto.js';
import { InvitationsService } from './invitations.service.js';

@ApiTags('tenant')
@Controller('invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @Authenticated({ roles: ADMIN_ROLES })
  @Idempotent()
  @ApiCreatedResponse({
    type: InvitationDto,
    description:
      "The invitation; its link (valid 7 days, single use) is e-mailed to the invitee from the tenant's " +
      'Gmail. Inviting the same e-mail again replaces the earlier invitation and its link',
  })
  @ApiErrors({
    badRequest: 'A field is missing or invalid (named in details)',
    conflict: 'The e-mail is already a member of this tenant',
  })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateInvitationDto): Promise<InvitationDto> {
    return this.invitations.create(actor, dto);
  }

  @Get()
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOkResponse({ type: InvitationListDto })
  list(): Promise<InvitationListDto> {
    return this.invitations.listPending();
  }

  @Delete(':id')
  @Authenticated({ roles: ADMIN_ROLES })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The invitation is withdrawn; its link no longer works' })
  @ApiErrors({ notFound: 'No pending invitation with that id in this tenant' })
  withdraw(@CurrentActor() actor: Actor, @Param() params: IdParamDto): Promise<void> {
    return this.invitations.withdraw(actor, params.id);
  }

  @Public()
  @Post('accept')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: AcceptedInvitationDto,
    description:
      'A new e-mail gets an account with the given password; an e-mail that has an account becomes a ' +
      'member of the inviting tenant with the invited role (its password unchanged). Then log in',
  })
  @ApiErrors({
    badRequest:
      'token is invalid or already used, or has expired (details say which of the two); or password/name ' +
      'missing for a new account',
  })
  accept(@Body() dto: AcceptInvitationDto, @ClientIp() ip: string): Promise<AcceptedInvitationDto> {
    return this.invitations.accept(dto, ip);
  }
}
