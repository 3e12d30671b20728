import { Module } from '@nestjs/common';

import { AppConfig } from '../../core/config/app-config.js';
import { CredentialCipher } from '../../core/crypto/credential-cipher.js';
import { CredentialsMemo } from './credentials-memo.js';
import { CredentialsRepository } from './credentials.repository.js';
import { CredentialsService } from './credentials.service.js';

/**
 * Integration credentials per tenant. Exports CredentialsService, whose resolveCredentials /
 * recordSuccess / recordFailure the integration clients use; GET/PUT /integrations are
 * integration-settings/.
 */
@Module({
  providers: [
    CredentialsRepository,
    CredentialsService,
    CredentialsMemo,
    {
      provide: CredentialCipher,
      useFactory: (config: AppConfig) => new CredentialCipher(config.encryption),
      inject: [AppConfig],
    },
  ],
  exports: [CredentialsService],
})
export class CredentialsModule {}
