import { Body, Controller, Header, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import type { FastifyRequest } from 'fastify';

import { Public } from '../auth/auth.decorators.js';
import { TwilioWebhookService } from './twilio-webhook.service.js';

/** Empty TwiML: we answer nothing inline; replies go out as their own messages from the job. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Twilio's webhooks, form-encoded and signed (X-Twilio-Signature). They answer at once; the work runs
 * in jobs. A bad signature (or a number no tenant owns) is a 403 and records nothing.
 */
@ApiTags('webhooks')
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(private readonly webhooks: TwilioWebhookService) {}

  @Post('sms')
  @Public()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml; charset=utf-8')
  @ApiOperation({ summary: "An inbound SMS (Twilio's messaging webhook)" })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'Empty TwiML `<Response/>`' })
  @ApiErrors({ forbidden: 'Invalid X-Twilio-Signature or unknown To number' })
  async inbound(
    @Req() request: FastifyRequest,
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() body: unknown,
  ): Promise<string> {
    await this.webhooks.receive('sms', request.url, signature, body);
    return EMPTY_TWIML;
  }

  @Post('status')
  @Public()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml; charset=utf-8')
  @ApiOperation({ summary: 'A delivery status callback (StatusCallback of an outbound SMS)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'Empty TwiML `<Response/>`' })
  @ApiErrors({ forbidden: 'Invalid X-Twilio-Signature or unknown From number' })
  async status(
    @Req() request: FastifyRequest,
    @Headers('x-twilio-signature') signature: string | undefined,
    @Body() body: unknown,
  ): Promise<string> {
    await this.webhooks.receive('status', request.url, signature, body);
    return EMPTY_TWIML;
  }
}
