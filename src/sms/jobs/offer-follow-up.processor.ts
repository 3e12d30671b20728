import { jobProcessor } from '../../core/queue/job-handler.decorator.js';
import { SmsOfferFollowUp } from '../sms-offer-follow-up.service.js';

/** The one reminder text of an unanswered offer. */
export const OfferReminderProcessor = jobProcessor(
  'sms.offer-reminder',
  SmsOfferFollowUp,
  (followUp, { smsMessageId }) => followUp.remind(smsMessageId),
);

/** An offer lapsed: still unanswered, the lead is flagged for a call and staff are notified. */
export const OfferLapsedProcessor = jobProcessor(
  'sms.offer-lapsed',
  SmsOfferFollowUp,
  (followUp, { smsMessageId }) => followUp.lapse(smsMessageId),
);
