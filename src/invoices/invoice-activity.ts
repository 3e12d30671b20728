import type { ActivityEntry } from '../activities/activities.repository.js';
import type { Invoice } from '../generated/prisma/client.js';

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
