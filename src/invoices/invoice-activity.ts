import type { ActivityEntry } from '../activities/activities.repository.js';
import type { ActivitiesService } from '../activities/activities.service.js';
import type { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import type { Invoice } from '../generated/prisma/client.js';
import type { InvoiceChange, InvoicesRepository } from './invoices.repository.js';

/**
 * What an invoice's activity is about and who did it: its customer, booking, the invoice itself and,
 * when the caller looked it up, its lead (left out when not given, as the entries always did).
 */
export function aboutInvoice(
  invoice: Pick<Invoice, 'id' | 'customerId' | 'bookingId'>,
  actorUserId: string | null,
  leadId?: string | null,
): Pick<ActivityEntry, 'customerId' | 'leadId' | 'bookingId' | 'invoiceId' | 'actorUserId'> {
  return {
    customerId: invoice.customerId,
    ...(leadId === undefined ? {} : { leadId }),
    bookingId: invoice.bookingId,
    invoiceId: invoice.id,
    actorUserId,
  };
}

/** What went wrong with an invoice in Billy, for the invoice's flag and for its timeline. */
export interface InvoiceProblem {
  title: string;
  reason: string;
  metadata: ActivityEntry['metadata'];
  /** Further changes to the invoice in the same write. */
  change?: InvoiceChange;
}

/**
 * Flags the invoice as needing a person, with the reason, and records the error on its timeline, in one
 * transaction: what the Billy job and the payment sync do when Billy refuses or has lost the invoice.
 */
export function flagForAttention(
  db: TenantPrismaService,
  repository: InvoicesRepository,
  activities: ActivitiesService,
  invoice: Pick<Invoice, 'id' | 'customerId' | 'bookingId'>,
  { title, reason, metadata, change }: InvoiceProblem,
): Promise<void> {
  return db.transaction(async (tx) => {
    await repository.update(tx, db.tenantId, invoice.id, {
      needsAttention: true,
      needsAttentionReason: reason,
      ...change,
    });
    await activities.record(tx, {
      type: 'invoice',
      title,
      description: reason,
      status: 'error',
      ...aboutInvoice(invoice, null),
      metadata,
    });
  });
}
