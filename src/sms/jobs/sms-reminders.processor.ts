import { Injectable } from '@nestjs/common';

import { TenantContextService } from '../../core/database/tenant-context.js';
import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { SmsReminderService } from '../sms-reminder.service.js';
import { Clock } from '../../core/time/clock.js';

/** Payload of `sms.reminders`: none; the schedule covers every tenant. */
export type SmsRemindersPayload = JobPayloads['sms.reminders'];

/**
 * Every 15 minutes: reminders for bookings in the next 24 hours, per tenant (fan-out over the system
 * path). One tenant's failure does not stop the others; the job still fails afterwards so BullMQ
 * retries it, and the compare-and-set on reminderSentAt makes the retry do only what is left.
 */
@Injectable()
@HandlesJob('sms.reminders')
export class SmsRemindersProcessor implements JobHandler<'sms.reminders'> {
  constructor(
    private readonly reminders: SmsReminderService,
    private readonly context: TenantContextService,
    private readonly clock: Clock,
  ) {}

  async handle(_payload: SmsRemindersPayload): Promise<{ tenants: number; reminded: number }> {
    const now = this.clock.now();
    const tenantIds = await this.reminders.tenantsWithDueReminders(now);
    const { tenants, total } = await this.context.countForEachTenant(tenantIds, 'Reminders', () =>
      this.reminders.remindDue(now),
    );
    return { tenants, reminded: total };
  }
}
