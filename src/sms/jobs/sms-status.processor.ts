import { isLastAttempt, jobProcessor } from '../../core/queue/job-handler.decorator.js';
import { SmsService } from '../sms.service.js';

/** Applies a delivery callback; retried while the message's sid is not recorded yet. */
export const SmsStatusProcessor = jobProcessor('sms.status', SmsService, (sms, { inboundEventId }, job) =>
  sms.applyStatus(inboundEventId, { last: isLastAttempt(job) }),
);
