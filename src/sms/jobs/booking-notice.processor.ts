import { Injectable } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { BookingNoticeService, type BookingNoticeOutcome } from '../booking-notice.service.js';

/** Payload of `sms.booking-notice`: one booking change by staff to tell the customer of. */
export type BookingNoticePayload = JobPayloads['sms.booking-notice'];

/** Tells the customer of one booking change; a second run of the same change sends nothing. */
@Injectable()
@HandlesJob('sms.booking-notice')
export class BookingNoticeProcessor implements JobHandler<'sms.booking-notice'> {
  constructor(private readonly notices: BookingNoticeService) {}

  handle(payload: BookingNoticePayload): Promise<BookingNoticeOutcome> {
    return this.notices.notify(payload);
  }
}
