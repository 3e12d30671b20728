import { Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { formatAddress, formatShortDateTime } from '../core/format/danish.js';
import type { BookingNoticeKind, JobPayloads } from '../core/queue/jobs.js';
import { Clock } from '../core/time/clock.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { EmailService } from '../email/email.service.js';
import type { EmailTemplateType, SmsTemplateType } from '../generated/prisma/enums.js';
import type { CustomerNotices } from '../tenants/tenant-defaults.js';
import { TenantProfileService, type TenantProfile } from '../tenants/tenant-profile.service.js';
import { SmsRepository, type DueReminder } from './sms.repository.js';
import { SmsService } from './sms.service.js';
import { quietHoursEndAfter } from './text/quiet-hours.js';
import {
  bookingCancelledText,
  bookingMovedText,
  cancellationFeeText,
  confirmationText,
  customerCancelledText,
  customerMovedText,
} from './text/sms-texts.js';

export type BookingNoticeOutcome = 'told' | 'already_told' | 'superseded' | 'turned_off' | 'gone';

/** The tenant's switch for each kind; none for what the customer did themselves: they asked for it. */
const SETTING: Readonly<Record<BookingNoticeKind, keyof CustomerNotices | null>> = {
  confirmed: 'bookingConfirmed',
  moved: 'bookingMoved',
  cancelled: 'bookingCancelled',
  customer_moved: null,
  customer_cancelled: null,
};

const EMAIL_TYPE = {
  confirmed: 'booking_confirmation',
  moved: 'booking_moved',
  cancelled: 'booking_cancelled',
  customer_moved: 'booking_moved_by_customer',
  customer_cancelled: 'booking_cancelled_by_customer',
} as const satisfies Record<BookingNoticeKind, EmailTemplateType>;

const SMS_TYPE = {
  confirmed: 'booking_confirmation',
  moved: 'booking_moved',
  cancelled: 'booking_cancelled',
  customer_moved: 'booking_moved_by_customer',
  customer_cancelled: 'booking_cancelled_by_customer',
} as const satisfies Record<BookingNoticeKind, SmsTemplateType>;

const TITLE: Readonly<Record<BookingNoticeKind, string>> = {
  confirmed: 'Kunden har fået bekræftelse på bookingen',
  moved: 'Kunden har fået besked om ændringen',
  cancelled: 'Kunden har fået besked om aflysningen',
  customer_moved: 'Kunden har fået bekræftet flytningen',
  customer_cancelled: 'Kunden har fået bekræftet aflysningen',
};

/** A move is told once per revision; a confirmation or cancellation happens once per booking. */
const isMove = (kind: BookingNoticeKind) => kind === 'moved' || kind === 'customer_moved';

/**
 * Tells the customer of a booking change made by staff (docs/architecture.md, step 7): a booking
 * confirmed, moved or cancelled gets an SMS and an e-mail, whichever contact the customer gave.
 *
 * Once per change: the text carries the change's key ("booking:<id>:<kind>:<revision>", unique per
 * tenant) and the e-mail is unique per booking, type and step (the revision for a move), so a
 * redelivered job or a second run records nothing new. True when sent: a notice about a time that has
 * since changed again (a later move, a cancellation) is dropped, as the later change brings its own.
 * Never to a number that texted STOP; in the quiet hours the e-mail goes at once and the text waits
 * for their end (the job is written again for then), never dropped. A tenant can turn each kind off.
 */
@Injectable()
export class BookingNoticeService {
  constructor(
    private readonly repository: SmsRepository,
    private readonly db: TenantPrismaService,
    private readonly unitOfWork: UnitOfWork,
    private readonly activities: ActivitiesService,
    private readonly profiles: TenantProfileService,
    private readonly sms: SmsService,
    private readonly email: EmailService,
    private readonly clock: Clock,
  ) {}

  async notify(notice: JobPayloads['sms.booking-notice']): Promise<BookingNoticeOutcome> {
    const tenantId = this.db.tenantId;
    const now = this.clock.now();
    const booking = await this.repository.bookingWithLead(tenantId, notice.bookingId);
    if (!booking || booking.deletedAt) return 'gone';
    if (!stillTrue(booking, notice, now)) return 'superseded';
    const profile = await this.profiles.current();
    const setting = SETTING[notice.kind];
    if (setting && !profile.customerNotices[setting]) return 'turned_off';

    const { lead } = booking;
    const key = `booking:${booking.id}:${notice.kind}:${notice.revision}`;
    return this.unitOfWork.run(async (work) => {
      const { tx } = work;
      const told: string[] = [];
      const notes: string[] = [];
      const phone = lead.customerPhone;
      if (phone && (await this.repository.isOptedOut(tenantId, phone, tx))) {
        notes.push('Kunden har afmeldt SMS');
      } else if (phone) {
        const quietEnd = quietHoursEndAfter(now, profile.smsRules, profile.timezone);
        if (quietEnd && !(await this.repository.hasMessageWithKey(tenantId, key, tx))) {
          await work.enqueue(
            'sms.booking-notice',
            { ...notice, smsOnly: true },
            { availableAt: quietEnd, dedupId: `${key}:sms` },
          );
          notes.push(`SMS sendes ${formatShortDateTime(quietEnd, profile.timezone)} (stille timer)`);
        } else if (!quietEnd) {
          const text = await this.sms.queueTextOnce(work, {
            leadId: lead.id,
            bookingId: booking.id,
            customerId: booking.customerId,
            phone,
            body: textFor(
              notice,
              booking,
              profile,
              await this.repository.smsTemplate(tenantId, SMS_TYPE[notice.kind], tx),
            ),
            type: notice.kind === 'confirmed' ? 'confirmation' : 'other',
            dedupKey: key,
          });
          if (text) told.push('SMS');
        }
      }
      if (lead.customerEmail && !notice.smsOnly) {
        const ids = await this.email.enqueueAboutBooking(tx, {
          tenantId,
          type: EMAIL_TYPE[notice.kind],
          // A booking is confirmed and cancelled once, but may be moved many times.
          step: isMove(notice.kind) ? notice.revision : 0,
          extra:
            notice.kind === 'customer_cancelled'
              ? { feeText: cancellationFeeText(feeOf(notice)) }
              : undefined,
          booking,
          lead,
          tenant: profile,
        });
        work.relayAfterCommit(ids);
        if (ids.length > 0) told.push('e-mail');
      }
      const waiting = notes.some((note) => note.startsWith('SMS sendes'));
      if (told.length === 0 && !waiting) {
        if (notice.smsOnly || (await this.alreadyTold(booking, notice, key))) return 'already_told';
        if (!phone && !lead.customerEmail) notes.push('Kunden har hverken telefon eller e-mail');
      }
      await this.activities.record(tx, {
        type: 'booking',
        title:
          told.length > 0
            ? TITLE[notice.kind]
            : waiting
              ? 'SMS til kunden venter'
              : 'Kunden har ikke fået besked',
        description: [told.length > 0 ? `Sendt på ${told.join(' og ')}` : null, ...notes]
          .filter(Boolean)
          .join('. '),
        status: told.length > 0 || waiting ? 'info' : 'warning',
        customerId: booking.customerId,
        leadId: lead.id,
        bookingId: booking.id,
        metadata: { notice: notice.kind, revision: notice.revision, sms: told.includes('SMS') },
      });
      return told.length > 0 || waiting ? 'told' : 'already_told';
    });
  }

  /** Whether an earlier run already told this change (its text or its e-mail is recorded). */
  private async alreadyTold(
    booking: DueReminder,
    notice: JobPayloads['sms.booking-notice'],
    key: string,
  ): Promise<boolean> {
    if (await this.repository.hasMessageWithKey(booking.tenantId, key)) return true;
    return this.repository.hasBookingEmail(
      booking.tenantId,
      booking.id,
      EMAIL_TYPE[notice.kind],
      isMove(notice.kind) ? notice.revision : 0,
    );
  }
}

/** The change is still what the booking is: a notice about a time that changed again is not sent. */
function stillTrue(booking: DueReminder, notice: JobPayloads['sms.booking-notice'], now: Date): boolean {
  switch (notice.kind) {
    case 'confirmed':
      return booking.status === 'confirmed' && booking.startsAt > now;
    case 'moved':
    case 'customer_moved':
      return booking.status === 'confirmed' && booking.revision === notice.revision && booking.startsAt > now;
    case 'cancelled':
    case 'customer_cancelled':
      return booking.status === 'cancelled';
  }
}

/** The notice's text in the tenant's wording (`template`) or the default. */
function textFor(
  notice: JobPayloads['sms.booking-notice'],
  booking: DueReminder,
  profile: TenantProfile,
  template: string | undefined,
): string {
  const common = {
    tenantName: profile.name,
    customerName: booking.lead.customerName,
    timezone: profile.timezone,
    startsAt: booking.startsAt,
    address: formatAddress(booking.lead.address, booking.lead.postalCode, booking.lead.city),
  };
  switch (notice.kind) {
    case 'confirmed':
      return confirmationText({ ...common, hours: booking.durationHours }, template);
    case 'moved':
      return bookingMovedText({ ...common, hours: booking.durationHours }, template);
    case 'cancelled':
      return bookingCancelledText(common, template);
    case 'customer_moved':
      return customerMovedText({ ...common, hours: booking.durationHours }, template);
    case 'customer_cancelled':
      return customerCancelledText({ ...common, fee: feeOf(notice) }, template);
  }
}

/** The fee the notice carries, as the fee sentence takes it. */
function feeOf(notice: JobPayloads['sms.booking-notice']): { hours: number; feeInclVat: string } | null {
  return notice.fee ? { hours: notice.fee.hours, feeInclVat: notice.fee.inclVat } : null;
}
