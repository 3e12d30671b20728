import { Injectable, Logger } from '@nestjs/common';

import { AppConfig } from '../../core/config/app-config.js';
import { CredentialCipher, CredentialDecryptionError } from '../../core/crypto/credential-cipher.js';
import { TenantPrismaService, type ScopedTransaction } from '../../core/database/tenant-prisma.service.js';
import { UnitOfWork } from '../../core/unit-of-work/unit-of-work.js';
import { IntegrationNotConfiguredError } from './credentials.errors.js';
import {
  INTEGRATION_PROVIDERS,
  completeCredentials,
  pickStrings,
  providerDefinition,
  type CredentialSource,
  type IntegrationProvider,
  type ProviderCredentials,
  type ResolvedCredentials,
} from './credentials.providers.js';
import { CredentialsMemo } from './credentials-memo.js';
import { CredentialsRepository, type IntegrationAccountRecord } from './credentials.repository.js';
import type { ProviderFailure, ProviderFailureCode } from './provider-failure-code.js';

/** One integration's state for the current tenant, with no secret in it (the API's answer). */
export interface IntegrationStatus {
  provider: IntegrationProvider;
  configured: boolean;
  source: CredentialSource | null;
  /** Non-secret settings only (credentials.providers.ts decides which fields those are). */
  settings: Record<string, string>;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  lastError: string | null;
  lastErrorCode: string | null;
  needsAttention: boolean;
  gmailHistoryId: string | null;
  watchExpiresAt: Date | null;
  updatedAt: Date | null;
}

type Opened<P extends IntegrationProvider> =
  { ok: true; credentials: ProviderCredentials[P] } | { ok: false; reason: string; cause: string };

/** lastError is shown to admins and kept in a text column; a vendor's error page does not belong there. */
const MAX_ERROR_LENGTH = 1000;
/** The code of stored credentials this server cannot open (their reason names the key, never a secret). */
const UNREADABLE: ProviderFailureCode = 'credentials_unreadable';

/**
 * Integration credentials of the current tenant: stored encrypted per tenant and provider
 * (AES-256-GCM, tenant and provider as associated data), or taken from the environment.
 *
 * Precedence: credentials the tenant stored always win. The environment's (GOOGLE_*, TWILIO_*, BILLY_*,
 * GEMINI_*) configure the seeded tenant only (docs/architecture.md, Configuration; ENVIRONMENT_TENANT_SLUG):
 * another tenant without its own is not configured, so it never sends through Rendetalje's accounts.
 *
 * Stored credentials that cannot be decrypted (a key removed after a rotation, a damaged row) count as
 * not configured, never as "fall back to the environment": another business's account must not be used
 * silently. The row is flagged needsAttention with a reason an admin can act on.
 *
 * No HTTP and no audit here: every integration client depends on this service, and the admin side
 * (integration-settings/) validates input and writes the audit log around `store`.
 */
@Injectable()
export class CredentialsService {
  private readonly logger = new Logger(CredentialsService.name);

  constructor(
    private readonly repository: CredentialsRepository,
    private readonly db: TenantPrismaService,
    private readonly cipher: CredentialCipher,
    private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly memo: CredentialsMemo,
  ) {}

  /** Every provider, configured or not, for GET /integrations. */
  async listIntegrations(): Promise<IntegrationStatus[]> {
    const tenantId = this.db.tenantId;
    const [rows, environmentTenant] = await Promise.all([
      this.repository.findAll(tenantId),
      this.repository.isEnvironmentTenant(tenantId),
    ]);
    return INTEGRATION_PROVIDERS.map((provider) =>
      this.statusOf(
        tenantId,
        provider,
        rows.find((row) => row.provider === provider) ?? null,
        environmentTenant,
      ),
    );
  }

