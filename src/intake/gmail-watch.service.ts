import { Injectable, Logger } from '@nestjs/common';

import { DomainError } from '../core/http/domain-error.js';
import { IntegrationNotConfiguredError } from '../integrations/credentials/credentials.errors.js';
import { isIntegrationError } from '../integrations/integration-error.js';
import { failureOf } from '../integrations/provider-failure.js';
import { GmailIntakeService } from './gmail-intake.service.js';

export interface WatchDto {
  historyId: string;
  watchExpiresAt: string;
}

/** An admin starting (or renewing) the Gmail watch by hand (`POST /integrations/google/watch`). */
@Injectable()
export class GmailWatch {
  private readonly logger = new Logger(GmailWatch.name);

  constructor(private readonly intake: GmailIntakeService) {}

  async start(): Promise<WatchDto> {
    try {
      const watched = await this.intake.watch();
      return { historyId: watched.historyId, watchExpiresAt: watched.expiresAt.toISOString() };
    } catch (error) {
      if (!isIntegrationError(error, 'Gmail', 'Google')) throw error;
      if (error.kind === 'not_configured') throw new IntegrationNotConfiguredError('google');
      // The admin gets the summary of the failure's kind; Gmail's own words go to the log.
      this.logger.warn({ message: 'Gmail did not start the watch', kind: error.kind, error: error.message });
      const failure = failureOf(error);
      throw new DomainError('unavailable', `Gmail did not start the watch: ${failure.message}`, {
        code: failure.code,
      });
    }
  }
}
