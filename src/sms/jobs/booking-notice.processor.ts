import { Injectable } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { BookingNoticeService, type BookingNoticeOutcome } from '../booking-notice.service.js';

/** Payload of `bookings.notify-customer`: one booking change by staff to tell the customer of. */
export type BookingNoticePayload = JobPayloads['bookings.notify-customer'];

/** Tells the customer of one booking change; a second run of the same change sends nothing. */
@Injectable()
@HandlesJob('bookings.notify-customer')
export class BookingNoticeProcessor implements JobHandler<'bookings.notify-customer'> {
  constructor(private readonly notices: BookingNoticeService) {}

  handle(payload: BookingNoticePayload): Promise<BookingNoticeOutcome> {
    return this.notices.notify(payload);
  }
}
