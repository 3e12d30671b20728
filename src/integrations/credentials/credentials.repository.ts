import { Injectable } from '@nestjs/common';

import { TenantPrismaService, type ScopedTransaction } from '../../core/database/tenant-prisma.service.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { ENVIRONMENT_TENANT_SLUG, type IntegrationProvider } from './credentials.providers.js';

/** One integration_accounts row, as the service sees it. */
export interface IntegrationAccountRecord {
  provider: IntegrationProvider;
  /** The AES-256-GCM envelope; null when the tenant stored no credentials (only status is tracked). */
  credentials: string | null;
  credentialsKeyId: string | null;
  settings: unknown;
  gmailHistoryId: string | null;
  watchExpiresAt: Date | null;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  lastError: string | null;
  lastErrorCode: string | null;
  needsAttention: boolean;
  updatedAt: Date;
}

export interface StoredCredentials {
  envelope: string;
  keyId: string;
  settings: Record<string, string>;
}

const RECORD = {
  provider: true,
  credentials: true,
  credentialsKeyId: true,
  settings: true,
  gmailHistoryId: true,
  watchExpiresAt: true,
  lastSuccessAt: true,
  lastErrorAt: true,
  lastError: true,
  lastErrorCode: true,
  needsAttention: true,
  updatedAt: true,
} as const satisfies Prisma.IntegrationAccountSelect;

/**
 * integration_accounts, through the tenant-scoped client only (the table has forced row-level
 * security). The tenant scope adds the current tenant to every query as well; the explicit tenantId
 * keeps each call's compound key honest and the scope refuses a different one.
 */
/** What storing new credentials writes: the envelope and settings, and a clean error state. */
export function freshCredentials(stored: StoredCredentials) {
  return {
    credentials: stored.envelope,
    credentialsKeyId: stored.keyId,
    settings: stored.settings,
    needsAttention: false,
    lastError: null,
    lastErrorCode: null,
    lastErrorAt: null,
  };
}

@Injectable()
export class CredentialsRepository {
  constructor(private readonly db: TenantPrismaService) {}

  /** Whether the environment's credentials apply to this tenant (only the seeded one). */
  async isEnvironmentTenant(tenantId: string): Promise<boolean> {
    const tenant = await this.db.client.tenant.findFirst({
      where: { id: tenantId, slug: ENVIRONMENT_TENANT_SLUG },
      select: { id: true },
    });
    return tenant !== null;
  }

  findAll(tenantId: string): Promise<IntegrationAccountRecord[]> {
    return this.db.client.integrationAccount.findMany({ where: { tenantId }, select: RECORD });
  }

  findByProvider(
    tenantId: string,
    provider: IntegrationProvider,
    tx?: ScopedTransaction,
  ): Promise<IntegrationAccountRecord | null> {
    const args = { where: { tenantId_provider: { tenantId, provider } }, select: RECORD };
    // The scoped client and a transaction client have differently typed delegates, so no union here.
    return tx ? tx.integrationAccount.findUnique(args) : this.db.client.integrationAccount.findUnique(args);
  }

  /**
   * Stores new credentials and clears the error state (new credentials deserve a fresh start). With
   * `resetMailbox` the Gmail history cursor and watch go too: they belong to the previous mailbox.
   */
  saveCredentials(
    tenantId: string,
    provider: IntegrationProvider,
    stored: StoredCredentials,
    options: { resetMailbox: boolean },
    tx: ScopedTransaction,
  ): Promise<IntegrationAccountRecord> {
    const fields = freshCredentials(stored);
    const mailbox = options.resetMailbox
      ? { gmailHistoryId: null, watchExpiresAt: null, syncDirty: false }
      : {};
    return tx.integrationAccount.upsert({
      where: { tenantId_provider: { tenantId, provider } },
      create: { tenantId, provider, ...fields },
      update: { ...fields, ...mailbox },
      select: RECORD,
    });
  }

  /**
   * Removes the tenant's row for the provider: its credentials, settings, Gmail cursor and health. True
   * when there was one (a second removal finds none).
   */
  async deleteAccount(
    tenantId: string,
    provider: IntegrationProvider,
    tx: ScopedTransaction,
  ): Promise<boolean> {
    const { count } = await tx.integrationAccount.deleteMany({ where: { tenantId, provider } });
    return count > 0;
  }

  /**
   * Swaps an envelope for its re-encryption under the current key, only if the row still holds the old
   * one (compare-and-set), so a concurrent PUT is never overwritten by stale credentials.
   */
  async replaceEnvelope(
    tenantId: string,
    provider: IntegrationProvider,
    from: { envelope: string; keyId: string },
    to: { envelope: string; keyId: string },
  ): Promise<boolean> {
    const { count } = await this.db.client.integrationAccount.updateMany({
      where: { tenantId, provider, credentials: from.envelope, credentialsKeyId: from.keyId },
      data: { credentials: to.envelope, credentialsKeyId: to.keyId },
    });
    return count === 1;
  }

  /** A call to the vendor worked: the credentials are good, so nothing needs an admin any more. */
  async markSuccess(tenantId: string, provider: IntegrationProvider, at: Date): Promise<void> {
    await this.db.client.integrationAccount.upsert({
      where: { tenantId_provider: { tenantId, provider } },
      create: { tenantId, provider, lastSuccessAt: at },
      update: { lastSuccessAt: at, needsAttention: false },
      select: { id: true },
    });
  }

  /**
   * A call to the vendor failed. `needsAttention` only ever raises the flag here: a transient failure
   * after a rejected key must not hide that the key is still rejected. True when this call raised it
   * (it was down): the row lock makes one of two concurrent failures the one that did.
   */
  async markFailure(
    tenantId: string,
    provider: IntegrationProvider,
    failure: { at: Date; code: string; message: string; needsAttention: boolean },
    tx: ScopedTransaction,
  ): Promise<boolean> {
    const fields = { lastErrorAt: failure.at, lastError: failure.message, lastErrorCode: failure.code };
    await tx.integrationAccount.upsert({
      where: { tenantId_provider: { tenantId, provider } },
      create: { tenantId, provider, ...fields },
      update: fields,
      select: { id: true },
    });
    if (!failure.needsAttention) return false;
    const raised = await tx.integrationAccount.updateMany({
      where: { tenantId, provider, needsAttention: false },
      data: { needsAttention: true },
    });
    return raised.count === 1;
  }
}
