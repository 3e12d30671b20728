import { Injectable, Logger } from '@nestjs/common';

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
  private readonly logger = new Logger(SmsRemindersProcessor.name);

  constructor(
    private readonly reminders: SmsReminderService,
    private readonly context: TenantContextService,
    private readonly clock: Clock,
  ) {}

  async handle(_payload: SmsRemindersPayload): Promise<{ tenants: number; reminded: number }> {
    const now = this.clock.now();
    const tenantIds = await this.reminders.tenantsWithDueReminders(now);
    let reminded = 0;
    const failures: string[] = [];
    for (const tenantId of tenantIds) {
      try {
        reminded += await this.context.run({ tenantId }, () => this.reminders.remindDue(now));
      } catch (error) {
        this.logger.warn(`Reminders of tenant ${tenantId} failed: ${(error as Error).message}`);
        failures.push(`${tenantId}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(`Reminders failed for ${failures.join('; ')}`);
    return { tenants: tenantIds.length, reminded };
  }
}
