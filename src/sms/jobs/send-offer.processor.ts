import { jobProcessor } from '../../core/queue/job-handler.decorator.js';
import { SmsOfferService } from '../sms-offer.service.js';

/** Offers a lead three times by SMS; a lead with an open offer is left alone, so a rerun does nothing. */
export const SendOfferProcessor = jobProcessor('sms.offer', SmsOfferService, (offers, { leadId }) =>
  offers.offer(leadId, { mode: 'job' }),
);
