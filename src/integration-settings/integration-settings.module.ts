import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { CredentialsModule } from '../integrations/credentials/credentials.module.js';
import { CredentialsController } from './credentials.controller.js';
import { IntegrationSettingsService } from './integration-settings.service.js';

/** GET/PUT /integrations: an admin's view of the tenant's integrations and their credentials. */
@Module({
  imports: [AuthModule, CredentialsModule],
  controllers: [CredentialsController],
  providers: [IntegrationSettingsService],
})
export class IntegrationSettingsModule {}
