import { Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { BookingsService } from '../bookings/bookings.service.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { formatAddress } from '../core/format/danish.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { EmailService } from '../email/email.service.js';
import { TenantProfileService } from '../tenants/tenant-profile.service.js';
import { SmsRepository } from './sms.repository.js';
import { SmsService } from './sms.service.js';
import { quietHoursEndAfter } from './text/quiet-hours.js';
import { reminderText } from './text/sms-texts.js';

/** Bookings starting within this window get their reminder. */
export const REMINDER_WINDOW_MS = 24 * 3600 * 1000;

/**
 * Reminders (docs/architecture.md, step 7), driven by PostgreSQL: every 15 minutes the confirmed bookings
 * starting in the next 24 hours with no `reminderSentAt` get the reminder text and the BOOKING_REMINDER
 * e-mail; `reminderSentAt` is set by compare-and-set in the same transaction, so a Redis loss or a
 * second instance cannot drop or double one. A cancelled or moved-away booking is no longer found; an
 * opted-out customer gets the e-mail only. In quiet hours the texts wait for the next run after them.
 */
@Injectable()
export class SmsReminderService {
  constructor(
    private readonly repository: SmsRepository,
    private readonly system: SystemPrismaService,
    private readonly db: TenantPrismaService,
    private readonly unitOfWork: UnitOfWork,
    private readonly activities: ActivitiesService,
    private readonly profile: TenantProfileService,
    private readonly sms: SmsService,
    private readonly email: EmailService,
    private readonly bookings: BookingsService,
  ) {}

  tenantsWithDueReminders(now: Date): Promise<string[]> {
    return this.system.transaction('schedule-fan-out', (tx) =>
      this.repository.tenantsWithDueReminders(tx, now, new Date(now.getTime() + REMINDER_WINDOW_MS)),
    );
  }

  /** Reminds the current tenant's due bookings; returns how many were reminded. */
  async remindDue(now: Date): Promise<number> {
    const tenantId = this.db.tenantId;
    const profile = await this.profile.current();
    if (quietHoursEndAfter(now, profile.smsRules, profile.timezone)) return 0;
    const due = await this.repository.dueReminders(
      tenantId,
      now,
      new Date(now.getTime() + REMINDER_WINDOW_MS),
    );
    let reminded = 0;
    for (const booking of due) {
      const lead = booking.lead;
      const sent = await this.unitOfWork.run(async (work) => {
        const tx = work.tx;
        if (!(await this.bookings.markReminded(tx, booking, now))) return false;
        const address = formatAddress(lead.address, lead.postalCode, lead.city);
        const phone = lead.customerPhone;
        const texted = phone !== null && !(await this.repository.isOptedOut(tenantId, phone, tx));
        if (texted) {
          await this.sms.queueText(work, {
            leadId: lead.id,
            bookingId: booking.id,
            phone,
            body: reminderText(
              {
                tenantName: profile.name,
                customerName: lead.customerName,
                timezone: profile.timezone,
                startsAt: booking.startsAt,
                address,
              },
              await this.repository.smsTemplate(tenantId, 'booking_reminder', tx),
            ),
            type: 'reminder',
          });
        }
        work.relayAfterCommit(
          await this.email.enqueueAboutBooking(tx, {
            tenantId,
            type: 'booking_reminder',
            // The revision: a booking moved after its reminder is reminded again for its new time.
            step: booking.revision,
            booking,
            lead,
            tenant: profile,
          }),
        );
        await this.activities.record(tx, {
          type: 'sms',
          title: 'Påmindelse sendt',
          description:
            [texted ? 'SMS' : null, lead.customerEmail ? 'e-mail' : null].filter(Boolean).join(' og ') ||
            'Ingen kontaktoplysninger: ingen påmindelse sendt',
          status: texted || lead.customerEmail ? 'info' : 'warning',
          customerId: booking.customerId,
          leadId: lead.id,
          bookingId: booking.id,
          metadata: {
            startsAt: booking.startsAt.toISOString(),
            sms: texted,
            email: lead.customerEmail !== null,
          },
        });
        return true;
      });
      if (sent) reminded += 1;
    }
    return reminded;
  }
}
