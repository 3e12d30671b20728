import { Module } from '@nestjs/common';

import { SmsSender, TwilioSmsSender } from './twilio.client.js';

/** Provides the SMS port; the SMS feature module imports it. */
@Module({
  providers: [{ provide: SmsSender, useClass: TwilioSmsSender }],
  exports: [SmsSender],
})
export class TwilioModule {}
