import { Injectable } from '@nestjs/common';

import { TenantContextService } from '../core/database/tenant-context.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import type { FinalJobFailure, JobFailureReporter } from '../core/queue/job-observer.js';
import { describeFailure } from '../integrations/provider-failure.js';
import { ActivitiesService } from './activities.service.js';

/** Danish names of the automatic steps, for the timeline. */
const JOB_LABELS: Readonly<Record<string, string>> = {
  'intake.sync-mailbox': 'Læsning af indbakken',
  'intake.import-message': 'Import af e-mail',
  'sms.offer': 'SMS med tider',
  'sms.send': 'Afsendelse af SMS',
  'sms.inbound': 'Behandling af SMS-svar',
  'calendar.sync-booking': 'Opdatering af kalender',
  'sms.booking-notice': 'Besked til kunden om bookingen',
  'invoices.push-to-billy': 'Overførsel af faktura til Billy',
  'invoices.send': 'Afsendelse af faktura til kunden',
};

/** Jobs that write their own, more specific failure to the timeline (no second line for the same). */
const REPORTS_ITSELF = new Set(['email.send', 'sms.send', 'calendar.sync-booking', 'invoices.push-to-billy']);

/**
 * A job that gave up shows, with a clear reason, on the timeline of the lead it was about
 * (docs/architecture.md, Jobs and the outbox), found from the ids in its payload: the lead, or the booking,
 * invoice or text that belongs to one. Jobs about no lead (schedules, mailbox syncs) only reach the logs and
 * the queue dashboard.
 */
@Injectable()
export class JobFailureTimeline implements JobFailureReporter {
  constructor(
    private readonly context: TenantContextService,
    private readonly db: TenantPrismaService,
    private readonly activities: ActivitiesService,
  ) {}

  async report(failure: FinalJobFailure): Promise<void> {
    if (REPORTS_ITSELF.has(failure.job)) return;
    await this.context.run({ tenantId: failure.tenantId }, async () => {
      const subject = await this.subjectOf(failure.payload);
      if (!subject.leadId && !subject.bookingId && !subject.invoiceId) return;
      // Everyone who may read the lead reads this: the kind of failure in our words, never the raw
      // reason (a vendor's "connect ECONNREFUSED …", a stack), which the worker has already logged.
      const summary = describeFailure(failure.error);
      await this.db.transaction((tx) =>
        this.activities.record(tx, {
          type: 'system',
          title: `${JOB_LABELS[failure.job] ?? failure.job} mislykkedes`,
          description: summary.message,
          status: 'error',
          ...subject,
          metadata: { job: failure.job, failureCode: summary.code },
        }),
      );
    });
  }

  private async subjectOf(
    payload: Record<string, unknown>,
  ): Promise<{ leadId: string | null; bookingId: string | null; invoiceId: string | null }> {
    const id = (key: string): string | null =>
      typeof payload[key] === 'string' ? (payload[key] as string) : null;
    const client = this.db.client;
    const invoiceId = id('invoiceId');
    let bookingId = id('bookingId');
    let leadId = id('leadId');
    if (invoiceId && !bookingId) {
      bookingId =
        (await client.invoice.findUnique({ where: { id: invoiceId }, select: { bookingId: true } }))
          ?.bookingId ?? null;
    }
    if (bookingId && !leadId) {
      leadId =
        (await client.booking.findUnique({ where: { id: bookingId }, select: { leadId: true } }))?.leadId ??
        null;
    }
    const smsMessageId = id('smsMessageId');
    if (smsMessageId && !leadId) {
      leadId =
        (await client.smsMessage.findUnique({ where: { id: smsMessageId }, select: { leadId: true } }))
          ?.leadId ?? null;
    }
    // A row that no longer exists (or another tenant's id) links to nothing.
    if (leadId && !(await client.lead.findUnique({ where: { id: leadId }, select: { id: true } })))
      leadId = null;
    if (bookingId && !(await client.booking.findUnique({ where: { id: bookingId }, select: { id: true } })))
      bookingId = null;
    const invoice =
      invoiceId && (await client.invoice.findUnique({ where: { id: invoiceId }, select: { id: true } }));
    return { leadId, bookingId, invoiceId: invoice ? invoiceId : null };
  }
}
