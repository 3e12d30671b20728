import { jobProcessor } from '../core/queue/job-handler.decorator.js';
import { EmailSender } from './email-sender.service.js';

/** Sends one recorded e-mail through the tenant's Gmail, at most once (see EmailSender). */
export const SendEmailProcessor = jobProcessor('email.send', EmailSender, (sender, { outboundEmailId }) =>
  sender.send(outboundEmailId),
);
