import { Module } from '@nestjs/common';

import { CredentialsModule } from '../credentials/credentials.module.js';
import { GmailClient } from './gmail.client.js';

/** The outbound Gmail adapter alone, for features that send mail without the intake. */
@Module({
  imports: [CredentialsModule],
  providers: [GmailClient],
  exports: [GmailClient],
})
export class GmailClientModule {}
