import { Injectable } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { CredentialsService } from '../../integrations/credentials/credentials.service.js';
import { GmailIntakeService, type ImportOutcome } from '../gmail-intake.service.js';
import { runGmailStep } from './gmail-failures.js';

@Injectable()
@HandlesJob('intake.import-message')
export class ImportMessageProcessor implements JobHandler<'intake.import-message'> {
  constructor(
    private readonly intake: GmailIntakeService,
    private readonly credentials: CredentialsService,
  ) {}

  handle({ messageId }: JobPayloads['intake.import-message']): Promise<ImportOutcome> {
    return runGmailStep(this.credentials, () => this.intake.importMessage(messageId));
  }
}
