import { Injectable } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { CredentialsService } from '../../integrations/credentials/credentials.service.js';
import { GmailIntakeService } from '../gmail-intake.service.js';
import { runGmailStep } from './gmail-failures.js';

@Injectable()
@HandlesJob('intake.sync-mailbox')
export class SyncMailboxProcessor implements JobHandler<'intake.sync-mailbox'> {
  constructor(
    private readonly intake: GmailIntakeService,
    private readonly credentials: CredentialsService,
  ) {}

  handle(_payload: JobPayloads['intake.sync-mailbox']): Promise<{ queued: number; fullSync: boolean }> {
    return runGmailStep(this.credentials, () => this.intake.sync());
  }
}
