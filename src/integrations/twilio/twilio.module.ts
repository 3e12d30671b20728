import { Module } from '@nestjs/common';

import { SMS_SENDER, TwilioSmsSender } from './twilio.client.js';

/** Provides the SMS port (token SMS_SENDER); the SMS feature module imports it. */
@Module({
  providers: [{ provide: SMS_SENDER, useClass: TwilioSmsSender }],
  exports: [SMS_SENDER],
})
export class TwilioModule {}
