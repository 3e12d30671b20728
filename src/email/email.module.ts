import { Module } from '@nestjs/common';

import { ActivitiesModule } from '../activities/activities.module.js';
import { CredentialsModule } from '../integrations/credentials/credentials.module.js';
import { GmailClientModule } from '../integrations/gmail/gmail-client.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { EmailSender, EmailSentListeners } from './email-sender.service.js';
import { EmailService } from './email.service.js';
import { SendEmailProcessor } from './send-email.processor.js';

/**
 * Outgoing e-mail (docs/architecture.md, step 2): features record an e-mail in their own transaction
 * with `EmailService.enqueue`; the `email.send` job sends it through the tenant's Gmail, once.
 */
@Module({
  imports: [ActivitiesModule, CredentialsModule, GmailClientModule, LeadsModule],
  providers: [EmailService, EmailSender, EmailSentListeners, SendEmailProcessor],
  exports: [EmailService, EmailSentListeners],
})
export class EmailModule {}
