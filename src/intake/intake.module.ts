import { Module } from '@nestjs/common';

import { ActivitiesModule } from '../activities/activities.module.js';
import { EmailModule } from '../email/email.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { CredentialsModule } from '../integrations/credentials/credentials.module.js';
import { GeminiClientModule } from '../integrations/gemini/gemini-client.module.js';
import { GmailClientModule } from '../integrations/gmail/gmail-client.module.js';
import { AiController } from './ai.controller.js';
import { GmailIntakeService } from './gmail-intake.service.js';
import { GmailWatch } from './gmail-watch.service.js';
import { GmailRepository } from './gmail.repository.js';
import { GmailWebhookController } from './gmail-webhook.controller.js';
import { ImportMessageProcessor } from './jobs/import-message.processor.js';
import { RenewWatchProcessor, SyncAllMailboxesProcessor } from './jobs/mailbox-schedules.processor.js';
import { SyncMailboxProcessor } from './jobs/sync-mailbox.processor.js';
import { LeadExtractor } from './lead-extractor.service.js';
import { LeadIntakePipeline } from './lead-intake.pipeline.js';
import { PastedMailIntake } from './pasted-mail.service.js';
import { PubSubVerifier } from './pubsub-verifier.js';

/**
 * The lead intake (docs/architecture.md, steps 1, 2 and 5): the Gmail Pub/Sub push webhook, the history
 * sync, the message import into a lead with its reply and SMS offer, the watch, the lead extraction
 * (Gemini cross-checked by the portal parsers), and the work behind the routes that run pasted text
 * through the same path (`POST /ai/extract` here; `POST /leads/intake` is served in src/api/leads, the
 * watch route in src/integration-settings).
 */
@Module({
  imports: [
    ActivitiesModule,
    CredentialsModule,
    EmailModule,
    GeminiClientModule,
    GmailClientModule,
    LeadsModule,
    NotificationsModule,
    TenantsModule,
  ],
  controllers: [GmailWebhookController, AiController],
  providers: [
    GmailRepository,
    GmailIntakeService,
    GmailWatch,
    PastedMailIntake,
    LeadExtractor,
    LeadIntakePipeline,
    PubSubVerifier,
    SyncMailboxProcessor,
    ImportMessageProcessor,
    SyncAllMailboxesProcessor,
    RenewWatchProcessor,
  ],
  exports: [GmailWatch, PastedMailIntake],
})
export class IntakeModule {}
