import { Injectable } from '@nestjs/common';

import { AuditService } from '../auth/audit.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import type { IntegrationProvider } from '../integrations/credentials/credentials.providers.js';
import {
  CredentialsService,
  type IntegrationStatus,
} from '../integrations/credentials/credentials.service.js';
import { validateCredentialsInput } from './dto/validate-credentials-input.js';

/** Who changed credentials, for the audit log. */
export interface CredentialActor {
  userId: string;
  ip?: string;
  userAgent?: string;
}

/**
 * The admin side of the integration credentials (GET/PUT /integrations): validates what an admin
 * enters and audits the change; the credentials themselves (encryption, environment fallback, status)
 * are CredentialsService's, which every integration client uses too.
 */
@Injectable()
export class IntegrationSettingsService {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly db: TenantPrismaService,
    private readonly audit: AuditService,
  ) {}

  /** Every provider, configured or not, for GET /integrations. */
  listIntegrations(): Promise<IntegrationStatus[]> {
    return this.credentials.listIntegrations();
  }

  /**
   * Stores the tenant's credentials for one provider (PUT /integrations/:provider). The body is
   * validated against the provider's DTO here, because which DTO applies depends on the path.
   */
  async configure(
    provider: IntegrationProvider,
    body: unknown,
    actor: CredentialActor,
  ): Promise<IntegrationStatus> {
    const input = await validateCredentialsInput(provider, body);
    const tenantId = this.db.tenantId;
    return this.credentials.store(provider, input, async (tx, settings) => {
      // Settings are not secret and tell an auditor which account was connected; secrets never go here.
      await this.audit.record(
        {
          action: 'credential_change',
          tenantId,
          actorUserId: actor.userId,
          targetType: 'integration',
          targetId: provider,
          ip: actor.ip,
          userAgent: actor.userAgent,
          metadata: { provider, settings },
        },
        tx,
      );
    });
  }
}