  /**
   * Stores the tenant's credentials for one provider from input already validated against the
   * provider's DTO. `inTransaction` runs in the same transaction as the write, with the non-secret
   * settings only (the admin side audits there).
   */
  async store(
    provider: IntegrationProvider,
    input: object,
    inTransaction: (tx: ScopedTransaction, settings: Record<string, string>) => Promise<void>,
  ): Promise<IntegrationStatus> {
    const definition = providerDefinition(provider);
    const secrets = pickStrings(input, definition.secretKeys);
    const settings = pickStrings(input, definition.settingKeys);
    const tenantId = this.db.tenantId;
    const { keyId, envelope } = this.cipher.encryptJson(secrets, { tenantId, provider });
    const environmentTenant = await this.repository.isEnvironmentTenant(tenantId);

    const row = await this.db.transaction(async (tx) => {
      const previous = await this.repository.findByProvider(tenantId, provider, tx);
      const resetMailbox =
        provider === 'google' &&
        this.mailboxOf(previous, environmentTenant) !== settings.gmailAddress?.toLowerCase();
      const saved = await this.repository.saveCredentials(
        tenantId,
        provider,
        { envelope, keyId, settings },
        { resetMailbox },
        tx,
      );
      await inTransaction(tx, settings);
      return saved;
    });
    this.memo.forget(tenantId, provider);
    this.logger.log({ message: 'Integration credentials stored', tenantId, provider, keyId });
    return this.statusOf(tenantId, provider, row, environmentTenant);
  }

  /**
   * Forgets the tenant's stored credentials for a provider, with the account's health and Gmail cursor
   * (DELETE /integrations/:provider). `inTransaction` runs in the same transaction, only when there was
   * something to remove (the admin side audits there). The environment's credentials, which configure
   * the seeded tenant, are not touched: they are the server's, not the tenant's.
   */
  async remove(
    provider: IntegrationProvider,
    inTransaction: (tx: ScopedTransaction) => Promise<void>,
  ): Promise<boolean> {
    const tenantId = this.db.tenantId;
    const removed = await this.db.transaction(async (tx) => {
      const gone = await this.repository.deleteAccount(tenantId, provider, tx);
      if (gone) await inTransaction(tx);
      return gone;
    });
    this.memo.forget(tenantId, provider);
    if (removed) this.logger.log({ message: 'Integration credentials removed', tenantId, provider });
    return removed;
  }

  /**
   * The current tenant's credentials for a provider, decrypted, or null when it has none that work.
   * For the integration clients. Call it outside `TenantPrismaService.transaction()`: inside one, the
   * scoped client's own queries see no rows. Never log the result. Remembered in the process for
   * `CREDENTIALS_TTL_MS` (credentials-memo.ts): a change made here shows at once, one made in another
   * instance within that bound.
   */
  async resolveCredentials<P extends IntegrationProvider>(
    provider: P,
  ): Promise<ResolvedCredentials<P> | null> {
    const tenantId = this.db.tenantId;
    const remembered = this.memo.get(tenantId, provider);
    if (remembered !== undefined) return remembered;
    const resolved = await this.readCredentials(tenantId, provider);
    this.memo.remember(tenantId, provider, resolved);
    return resolved;
  }

  private async readCredentials<P extends IntegrationProvider>(
    tenantId: string,
    provider: P,
  ): Promise<ResolvedCredentials<P> | null> {
    const row = await this.repository.findByProvider(tenantId, provider);
    if (row?.credentials != null) {
      const opened = this.open(tenantId, provider, row);
      if (!opened.ok) {
        await this.flagUnreadable(tenantId, provider, row, opened);
        return null;
      }
      if (row.credentialsKeyId && this.cipher.needsReencryption(row.credentialsKeyId)) {
        await this.reencrypt(tenantId, provider, row, opened.credentials);
      }
      return { provider, source: 'tenant', credentials: opened.credentials };
    }
    if (!(await this.repository.isEnvironmentTenant(tenantId))) return null;
    const environment = providerDefinition(provider).fromEnvironment(this.config);
    return environment ? { provider, source: 'environment', credentials: environment } : null;
  }

  /** Like resolveCredentials, for callers that cannot go on without them. */
  async requireCredentials<P extends IntegrationProvider>(provider: P): Promise<ResolvedCredentials<P>> {
    const resolved = await this.resolveCredentials(provider);
    if (!resolved) throw new IntegrationNotConfiguredError(provider);
    return resolved;
  }

