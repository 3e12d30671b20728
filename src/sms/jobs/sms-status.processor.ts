import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';

import { HandlesJob, isLastAttempt, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { SmsService } from '../sms.service.js';

/** Payload of `sms.status`: the InboundEvent of a delivery callback. */
export type SmsStatusPayload = JobPayloads['sms.status'];

/** Applies a delivery callback; retried while the message's sid is not recorded yet. */
@Injectable()
@HandlesJob('sms.status')
export class SmsStatusProcessor implements JobHandler<'sms.status'> {
  constructor(private readonly sms: SmsService) {}

  handle(payload: SmsStatusPayload, job: Job<SmsStatusPayload>): Promise<void> {
    return this.sms.applyStatus(payload.inboundEventId, { last: isLastAttempt(job) });
  }
}
