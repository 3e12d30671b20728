import { jobProcessor } from '../../core/queue/job-handler.decorator.js';
import { BookingNoticeService } from '../booking-notice.service.js';

/** Tells the customer of one booking change by staff; a second run of the same change sends nothing. */
export const BookingNoticeProcessor = jobProcessor(
  'sms.booking-notice',
  BookingNoticeService,
  (notices, payload) => notices.notify(payload),
);
