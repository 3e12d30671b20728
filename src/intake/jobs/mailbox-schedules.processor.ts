import { Injectable, Logger } from '@nestjs/common';

import { AppConfig } from '../../core/config/app-config.js';
import { SystemPrismaService } from '../../core/database/system-prisma.service.js';
import { TenantContextService } from '../../core/database/tenant-context.js';
import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { OutboxService } from '../../core/queue/outbox.service.js';
import { CredentialsService } from '../../integrations/credentials/credentials.service.js';
import { GmailIntakeService } from '../gmail-intake.service.js';
import { GmailRepository } from '../gmail.repository.js';
import { runGmailStep } from './gmail-failures.js';

/** Tenants whose Gmail works: the schedules skip the rest instead of failing for them every time. */
async function connectedTenants(
  repository: GmailRepository,
  context: TenantContextService,
  credentials: CredentialsService,
): Promise<string[]> {
  const connected: string[] = [];
  for (const tenantId of await repository.tenantsWithMailbox()) {
    const resolved = await context.run({ tenantId }, () => credentials.resolveCredentials('google'));
    if (resolved) connected.push(tenantId);
  }
  return connected;
}

/** Every 10 minutes: a sync per connected mailbox, because pushes get lost and watches lapse. */
@Injectable()
@HandlesJob('intake.sync-all-mailboxes')
export class SyncAllMailboxesProcessor implements JobHandler<'intake.sync-all-mailboxes'> {
  constructor(
    private readonly repository: GmailRepository,
    private readonly context: TenantContextService,
    private readonly credentials: CredentialsService,
    private readonly system: SystemPrismaService,
    private readonly outbox: OutboxService,
  ) {}

  async handle(_payload: JobPayloads['intake.sync-all-mailboxes']): Promise<{ mailboxes: number }> {
    const tenants = await connectedTenants(this.repository, this.context, this.credentials);
    const ids = await this.system.transaction('schedule-fan-out', async (tx) => {
      const written: string[] = [];
      for (const tenantId of tenants) {
        written.push(
          await this.outbox.write(
            tx,
            tenantId,
            'intake.sync-mailbox',
            { tenantId },
            { dedupId: `intake-sync-mailbox-${tenantId}` },
          ),
        );
      }
      return written;
    });
    this.outbox.relay(ids);
    return { mailboxes: tenants.length };
  }
}

/** Daily: renews each connected mailbox's watch (Gmail stops pushing after seven days). */
@Injectable()
@HandlesJob('intake.renew-watches')
export class RenewWatchProcessor implements JobHandler<'intake.renew-watches'> {
  private readonly logger = new Logger(RenewWatchProcessor.name);

  constructor(
    private readonly repository: GmailRepository,
    private readonly context: TenantContextService,
    private readonly credentials: CredentialsService,
    private readonly intake: GmailIntakeService,
    private readonly config: AppConfig,
  ) {}

  async handle(_payload: JobPayloads['intake.renew-watches']): Promise<{ renewed: number }> {
    if (!this.config.google.pubsubTopic) return { renewed: 0 };
    const failures: string[] = [];
    let renewed = 0;
    for (const tenantId of await connectedTenants(this.repository, this.context, this.credentials)) {
      try {
        await this.context.run({ tenantId }, () => runGmailStep(this.credentials, () => this.intake.watch()));
        renewed += 1;
      } catch (error) {
        this.logger.warn({
          message: 'Gmail watch renewal failed',
          tenantId,
          reason: (error as Error).message,
        });
        failures.push(tenantId);
      }
    }
    // Revoked mailboxes are already flagged; a retry only repeats the transient failures.
    if (failures.length > 0 && renewed === 0)
      throw new Error(`Watch renewal failed for ${failures.join(', ')}`);
    return { renewed };
  }
}
