import { Injectable } from '@nestjs/common';

import { TenantContextService } from '../core/database/tenant-context.js';
import { HandlesJob, type JobHandler } from '../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../core/queue/jobs.js';
import { EmailSender, type SendOutcome } from './email-sender.service.js';

@Injectable()
@HandlesJob('email.send')
export class SendEmailProcessor implements JobHandler<'email.send'> {
  constructor(
    private readonly sender: EmailSender,
    private readonly context: TenantContextService,
  ) {}

  handle({ tenantId, outboundEmailId }: JobPayloads['email.send']): Promise<SendOutcome> {
    return this.context.run({ tenantId }, () => this.sender.send(outboundEmailId));
  }
}
