import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';

import { HandlesJob, isLastAttempt, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { describeFailure } from '../../integrations/provider-failure.js';
import { SmsReplyService } from '../sms-reply.service.js';

/** Payload of `sms.inbound`: the InboundEvent of a customer's text. */
export type InboundSmsPayload = JobPayloads['sms.inbound'];

/** Reads a customer's reply: a choice books, a keyword opts out or in, anything else gets help. */
@Injectable()
@HandlesJob('sms.inbound')
export class InboundSmsProcessor implements JobHandler<'sms.inbound'> {
  constructor(private readonly replies: SmsReplyService) {}

  async handle(payload: InboundSmsPayload, job: Job<InboundSmsPayload>): Promise<string> {
    try {
      return await this.replies.handle(payload.inboundEventId);
    } catch (error) {
      // Nothing may vanish: on the last try the text is kept on the timeline for a person.
      if (isLastAttempt(job, error))
        await this.replies.giveUp(
          payload.inboundEventId,
          describeFailure(error),
          String((error as Error).message),
        );
      throw error;
    }
  }
}
