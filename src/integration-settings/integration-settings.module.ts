import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { BillyModule } from '../integrations/billy/billy.module.js';
import { CredentialsModule } from '../integrations/credentials/credentials.module.js';
import { GeminiClientModule } from '../integrations/gemini/gemini-client.module.js';
import { GmailClientModule } from '../integrations/gmail/gmail-client.module.js';
import { GoogleCalendarModule } from '../integrations/google-calendar/google-calendar.module.js';
import { TwilioModule } from '../integrations/twilio/twilio.module.js';
import { CredentialsController } from './credentials.controller.js';
import { GoogleConsent } from './google-consent.service.js';
import { IntegrationConnections } from './integration-connections.service.js';
import { IntegrationSettingsService } from './integration-settings.service.js';

/**
 * The /integrations routes: an admin's view of the tenant's integrations and their credentials,
 * connecting Google by consent, testing and disconnecting each integration, and starting the Gmail
 * watch (the intake does the work).
 */
@Module({
  imports: [
    AuthModule,
    CredentialsModule,
    IntakeModule,
    BillyModule,
    GeminiClientModule,
    GmailClientModule,
    GoogleCalendarModule,
    TwilioModule,
  ],
  controllers: [CredentialsController],
  providers: [IntegrationSettingsService, GoogleConsent, IntegrationConnections],
})
export class IntegrationSettingsModule {}
