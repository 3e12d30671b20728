import { Injectable } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { SmsOfferFollowUp } from '../sms-offer-follow-up.service.js';

/** The one reminder text of an unanswered offer. */
@Injectable()
@HandlesJob('sms.offer-reminder')
export class OfferReminderProcessor implements JobHandler<'sms.offer-reminder'> {
  constructor(private readonly followUp: SmsOfferFollowUp) {}

  handle({ smsMessageId }: JobPayloads['sms.offer-reminder']): Promise<string> {
    return this.followUp.remind(smsMessageId);
  }
}

/** An offer lapsed: still unanswered, the lead is flagged for a call and staff are notified. */
@Injectable()
@HandlesJob('sms.offer-lapsed')
export class OfferLapsedProcessor implements JobHandler<'sms.offer-lapsed'> {
  constructor(private readonly followUp: SmsOfferFollowUp) {}

  handle({ smsMessageId }: JobPayloads['sms.offer-lapsed']): Promise<string> {
    return this.followUp.lapse(smsMessageId);
  }
}