  /**
   * A vendor call with the current tenant's credentials worked. Bookkeeping only: a failure to write it
   * is logged, never thrown, so a sent SMS is not turned into a failed (and retried) job. Written once
   * per `SUCCESS_MARK_INTERVAL_MS` while nothing fails in this process (credentials-memo.ts), not on
   * every call; `always` for an admin's explicit test of the connection.
   */
  async recordSuccess(provider: IntegrationProvider, options: { always?: boolean } = {}): Promise<void> {
    const tenantId = this.db.tenantId;
    if (!this.memo.claimSuccessMark(tenantId, provider) && !options.always) return;
    try {
      await this.repository.markSuccess(tenantId, provider, new Date());
    } catch (error) {
      this.memo.releaseSuccessMark(tenantId, provider);
      this.logger.warn({
        message: 'Could not record integration success',
        tenantId,
        provider,
        error: errorName(error),
      });
    }
  }

  /**
   * A vendor call failed. `needsAttention` for failures only an admin can fix (credentials rejected,
   * account suspended), not for timeouts. Admins see the failure's code and summary only: the vendor's
   * own text (addresses, HTTP bodies) belongs in the logs, which the failing job's line already is.
   * When this raises the flag, the `notifications.integration-attention` job tells staff (written in
   * the same transaction: the credentials may not import the notifications feature above them).
   */
  async recordFailure(
    provider: IntegrationProvider,
    failure: ProviderFailure,
    options: { needsAttention: boolean } = { needsAttention: false },
  ): Promise<void> {
    const tenantId = this.db.tenantId;
    const at = new Date();
    // Credentials that were refused may have been replaced meanwhile; and the next success is news.
    this.memo.forget(tenantId, provider);
    try {
      await this.unitOfWork.run(async (work) => {
        const raised = await this.repository.markFailure(
          tenantId,
          provider,
          {
            at,
            code: failure.code,
            message: failure.message.slice(0, MAX_ERROR_LENGTH),
            needsAttention: options.needsAttention,
          },
          work.tx,
        );
        if (raised)
          await work.enqueue('notifications.integration-attention', {
            tenantId,
            provider,
            since: at.toISOString(),
          });
      });
    } catch (error) {
      this.logger.warn({
        message: 'Could not record integration failure',
        tenantId,
        provider,
        error: errorName(error),
      });
    }
  }

  private statusOf(
    tenantId: string,
    provider: IntegrationProvider,
    row: IntegrationAccountRecord | null,
    environmentTenant: boolean,
  ): IntegrationStatus {
    const definition = providerDefinition(provider);
    const status: IntegrationStatus = {
      provider,
      configured: false,
      source: null,
      settings: {},
      lastSuccessAt: row?.lastSuccessAt ?? null,
      lastErrorAt: row?.lastErrorAt ?? null,
      lastError: row?.lastError ?? null,
      lastErrorCode: row?.lastErrorCode ?? null,
      needsAttention: row?.needsAttention ?? false,
      gmailHistoryId: row?.gmailHistoryId ?? null,
      watchExpiresAt: row?.watchExpiresAt ?? null,
      updatedAt: row?.updatedAt ?? null,
    };
    if (row?.credentials != null) {
      // Decrypting (and dropping the result) is the only honest answer to "configured": a row whose key
      // is gone is not usable, whatever the column says.
      const opened = this.open(tenantId, provider, row);
      if (opened.ok) {
        return {
          ...status,
          configured: true,
          source: 'tenant',
          settings: pickStrings(opened.credentials, definition.settingKeys),
        };
      }
      return {
        ...status,
        settings: pickStrings(row.settings, definition.settingKeys),
        needsAttention: true,
        lastError: opened.reason,
        lastErrorCode: UNREADABLE,
      };
    }
    const environment = environmentTenant ? definition.fromEnvironment(this.config) : null;
    if (!environment) return status;
    return {
      ...status,
      configured: true,
      source: 'environment',
      settings: pickStrings(environment, definition.settingKeys),
    };
  }

