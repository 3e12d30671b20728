import { jobProcessor } from '../../core/queue/job-handler.decorator.js';
import { BillySyncService } from '../billy-sync.service.js';

/**
 * Puts one invoice into Billy and reads back its number and totals. Idempotent: the stored Billy id,
 * or a search by our reference after an unanswered create, keeps a retry from creating it twice.
 */
export const PushInvoiceProcessor = jobProcessor(
  'invoices.push-to-billy',
  BillySyncService,
  (billy, { invoiceId }) => billy.push(invoiceId),
);
