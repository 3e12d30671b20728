import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { Authenticated, CurrentPrincipal, WRITER_ROLES } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';
import { SendSmsDto, SmsDto, SmsPageDto, SmsQueryDto } from './dto/sms.dto.js';
import { SmsService } from './sms.service.js';

@ApiTags('sms')
@Controller('sms')
export class SmsController {
  constructor(private readonly sms: SmsService) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: SmsPageDto, description: 'Newest first; STAFF see texts of leads assigned to them' })
  @ApiErrors({ badRequest: 'A bad filter or page, named in details' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: SmsQueryDto): Promise<SmsPageDto> {
    return this.sms.list(principal, query);
  }

  @Post()
  @Authenticated({ roles: WRITER_ROLES })
  @Idempotent()
  @ApiCreatedResponse({
    type: SmsDto,
    description: 'Recorded and queued; sent by a job (GSM-7, status follows)',
  })
  @ApiErrors({
    notFound: 'No such lead visible to the caller',
    conflict: 'The lead has no phone, or the customer opted out',
  })
  send(@CurrentPrincipal() principal: Principal, @Body() dto: SendSmsDto): Promise<SmsDto> {
    return this.sms.sendManual(principal, dto);
  }
}
