import {
  applyDecorators,
  Controller,
  createParamDecorator,
  Header,
  HttpCode,
  Post,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import type { FastifyRequest } from 'fastify';

import { Public } from '../auth/auth.decorators.js';
import { TwilioWebhookService, type TwilioWebhookKind } from './twilio-webhook.service.js';

/** Empty TwiML: we answer nothing inline; replies go out as their own messages from the job. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** What the service needs of every Twilio callback: the URL it signed, its signature and the form. */
interface TwilioCallback {
  url: string;
  signature: string | undefined;
  body: unknown;
}

const Callback = createParamDecorator((_: unknown, context: ExecutionContext): TwilioCallback => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const signature = request.headers['x-twilio-signature'] as string | undefined;
  return { url: request.url, signature, body: request.body };
});

/** Each webhook by its path: what it is, and which unknown number (ours) makes it a 403. */
const WEBHOOKS: Record<TwilioWebhookKind, { summary: string; forbidden: string }> = {
  sms: {
    summary: "An inbound SMS (Twilio's messaging webhook)",
    forbidden: 'Invalid X-Twilio-Signature or unknown To number',
  },
  status: {
    summary: 'A delivery status callback (StatusCallback of an outbound SMS)',
    forbidden: 'Invalid X-Twilio-Signature or unknown From number',
  },
};

/** A Twilio webhook: public (it proves itself by its signature), form-encoded, answered with empty TwiML. */
function TwilioWebhook(kind: TwilioWebhookKind) {
  const { summary, forbidden } = WEBHOOKS[kind];
  return applyDecorators(
    Post(kind),
    Public(),
    HttpCode(200),
    Header('Content-Type', 'text/xml; charset=utf-8'),
    ApiOperation({ summary }),
    ApiConsumes('application/x-www-form-urlencoded'),
    ApiOkResponse({
      description: 'Empty TwiML `<Response/>`',
      content: { 'text/xml': { schema: { type: 'string', example: '<Response/>' } } },
    }),
    ApiErrors({ forbidden }),
  );
}

/**
 * Twilio's webhooks, form-encoded and signed (X-Twilio-Signature). They answer at once; the work runs
 * in jobs. A bad signature (or a number no tenant owns) is a 403 and records nothing.
 */
@ApiTags('webhooks')
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(private readonly webhooks: TwilioWebhookService) {}

  @TwilioWebhook('sms')
  inbound(@Callback() callback: TwilioCallback): Promise<string> {
    return this.receive('sms', callback);
  }

  @TwilioWebhook('status')
  status(@Callback() callback: TwilioCallback): Promise<string> {
    return this.receive('status', callback);
  }

  private async receive(kind: TwilioWebhookKind, { url, signature, body }: TwilioCallback): Promise<string> {
    await this.webhooks.receive(kind, url, signature, body);
    return EMPTY_TWIML;
  }
}
