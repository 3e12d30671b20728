import { isLastAttempt, jobProcessor } from '../../core/queue/job-handler.decorator.js';
import { SmsService } from '../sms.service.js';

/** Sends one recorded text through Twilio, once (see SmsService.deliver for the error mapping). */
export const SendSmsProcessor = jobProcessor('sms.send', SmsService, (sms, { smsMessageId }, job) =>
  sms.deliver(smsMessageId, { number: job.attemptsMade + 1, last: isLastAttempt(job) }),
);
