import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';

import { HandlesJob, isLastAttempt, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import type { SmsStatus } from '../../generated/prisma/enums.js';
import { SmsService } from '../sms.service.js';

/** Payload of `sms.send`: one recorded outbound SmsMessage. */
export type SendSmsPayload = JobPayloads['sms.send'];

/** Sends one recorded text through Twilio, once (see SmsService.deliver for the error mapping). */
@Injectable()
@HandlesJob('sms.send')
export class SendSmsProcessor implements JobHandler<'sms.send'> {
  constructor(private readonly sms: SmsService) {}

  handle(payload: SendSmsPayload, job: Job<SendSmsPayload>): Promise<SmsStatus> {
    const attempt = { number: job.attemptsMade + 1, last: isLastAttempt(job) };
    return this.sms.deliver(payload.smsMessageId, attempt);
  }
}
