import { Module } from '@nestjs/common';

import { ActivitiesModule } from '../../activities/activities.module.js';
import { EmailModule } from '../../email/email.module.js';
import { LeadsModule } from '../../leads/leads.module.js';
import { TenantsModule } from '../../tenants/tenants.module.js';
import { AiController } from '../ai/ai.controller.js';
import { AiModule } from '../ai/ai.module.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { GmailClientModule } from './gmail-client.module.js';
import { GmailIntakeService } from './gmail-intake.service.js';
import { GmailRepository } from './gmail.repository.js';
import {
  GmailWatchController,
  GmailWebhookController,
  LeadIntakeTextController,
} from './gmail.controller.js';
import { ImportMessageProcessor } from './jobs/import-message.processor.js';
import { RenewWatchProcessor, SyncAllMailboxesProcessor } from './jobs/mailbox-schedules.processor.js';
import { SyncMailboxProcessor } from './jobs/sync-mailbox.processor.js';
import { LeadIntakePipeline } from './lead-intake.pipeline.js';
import { PubSubVerifier } from './pubsub-verifier.js';

/**
 * The Gmail intake (docs/architecture.md, steps 1, 2 and 5): the Pub/Sub push webhook, the history sync,
 * the message import into a lead with its reply and SMS offer, the watch, and the two routes that run
 * pasted text through the same path (`POST /leads/intake`, `POST /ai/extract`).
 */
@Module({
  imports: [
    ActivitiesModule,
    AiModule,
    CredentialsModule,
    EmailModule,
    GmailClientModule,
    LeadsModule,
    TenantsModule,
  ],
  controllers: [GmailWebhookController, GmailWatchController, LeadIntakeTextController, AiController],
  providers: [
    GmailRepository,
    GmailIntakeService,
    LeadIntakePipeline,
    PubSubVerifier,
    SyncMailboxProcessor,
    ImportMessageProcessor,
    SyncAllMailboxesProcessor,
    RenewWatchProcessor,
  ],
})
export class GmailModule {}
