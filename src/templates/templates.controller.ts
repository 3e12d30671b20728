import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

import { ADMIN_ROLES, Authenticated, CurrentActor } from '../auth/auth.decorators.js';
import type { Actor } from '../auth/principal.js';
import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { SMS_TEMPLATE_TYPES } from '../sms/text/sms-templates.js';
import {
  EmailPreviewDto,
  EmailTemplateDto,
  EmailTemplateListDto,
  PreviewEmailTemplateDto,
  PreviewSmsTemplateDto,
  SmsPreviewDto,
  SmsTemplateDto,
  SmsTemplateListDto,
  UpdateEmailTemplateDto,
  UpdateSmsTemplateDto,
} from './dto/template.dto.js';
import { EMAIL_TEMPLATE_TYPES } from './template-rules.js';
import { TemplatesService } from './templates.service.js';

const UNKNOWN_TYPE = 'No template of this type (the message names it; details.known lists the types)';
const BAD_TEXT =
  'An empty or too long text, or a placeholder the type does not have (details name the field and each unknown placeholder)';

/**
 * The tenant's e-mail templates: any member reads them, admins change them. What a customer is sent is
 * rendered from the stored text when the e-mail is recorded.
 */
@ApiTags('templates')
@Controller('email-templates')
export class EmailTemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: "The tenant's e-mail templates, each with the placeholders it may use" })
  @ApiOkResponse({ type: EmailTemplateListDto })
  async list(): Promise<EmailTemplateListDto> {
    return { data: await this.templates.listEmail() };
  }

  @Get(':type')
  @Authenticated()
  @ApiOperation({ summary: 'One e-mail template' })
  @ApiParam({ name: 'type', enum: EMAIL_TEMPLATE_TYPES })
  @ApiOkResponse({ type: EmailTemplateDto })
  @ApiErrors({ notFound: UNKNOWN_TYPE })
  get(@Param('type') type: string): Promise<EmailTemplateDto> {
    return this.templates.getEmail(type);
  }

  @Put(':type')
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({ summary: 'Change the wording: later e-mails of this type use it' })
  @ApiParam({ name: 'type', enum: EMAIL_TEMPLATE_TYPES })
  @ApiOkResponse({ type: EmailTemplateDto })
  @ApiErrors({ badRequest: BAD_TEXT, notFound: UNKNOWN_TYPE })
  put(
    @CurrentActor() actor: Actor,
    @Param('type') type: string,
    @Body() dto: UpdateEmailTemplateDto,
  ): Promise<EmailTemplateDto> {
    return this.templates.putEmail(actor, type, dto);
  }

  @Delete(':type')
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({ summary: 'Back to the default wording; answers the template as it now is' })
  @ApiParam({ name: 'type', enum: EMAIL_TEMPLATE_TYPES })
  @ApiOkResponse({ type: EmailTemplateDto })
  @ApiErrors({ notFound: UNKNOWN_TYPE })
  reset(@CurrentActor() actor: Actor, @Param('type') type: string): Promise<EmailTemplateDto> {
    return this.templates.resetEmail(actor, type);
  }

  @Post(':type/preview')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({
    summary: 'The stored template, or the subject and body given, filled with sample values',
  })
  @ApiParam({ name: 'type', enum: EMAIL_TEMPLATE_TYPES })
  @ApiOkResponse({ type: EmailPreviewDto })
  @ApiErrors({ badRequest: BAD_TEXT, notFound: UNKNOWN_TYPE })
  preview(@Param('type') type: string, @Body() dto: PreviewEmailTemplateDto): Promise<EmailPreviewDto> {
    return this.templates.previewEmail(type, dto);
  }
}

/**
 * The tenant's SMS texts: the default wording until an admin stores its own. Sent texts use the stored
 * one; a text must fit two segments filled with typical values.
 */
@ApiTags('templates')
@Controller('sms-templates')
export class SmsTemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: "The tenant's SMS texts (its own or the default), each with its placeholders" })
  @ApiOkResponse({ type: SmsTemplateListDto })
  async list(): Promise<SmsTemplateListDto> {
    return { data: await this.templates.listSms() };
  }

  @Get(':type')
  @Authenticated()
  @ApiOperation({ summary: 'One SMS text' })
  @ApiParam({ name: 'type', enum: SMS_TEMPLATE_TYPES })
  @ApiOkResponse({ type: SmsTemplateDto })
  @ApiErrors({ notFound: UNKNOWN_TYPE })
  get(@Param('type') type: string): Promise<SmsTemplateDto> {
    return this.templates.getSms(type);
  }

  @Put(':type')
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({ summary: "Store the tenant's wording: later texts of this type use it" })
  @ApiParam({ name: 'type', enum: SMS_TEMPLATE_TYPES })
  @ApiOkResponse({ type: SmsTemplateDto })
  @ApiErrors({
    badRequest: `${BAD_TEXT}; or a text longer than two segments with typical values (the message says how long it renders)`,
    notFound: UNKNOWN_TYPE,
  })
  put(
    @CurrentActor() actor: Actor,
    @Param('type') type: string,
    @Body() dto: UpdateSmsTemplateDto,
  ): Promise<SmsTemplateDto> {
    return this.templates.putSms(actor, type, dto);
  }

  @Delete(':type')
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({ summary: 'Back to the default wording; answers the text as it now is' })
  @ApiParam({ name: 'type', enum: SMS_TEMPLATE_TYPES })
  @ApiOkResponse({ type: SmsTemplateDto })
  @ApiErrors({ notFound: UNKNOWN_TYPE })
  reset(@CurrentActor() actor: Actor, @Param('type') type: string): Promise<SmsTemplateDto> {
    return this.templates.resetSms(actor, type);
  }

  @Post(':type/preview')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({
    summary:
      'The stored text, or the body given, filled with sample values as it would be sent, with its length',
  })
  @ApiParam({ name: 'type', enum: SMS_TEMPLATE_TYPES })
  @ApiOkResponse({ type: SmsPreviewDto })
  @ApiErrors({ badRequest: BAD_TEXT, notFound: UNKNOWN_TYPE })
  preview(@Param('type') type: string, @Body() dto: PreviewSmsTemplateDto): Promise<SmsPreviewDto> {
    return this.templates.previewSms(type, dto);
  }
}
