import { Injectable } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { SmsOfferService, type OfferOutcome } from '../sms-offer.service.js';

/** Payload of `sms.offer`: the lead to offer times to (written by the intake when a lead is confident). */
export type SendOfferPayload = JobPayloads['sms.offer'];

/** Offers a lead three times by SMS; a lead with an open offer is left alone, so a rerun does nothing. */
@Injectable()
@HandlesJob('sms.offer')
export class SendOfferProcessor implements JobHandler<'sms.offer'> {
  constructor(private readonly offers: SmsOfferService) {}

  handle(payload: SendOfferPayload): Promise<OfferOutcome> {
    return this.offers.offer(payload.leadId, { mode: 'job' });
  }
}
