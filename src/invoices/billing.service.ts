import { Inject, Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { money } from '../core/money/money.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import type { Invoice } from '../generated/prisma/client.js';
import { BILLY_GATEWAY, type BillyGateway } from '../integrations/billy/billy.client.js';
import { isIntegrationError } from '../integrations/integration-error.js';
import type { BillyInvoice } from '../integrations/billy/billy.types.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { failureOf, giveUp } from '../integrations/provider-failure.js';
import { kroner } from './invoice-amounts.js';
import { InvoicesRepository, UNPAID_STATUSES } from './invoices.repository.js';
import { aboutInvoice, flagForAttention } from './invoice-activity.js';

const POLL_BATCH = 200;

/**
 * Payments recorded in Billy, read back by `invoices.poll-payments` every 15 minutes
 * (docs/architecture.md, step 8): Billy documents no webhooks, so unpaid invoices' `isPaid` and
 * `balance` are polled. Pushing invoices to Billy is BillySyncService, overdue marking and reminders
 * InvoiceRemindersService.
 */
@Injectable()
export class BillingService {
  constructor(
    private readonly repository: InvoicesRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly system: SystemPrismaService,
    private readonly unitOfWork: UnitOfWork,
    @Inject(BILLY_GATEWAY) private readonly billy: BillyGateway,
    private readonly credentials: CredentialsService,
    private readonly activities: ActivitiesService,
  ) {}

  // Payments ----------------------------------------------------------------------------------------

  tenantsWithUnpaidBillyInvoices(): Promise<string[]> {
    return this.system.transaction('schedule-fan-out', (tx) =>
      this.repository.tenantsWithUnpaidBillyInvoices(tx),
    );
  }

  /** Reads the current tenant's unpaid invoices from Billy; returns how many turned paid. */
  async pollPayments(): Promise<number> {
    const tenantId = this.tenantPrisma.tenantId;
    const resolved = await this.credentials.resolveCredentials('billy');
    if (!resolved) return 0;
    const client = this.billy.forCredentials(resolved.credentials);
    let paid = 0;
    for (const invoice of await this.repository.unpaidBillyInvoices(tenantId, POLL_BATCH)) {
      let billy: BillyInvoice;
      try {
        billy = await client.getInvoice(invoice.billyInvoiceId!);
      } catch (error) {
        if (isIntegrationError(error, 'Billy') && error.kind === 'needs_attention') {
          await this.credentials.recordFailure('billy', failureOf(error), { needsAttention: true });
          throw giveUp(error, `Billy refused the credentials: ${error.message}`);
        }
        if (isIntegrationError(error, 'Billy') && error.kind === 'not_found') {
          // Deleted in Billy (or another organisation's id): flag this one and go on with the others,
          // so one lost invoice does not stop every payment of the tenant from being seen.
          await this.flagMissingInBilly(invoice);
          continue;
        }
        throw error;
      }
      const changed = await this.applyBillyState(invoice, billy);
      if (changed) paid += 1;
    }
    await this.credentials.recordSuccess('billy');
    return paid;
  }

  /**
   * Billy's payment state onto one invoice: paid when Billy says so, else the amount paid so far. Each
   * invoice commits on its own, and the tenant's cached figures go stale with that commit. Returns
   * whether the invoice turned paid. Used by the poll and by the push that /sync starts.
   */
  async applyBillyState(invoice: Invoice, billy: BillyInvoice): Promise<boolean> {
    const tenantId = this.tenantPrisma.tenantId;
    if (billy.state !== 'approved' || !UNPAID_STATUSES.includes(invoice.status)) return false;
    const paidAmount = money(invoice.total.minus(kroner(billy.balance)));
    return this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      if (billy.isPaid) {
        const moved = await this.repository.updateIfStatus(tx, tenantId, invoice.id, UNPAID_STATUSES, {
          status: 'paid',
          paidAt: new Date(),
          paidAmount: invoice.total,
        });
        if (!moved) return false;
        work.invalidatesCache();
        await this.activities.record(tx, {
          type: 'invoice',
          title: 'Faktura betalt',
          description: `Faktura nr. ${invoice.number ?? invoice.reference} er betalt i Billy`,
          status: 'success',
          ...aboutInvoice(invoice, null, await this.repository.leadIdOf(tenantId, invoice, tx)),
          metadata: { billyInvoiceId: billy.id },
        });
        return true;
      }
      if (paidAmount.gt(0) && !paidAmount.equals(invoice.paidAmount ?? 0)) {
        work.invalidatesCache();
        await this.repository.update(tx, tenantId, invoice.id, { paidAmount });
      }
      return false;
    });
  }

  private async flagMissingInBilly(invoice: Invoice): Promise<void> {
    const reason = `Billy does not know invoice ${invoice.billyInvoiceId} any more: its payments cannot be read`;
    if (invoice.needsAttentionReason === reason) return;
    await flagForAttention(this.tenantPrisma, this.repository, this.activities, invoice, {
      title: 'Fakturaen findes ikke længere i Billy',
      reason,
      metadata: { billyInvoiceId: invoice.billyInvoiceId },
    });
  }
}
