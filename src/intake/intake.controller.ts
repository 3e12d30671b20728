import { createHash } from 'node:crypto';

import { Body, Controller, Headers, HttpCode, Logger, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { ADMIN_ROLES, Authenticated, Public, WRITER_ROLES } from '../auth/auth.decorators.js';
import { ConflictError, DomainError } from '../core/http/domain-error.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import type { LeadDto } from '../leads/dto/lead.dto.js';
import { LeadsService } from '../leads/leads.service.js';
import { MailTextDto, pastedMail } from './dto/mail-text.dto.js';
import type { LeadExtraction } from './extraction/lead-fields.js';
import { IntegrationNotConfiguredError } from '../integrations/credentials/credentials.errors.js';
import { isIntegrationError } from '../integrations/integration-error.js';
import { failureOf } from '../integrations/provider-failure.js';
import { GmailIntakeService } from './gmail-intake.service.js';
import { GmailRepository } from './gmail.repository.js';
import { LeadIntakePipeline } from './lead-intake.pipeline.js';
import { parseGmailPush } from './pubsub-push.js';
import { PubSubVerifier } from './pubsub-verifier.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';

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

export interface WatchDto {
  historyId: string;
  watchExpiresAt: string;
}

export interface IntakeResultDto {
  lead: LeadDto;
  extraction: LeadExtraction;
  replyQueued: boolean;
  smsOfferQueued: boolean;
}

@ApiTags('integrations')
@Controller('integrations/google')
export class GmailWatchController {
  private readonly logger = new Logger(GmailWatchController.name);

  constructor(private readonly intake: GmailIntakeService) {}

  @Post('watch')
  @HttpCode(200)
  @Authenticated({ roles: ADMIN_ROLES })
  @ApiOperation({ summary: 'Start (or renew) the Gmail watch: Gmail pushes new mail to PUBSUB_TOPIC' })
  @ApiOkResponse({ description: '`{ historyId, watchExpiresAt }`' })
  async watch(): Promise<WatchDto> {
    try {
      const watched = await this.intake.watch();
      return { historyId: watched.historyId, watchExpiresAt: watched.expiresAt.toISOString() };
    } catch (error) {
      if (isIntegrationError(error, 'Gmail', 'Google')) {
        if (error.kind === 'not_configured') throw new IntegrationNotConfiguredError('google');
        // The admin gets the summary of the failure's kind; Gmail's own words go to the log.
        this.logger.warn({
          message: 'Gmail did not start the watch',
          kind: error.kind,
          error: error.message,
        });
        const failure = failureOf(error);
        throw new DomainError('unavailable', `Gmail did not start the watch: ${failure.message}`, {
          code: failure.code,
        });
      }
      throw error;
    }
  }
}

@ApiTags('leads')
@Controller('leads/intake')
export class LeadIntakeTextController {
  constructor(
    private readonly pipeline: LeadIntakePipeline,
    private readonly leads: LeadsService,
    private readonly repository: GmailRepository,
  ) {}

  @Post()
  @Idempotent()
  @Authenticated({ roles: WRITER_ROLES })
  @ApiOperation({
    summary: 'Create a lead from a pasted lead mail, through the same path as the Gmail intake',
  })
  @ApiCreatedResponse({ description: '`{ lead, extraction, replyQueued, smsOfferQueued }`' })
  @ApiErrors({
    badRequest: '`text` missing, empty or too long; `source` not a lead source',
    conflict: 'The same text was pasted in before: `details.leadId` is its lead',
  })
  async intake(@Body() dto: MailTextDto): Promise<IntakeResultDto> {
    // The same mail pasted twice (a double click, two colleagues) is one lead: its text is its key.
    const digest = createHash('sha256').update(dto.text.replace(/\r\n?/g, '\n').trim()).digest('hex');
    const key = `paste:${digest.slice(0, 40)}`;
    // Pasting a mail whose lead was deleted is a deliberate new start (a Gmail redelivery is not).
    await this.repository.releaseDeletedSource(key);
    const result = await this.pipeline.createFromMail(pastedMail(dto.text), {
      sourceMessageId: key,
      threadId: null,
      rfcMessageId: null,
      senderEmail: null,
      ...(dto.source ? { source: dto.source } : {}),
    });
    if (!result.created)
      throw new ConflictError('This e-mail was already pasted in as a lead', { leadId: result.lead.id });
    return {
      lead: this.leads.toDto(result.lead),
      extraction: result.extraction,
      replyQueued: result.replyQueued,
      smsOfferQueued: result.smsOfferQueued,
    };
  }
}
