import { Module } from '@nestjs/common';

import { AuthModule } from '../../auth/auth.module.js';
import { AppConfig } from '../../core/config/app-config.js';
import { CredentialCipher } from '../../core/crypto/credential-cipher.js';
import { CredentialsController } from './credentials.controller.js';
import { CredentialsRepository } from './credentials.repository.js';
import { CredentialsService } from './credentials.service.js';

/**
 * Integration credentials per tenant (GET/PUT /integrations). Exports CredentialsService, whose
 * resolveCredentials / recordSuccess / recordFailure the integration clients use.
 */
@Module({
  imports: [AuthModule],
  controllers: [CredentialsController],
  providers: [
    CredentialsRepository,
    CredentialsService,
    {
      provide: CredentialCipher,
      useFactory: (config: AppConfig) => new CredentialCipher(config.encryption),
      inject: [AppConfig],
    },
  ],
  exports: [CredentialsService],
})
export class CredentialsModule {}
