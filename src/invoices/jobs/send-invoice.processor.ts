import { jobProcessor } from '../../core/queue/job-handler.decorator.js';
import { InvoiceDeliveryService } from '../invoice-delivery.service.js';

/**
 * Delivers an invoice to its customer (Billy's e-mail, or the PDF through Gmail). Idempotent: a job for
 * delivery n does nothing once n deliveries are accepted (see InvoiceDeliveryService).
 */
export const SendInvoiceProcessor = jobProcessor(
  'invoices.send',
  InvoiceDeliveryService,
  (delivery, { invoiceId, delivery: n }) => delivery.deliver(invoiceId, n),
);
