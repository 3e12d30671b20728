import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';

import { TenantContextService } from '../../core/database/tenant-context.js';
import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import { JOBS, type JobPayloads } from '../../core/queue/jobs.js';
import { SmsReplyService } from '../sms-reply.service.js';

/** Payload of `sms.inbound`: the InboundEvent of a customer's text. */
export type InboundSmsPayload = JobPayloads['sms.inbound'];

/** Reads a customer's reply: a choice books, a keyword opts out or in, anything else gets help. */
@Injectable()
@HandlesJob('sms.inbound')
export class InboundSmsProcessor implements JobHandler<'sms.inbound'> {
  constructor(
    private readonly replies: SmsReplyService,
    private readonly context: TenantContextService,
  ) {}

  handle(payload: InboundSmsPayload, job: Job<InboundSmsPayload>): Promise<string> {
    return this.context.run({ tenantId: payload.tenantId }, async () => {
      try {
        return await this.replies.handle(payload.inboundEventId);
      } catch (error) {
        const attempts = job.opts.attempts ?? JOBS['sms.inbound'].attempts;
        const last = (error as Error).name === 'UnrecoverableError' || job.attemptsMade + 1 >= attempts;
        // Nothing may vanish: on the last try the text is kept on the timeline for a person.
        if (last) await this.replies.giveUp(payload.inboundEventId, (error as Error).message);
        throw error;
      }
    });
  }
}
