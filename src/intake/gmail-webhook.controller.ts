import { Body, Controller, Headers, HttpCode, Logger, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Public } from '../auth/auth.decorators.js';
import { DomainError } from '../core/http/domain-error.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import { GmailRepository } from './gmail.repository.js';
import { parseGmailPush } from './pubsub-push.js';
import { PubSubVerifier } from './pubsub-verifier.js';

class UnauthenticatedPushError extends DomainError {
  constructor() {
    super('unauthorized', 'Push not authenticated');
  }
}

/**
 * Gmail's Pub/Sub push (docs/architecture.md, step 1). Answers in milliseconds: it only verifies and
 * records; the sync and import run as jobs. A push that is authentic but useless (malformed, unknown
 * mailbox) is still answered 204, or Pub/Sub would redeliver it for days.
 */
@ApiTags('webhooks')
@Controller('webhooks/gmail')
export class GmailWebhookController {
  private readonly logger = new Logger(GmailWebhookController.name);

  constructor(
    private readonly verifier: PubSubVerifier,
    private readonly repository: GmailRepository,
    private readonly outbox: OutboxService,
  ) {}

  @Post()
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Pub/Sub push of a Gmail watch (OIDC bearer token or ?token=)' })
  async push(
    @Headers('authorization') authorization: string | undefined,
    @Query('token') token: string | undefined,
    @Body() body: unknown,
  ): Promise<void> {
    if (!(await this.verifier.verify(authorization, typeof token === 'string' ? token : undefined)))
      throw new UnauthenticatedPushError();
    const parsed = parseGmailPush(body);
    if (!parsed.ok) {
      this.logger.warn({ message: 'Malformed Gmail push ignored', reason: parsed.reason });
      return;
    }
    const recorded = await this.repository.recordPush(parsed.push);
    if (!recorded) {
      this.logger.warn({
        message: 'Gmail push for an unknown mailbox ignored',
        mailbox: parsed.push.emailAddress,
      });
      return;
    }
    // With Redis away the relay fails quietly and the outbox sweeper enqueues the sync later.
    this.outbox.relay(recorded.outboxIds);
  }
}
