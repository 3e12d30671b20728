import { Module } from '@nestjs/common';

import { CredentialsModule } from '../credentials/credentials.module.js';
import { GMAIL_CLIENT, GoogleGmailClient } from './gmail.client.js';

/** The outbound Gmail adapter alone, for features that send mail without the intake. */
@Module({
  imports: [CredentialsModule],
  providers: [{ provide: GMAIL_CLIENT, useClass: GoogleGmailClient }],
  exports: [GMAIL_CLIENT],
})
export class GmailClientModule {}
