import { Injectable } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { BillySyncService, type PushOutcome } from '../billy-sync.service.js';

export type PushInvoicePayload = JobPayloads['invoices.push-to-billy'];

/**
 * Puts one invoice into Billy and reads back its number and totals. Idempotent: the stored Billy id,
 * or a search by our reference after an unanswered create, keeps a retry from creating it twice.
 */
@Injectable()
@HandlesJob('invoices.push-to-billy')
export class PushInvoiceProcessor implements JobHandler<'invoices.push-to-billy'> {
  constructor(private readonly billySync: BillySyncService) {}

  handle(payload: PushInvoicePayload): Promise<PushOutcome> {
    return this.billySync.push(payload.invoiceId);
  }
}
