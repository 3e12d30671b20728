import { Injectable } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../core/queue/jobs.js';
import { EmailSender, type SendOutcome } from './email-sender.service.js';

@Injectable()
@HandlesJob('email.send')
export class SendEmailProcessor implements JobHandler<'email.send'> {
  constructor(private readonly sender: EmailSender) {}

  handle({ outboundEmailId }: JobPayloads['email.send']): Promise<SendOutcome> {
    return this.sender.send(outboundEmailId);
  }
}