  /** Decrypts and checks a stored row; the failure reason is fit for admins and logs (no secret in it). */
  private open<P extends IntegrationProvider>(
    tenantId: string,
    provider: P,
    row: IntegrationAccountRecord,
  ): Opened<P> {
    const definition = providerDefinition(provider);
    const damaged = (cause: string): Opened<P> => ({
      ok: false,
      cause,
      reason: `The stored ${definition.label} credentials cannot be read (damaged or not encrypted for this tenant); enter them again`,
    });
    if (row.credentials == null || !row.credentialsKeyId) return damaged('missing-key-id');
    let secrets: unknown;
    try {
      secrets = this.cipher.decryptJson<unknown>(row.credentials, row.credentialsKeyId, {
        tenantId,
        provider,
      });
    } catch (error) {
      if (!(error instanceof CredentialDecryptionError)) throw error;
      if (error.reason === 'unknown-key') {
        return {
          ok: false,
          cause: error.reason,
          reason: `The stored ${definition.label} credentials were encrypted with key "${row.credentialsKeyId}", which this server no longer has (add it to ENCRYPTION_OLD_KEYS, or enter the credentials again)`,
        };
      }
      return damaged(error.reason);
    }
    const credentials = completeCredentials(definition, {
      ...(definition.defaults(this.config) as Record<string, string>),
      ...pickStrings(row.settings, definition.settingKeys),
      ...pickStrings(secrets, definition.secretKeys),
    });
    return credentials ? { ok: true, credentials } : damaged('unexpected-shape');
  }

  private async flagUnreadable(
    tenantId: string,
    provider: IntegrationProvider,
    row: IntegrationAccountRecord,
    failure: { reason: string; cause: string },
  ): Promise<void> {
    // The key id and the cause are enough to investigate; the envelope is never logged.
    this.logger.warn({
      message: 'Stored integration credentials cannot be used',
      tenantId,
      provider,
      keyId: row.credentialsKeyId,
      cause: failure.cause,
    });
    // Written once per distinct problem, not on every call of every job.
    if (row.needsAttention && row.lastError === failure.reason) return;
    await this.recordFailure(
      provider,
      { code: UNREADABLE, message: failure.reason },
      { needsAttention: true },
    );
  }

  /**
   * Moves a row written with an older key to the current key, so the old key can be retired. Best effort:
   * the credentials are usable either way, and a concurrent PUT wins (compare-and-set).
   */
  private async reencrypt<P extends IntegrationProvider>(
    tenantId: string,
    provider: P,
    row: IntegrationAccountRecord,
    credentials: ProviderCredentials[P],
  ): Promise<void> {
    try {
      const secrets = pickStrings(credentials, providerDefinition(provider).secretKeys);
      const next = this.cipher.encryptJson(secrets, { tenantId, provider });
      const from = { envelope: row.credentials as string, keyId: row.credentialsKeyId as string };
      const replaced = await this.repository.replaceEnvelope(tenantId, provider, from, next);
      if (replaced) {
        this.logger.log({
          message: 'Integration credentials re-encrypted',
          tenantId,
          provider,
          from: from.keyId,
          to: next.keyId,
        });
      }
    } catch (error) {
      this.logger.warn({
        message: 'Could not re-encrypt integration credentials',
        tenantId,
        provider,
        error: errorName(error),
      });
    }
  }

  /** The mailbox the Gmail cursor of this row belongs to, lower-cased (e-mail addresses are citext). */
  private mailboxOf(row: IntegrationAccountRecord | null, environmentTenant: boolean): string | undefined {
    if (row?.credentials != null)
      return pickStrings(row.settings, ['gmailAddress']).gmailAddress?.toLowerCase();
    if (!environmentTenant) return undefined;
    return providerDefinition('google').fromEnvironment(this.config)?.gmailAddress.toLowerCase();
  }
}

/** Database errors can quote the statement's parameters, which here include envelopes; log the kind only. */
function errorName(error: unknown): string {
  if (error instanceof Error) return (error as Error & { code?: string }).code ?? error.name;
  return typeof error;
}
