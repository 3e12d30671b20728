import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { CredentialsModule } from '../integrations/credentials/credentials.module.js';
import { CredentialsController } from './credentials.controller.js';
import { IntegrationSettingsService } from './integration-settings.service.js';

/**
 * The /integrations routes: an admin's view of the tenant's integrations and their credentials, and
 * starting the Gmail watch (the intake does the work).
 */
@Module({
  imports: [AuthModule, CredentialsModule, IntakeModule],
  controllers: [CredentialsController],
  providers: [IntegrationSettingsService],
})
export class IntegrationSettingsModule {}
