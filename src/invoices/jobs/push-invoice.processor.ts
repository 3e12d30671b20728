import { Injectable } from '@nestjs/common';

import { TenantContextService } from '../../core/database/tenant-context.js';
import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { BillySyncService, type PushOutcome } from '../billy-sync.service.js';

export type PushInvoicePayload = JobPayloads['billing.push-invoice'];

/**
 * Puts one invoice into Billy and reads back its number and totals. Idempotent: the stored Billy id,
 * or a search by our reference after an unanswered create, keeps a retry from creating it twice.
 */
@Injectable()
@HandlesJob('billing.push-invoice')
export class PushInvoiceProcessor implements JobHandler<'billing.push-invoice'> {
  constructor(
    private readonly billySync: BillySyncService,
    private readonly context: TenantContextService,
  ) {}

  handle(payload: PushInvoicePayload): Promise<PushOutcome> {
    return this.context.run({ tenantId: payload.tenantId }, () => this.billySync.push(payload.invoiceId));
  }
}
