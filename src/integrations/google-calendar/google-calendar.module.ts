import { Module } from '@nestjs/common';

import { CredentialsModule } from '../credentials/credentials.module.js';
import { CALENDAR_GATEWAY } from './calendar.gateway.js';
import { GoogleCalendarGateway } from './google-calendar.gateway.js';

/** The calendar port (token CALENDAR_GATEWAY) and its Google adapter; the calendar feature imports it. */
@Module({
  imports: [CredentialsModule],
  providers: [{ provide: CALENDAR_GATEWAY, useClass: GoogleCalendarGateway }],
  exports: [CALENDAR_GATEWAY],
})
export class GoogleCalendarModule {}
