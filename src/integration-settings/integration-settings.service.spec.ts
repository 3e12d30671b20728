import { randomBytes } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { AuditEntry, AuditService } from '../auth/audit.service.js';
import { loadConfig, type AppConfig } from '../core/config/app-config.js';
import { CredentialCipher } from '../core/crypto/credential-cipher.js';
import { DomainError } from '../core/http/domain-error.js';
import type { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import type { Clock } from '../core/time/clock.js';
import type { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { IntegrationNotConfiguredError } from '../integrations/credentials/credentials.errors.js';
import type { IntegrationProvider } from '../integrations/credentials/credentials.providers.js';
import {
  freshCredentials,
  type CredentialsRepository,
  type IntegrationAccountRecord,
  type StoredCredentials,
} from '../integrations/credentials/credentials.repository.js';
import { CredentialsMemo } from '../integrations/credentials/credentials-memo.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { providerFailure } from '../integrations/provider-failure.js';
import { IntegrationSettingsService } from './integration-settings.service.js';

const TENANT = '0190a000-0000-7000-8000-00000000000a';
const OTHER_TENANT = '0190a000-0000-7000-8000-00000000000b';
const ACTOR = { userId: '0190a000-0000-7000-8000-0000000000ff', ip: '127.0.0.1' };

const TWILIO = {
  accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
  authToken: 'f'.repeat(30) + '42',
  phoneNumber: '+4570000001',
};

const key = () => randomBytes(32).toString('base64');

/** The repository over a Map, keyed by tenant and provider as the unique index is. */
class FakeRepository {
  readonly rows = new Map<string, IntegrationAccountRecord>();
  failWrites = false;

  private key(tenantId: string, provider: IntegrationProvider) {
    return `${tenantId}:${provider}`;
  }

  private blank(provider: IntegrationProvider): IntegrationAccountRecord {
    return {
      provider,
      credentials: null,
      credentialsKeyId: null,
      settings: {},
      gmailHistoryId: null,
      watchExpiresAt: null,
      lastSuccessAt: null,
      lastErrorAt: null,
      lastError: null,
      lastErrorCode: null,
      needsAttention: false,
      updatedAt: new Date(),
    };
  }

  private upsert(tenantId: string, provider: IntegrationProvider, change: Partial<IntegrationAccountRecord>) {
    if (this.failWrites) throw new Error('database down');
    const row = {
      ...(this.rows.get(this.key(tenantId, provider)) ?? this.blank(provider)),
      ...change,
      updatedAt: new Date(),
    };
    this.rows.set(this.key(tenantId, provider), row);
    return row;
  }

  row(tenantId: string, provider: IntegrationProvider) {
    return this.rows.get(this.key(tenantId, provider));
  }

  /** The tenant the environment configures (the seeded one); tests of other tenants turn it off. */
  environmentTenant = true;

  async isEnvironmentTenant(_tenantId: string): Promise<boolean> {
    return this.environmentTenant;
  }

  async findAll(tenantId: string) {
    return [...this.rows.entries()].filter(([key]) => key.startsWith(`${tenantId}:`)).map(([, row]) => row);
  }

  async findByProvider(tenantId: string, provider: IntegrationProvider) {
    return this.row(tenantId, provider) ?? null;
  }

  async saveCredentials(
    tenantId: string,
    provider: IntegrationProvider,
    stored: StoredCredentials,
    options: { resetMailbox: boolean },
  ) {
    return this.upsert(tenantId, provider, {
      ...freshCredentials(stored),
      ...(options.resetMailbox ? { gmailHistoryId: null, watchExpiresAt: null } : {}),
    });
  }

  async replaceEnvelope(
    tenantId: string,
    provider: IntegrationProvider,
    from: { envelope: string; keyId: string },
    to: { envelope: string; keyId: string },
  ) {
    const row = this.row(tenantId, provider);
    if (row?.credentials !== from.envelope || row.credentialsKeyId !== from.keyId) return false;
    this.upsert(tenantId, provider, { credentials: to.envelope, credentialsKeyId: to.keyId });
    return true;
  }

  async markSuccess(tenantId: string, provider: IntegrationProvider, at: Date) {
    this.upsert(tenantId, provider, { lastSuccessAt: at, needsAttention: false });
  }

  async markFailure(
    tenantId: string,
    provider: IntegrationProvider,
    failure: { at: Date; code: string; message: string; needsAttention: boolean },
  ): Promise<boolean> {
    this.upsert(tenantId, provider, {
      lastErrorAt: failure.at,
      lastError: failure.message,
      lastErrorCode: failure.code,
      ...(failure.needsAttention ? { needsAttention: true } : {}),
    });
    return false;
  }
}

interface Harness {
  service: CredentialsService;
  settings: IntegrationSettingsService;
  repository: FakeRepository;
  audits: AuditEntry[];
  config: AppConfig;
  db: { tenantId: string };
}

/** A clock an hour later at every look, so nothing remembered is ever fresh. */
function forgetfulClock(): Clock {
  let at = 0;
  return { now: () => new Date((at += 3_600_000)) };
}

function harness(
  env: Record<string, string> = {},
  shared?: { repository?: FakeRepository; audits?: AuditEntry[] },
): Harness {
  const config = loadConfig({ NODE_ENV: 'test', ENCRYPTION_KEY: key(), ...env });
  const repository = shared?.repository ?? new FakeRepository();
  const audits = shared?.audits ?? [];
  const db = { tenantId: TENANT, transaction: <T>(fn: (tx: unknown) => Promise<T>) => fn({}) };
  const audit = { record: async (entry: AuditEntry) => void audits.push(entry) };
  const service = new CredentialsService(
    repository as unknown as CredentialsRepository,
    db as unknown as TenantPrismaService,
    new CredentialCipher(config.encryption),
    config,
    { run: <T>(fn: (work: unknown) => Promise<T>) => fn({ tx: {} }) } as unknown as UnitOfWork,
    // Every read here is a fresh one (the memo's own rules are credentials-memo.spec.ts).
    new CredentialsMemo(forgetfulClock()),
  );
  const settings = new IntegrationSettingsService(
    service,
    db as unknown as TenantPrismaService,
    audit as unknown as AuditService,
  );
  return { service, settings, repository, audits, config, db };
}

async function validationDetails(
  promise: Promise<unknown>,
): Promise<Array<{ field: string; message: string }>> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe('validation_failed');
  return (error as DomainError).details as Array<{ field: string; message: string }>;
}

/** The distinct fields a validation error names (a field can fail several rules at once). */
async function badFields(promise: Promise<unknown>): Promise<string[]> {
  return [...new Set((await validationDetails(promise)).map((detail) => detail.field))];
}

describe('CredentialsService and IntegrationSettingsService', () => {
  let h: Harness;
  // The service logs what it stores and what fails; that is not what these tests read.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));
  beforeEach(() => {
    h = harness();
  });

  describe('configure', () => {
    it('encrypts the secrets, keeps the settings in clear and audits without the secret', async () => {
      const status = await h.settings.configure('twilio', TWILIO, ACTOR);

      const row = h.repository.row(TENANT, 'twilio')!;
      expect(row.credentials).not.toContain(TWILIO.authToken);
      expect(row.credentialsKeyId).toBe('k1');
      expect(row.settings).toEqual({ accountSid: TWILIO.accountSid, phoneNumber: TWILIO.phoneNumber });
      const cipher = new CredentialCipher(h.config.encryption);
      expect(
        cipher.decryptJson(row.credentials!, row.credentialsKeyId!, { tenantId: TENANT, provider: 'twilio' }),
      ).toEqual({
        authToken: TWILIO.authToken,
      });

      expect(status).toMatchObject({
        provider: 'twilio',
        configured: true,
        source: 'tenant',
        settings: { accountSid: TWILIO.accountSid, phoneNumber: TWILIO.phoneNumber },
        needsAttention: false,
      });
      expect(JSON.stringify(status)).not.toContain(TWILIO.authToken);

      expect(h.audits).toHaveLength(1);
      expect(h.audits[0]).toMatchObject({
        action: 'credential_change',
        tenantId: TENANT,
        actorUserId: ACTOR.userId,
        targetType: 'integration',
        targetId: 'twilio',
        ip: ACTOR.ip,
      });
      expect(JSON.stringify(h.audits[0])).not.toContain(TWILIO.authToken);
    });

    it('trims pasted values', async () => {
      await h.settings.configure('billy', { apiKey: '  secret-key\n', organizationId: ' org ' }, ACTOR);
      const resolved = await h.service.resolveCredentials('billy');
      expect(resolved?.credentials).toEqual({ apiKey: 'secret-key', organizationId: 'org' });
    });

    it('names each bad field, and an unknown one, without the values', async () => {
      const details = await validationDetails(
        h.settings.configure(
          'twilio',
          { accountSid: 'SK123', authToken: 'xyz', phoneNumber: '70000000', tenantId: 'x' },
          ACTOR,
        ),
      );
      expect(new Set(details.map((detail) => detail.field))).toEqual(
        new Set(['accountSid', 'authToken', 'phoneNumber', 'tenantId']),
      );
      expect(JSON.stringify(details)).not.toContain('xyz');
      expect(h.repository.rows.size).toBe(0);
      expect(h.audits).toHaveLength(0);
    });

    it('validates against the DTO of the provider in the path', async () => {
      expect(await badFields(h.settings.configure('billy', { organizationId: 'org' }, ACTOR))).toEqual([
        'apiKey',
      ]);
      const google = { clientId: 'id', clientSecret: 's', refreshToken: 'r', gmailAddress: 'nope' };
      expect(await badFields(h.settings.configure('google', google, ACTOR))).toEqual(['gmailAddress']);
      expect(await badFields(h.settings.configure('gemini', { apiKey: 'k', model: '../x' }, ACTOR))).toEqual([
        'model',
      ]);
      // Twilio's fields are not Billy's.
      expect(new Set(await badFields(h.settings.configure('billy', TWILIO, ACTOR)))).toEqual(
        new Set(['apiKey', 'organizationId', 'accountSid', 'authToken', 'phoneNumber']),
      );
    });

    it('refuses a body that is not an object', async () => {
      expect(await validationDetails(h.settings.configure('gemini', ['apiKey'], ACTOR))).toEqual([
        { field: 'body', message: 'body must be a JSON object' },
      ]);
      expect(await badFields(h.settings.configure('gemini', undefined, ACTOR))).toEqual(['apiKey']);
    });

    it('clears an earlier needs-attention state', async () => {
      await h.settings.configure('billy', { apiKey: 'old', organizationId: 'org' }, ACTOR);
      await h.service.recordFailure('billy', providerFailure('Billy', 'credentials_rejected'), {
        needsAttention: true,
      });
      expect(h.repository.row(TENANT, 'billy')!.needsAttention).toBe(true);
      const status = await h.settings.configure('billy', { apiKey: 'new', organizationId: 'org' }, ACTOR);
      expect(status).toMatchObject({
        needsAttention: false,
        lastError: null,
        lastErrorCode: null,
        lastErrorAt: null,
      });
    });

    it('drops the Gmail cursor when the mailbox changes, and keeps it when it does not', async () => {
      const google = {
        clientId: 'id',
        clientSecret: 'secret',
        refreshToken: 'refresh',
        gmailAddress: 'a@example.dk',
      };
      await h.settings.configure('google', google, ACTOR);
      h.repository.row(TENANT, 'google')!.gmailHistoryId = '1234';
      await h.settings.configure('google', { ...google, gmailAddress: 'A@example.dk' }, ACTOR);
      expect(h.repository.row(TENANT, 'google')!.gmailHistoryId).toBe('1234');
      await h.settings.configure('google', { ...google, gmailAddress: 'b@example.dk' }, ACTOR);
      expect(h.repository.row(TENANT, 'google')!.gmailHistoryId).toBeNull();
    });
  });

  describe('listIntegrations', () => {
    it('lists all four providers, unconfigured ones too, with no secret anywhere', async () => {
      await h.settings.configure('twilio', TWILIO, ACTOR);
      await h.settings.configure(
        'google',
        {
          clientId: 'client-id',
          clientSecret: 'google-client-secret',
          refreshToken: 'google-refresh-token',
          gmailAddress: 'info@example.dk',
        },
        ACTOR,
      );
      const list = await h.service.listIntegrations();
      expect(list.map((status) => status.provider)).toEqual(['google', 'twilio', 'billy', 'gemini']);
      expect(list.find((status) => status.provider === 'billy')).toMatchObject({
        configured: false,
        source: null,
        settings: {},
        updatedAt: null,
      });
      expect(list.find((status) => status.provider === 'google')?.settings).toEqual({
        clientId: 'client-id',
        gmailAddress: 'info@example.dk',
      });
      const json = JSON.stringify(list);
      for (const secret of [TWILIO.authToken, 'google-client-secret', 'google-refresh-token']) {
        expect(json).not.toContain(secret);
      }
    });

    it('shows environment credentials as source environment, without their secrets', async () => {
      h = harness({
        BILLY_API_KEY: 'env-billy-key',
        BILLY_ORGANIZATION_ID: 'env-org',
        GEMINI_API_KEY: 'env-gemini-key',
      });
      const list = await h.service.listIntegrations();
      expect(list.find((status) => status.provider === 'billy')).toMatchObject({
        configured: true,
        source: 'environment',
        settings: { organizationId: 'env-org' },
      });
      expect(list.find((status) => status.provider === 'gemini')).toMatchObject({
        configured: true,
        source: 'environment',
        settings: { model: h.config.gemini.model },
      });
      expect(JSON.stringify(list)).not.toMatch(/env-billy-key|env-gemini-key/);
    });

    it('never shows a secret even if one ended up in the settings column', async () => {
      await h.settings.configure('billy', { apiKey: 'k', organizationId: 'org' }, ACTOR);
      const row = h.repository.row(TENANT, 'billy')!;
      row.settings = { organizationId: 'org', apiKey: 'leaked-key' };
      expect(JSON.stringify(await h.service.listIntegrations())).not.toContain('leaked-key');
    });
  });

  describe('resolveCredentials', () => {
    it('returns the tenant credentials over the environment', async () => {
      h = harness({ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'b'.repeat(32) });
      expect(await h.service.resolveCredentials('twilio')).toEqual({
        provider: 'twilio',
        source: 'environment',
        credentials: {
          accountSid: `AC${'a'.repeat(32)}`,
          authToken: 'b'.repeat(32),
          phoneNumber: h.config.twilio.phoneNumber,
        },
      });
      await h.settings.configure('twilio', TWILIO, ACTOR);
      expect(await h.service.resolveCredentials('twilio')).toEqual({
        provider: 'twilio',
        source: 'tenant',
        credentials: TWILIO,
      });
    });

    it('returns null when neither the tenant nor the environment configures the provider', async () => {
      expect(await h.service.resolveCredentials('billy')).toBeNull();
      await expect(h.service.requireCredentials('billy')).rejects.toBeInstanceOf(
        IntegrationNotConfiguredError,
      );
    });

    it('fills the Gemini model from the environment when the tenant gave none', async () => {
      await h.settings.configure('gemini', { apiKey: 'tenant-key' }, ACTOR);
      expect((await h.service.resolveCredentials('gemini'))?.credentials).toEqual({
        apiKey: 'tenant-key',
        model: h.config.gemini.model,
      });
      await h.settings.configure('gemini', { apiKey: 'tenant-key', model: 'gemini-custom' }, ACTOR);
      expect((await h.service.resolveCredentials('gemini'))?.credentials.model).toBe('gemini-custom');
    });

    it('treats a row whose key is gone as not configured, flags it once, and does not fall back to the environment', async () => {
      await h.settings.configure('twilio', TWILIO, ACTOR);
      // The same rows, read by a server whose keyring no longer has the key they were written with.
      const rotated = harness(
        {
          ENCRYPTION_KEY_ID: 'k2',
          TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
          TWILIO_AUTH_TOKEN: 'b'.repeat(32),
        },
        { repository: h.repository },
      );
      expect(await rotated.service.resolveCredentials('twilio')).toBeNull();
      const row = h.repository.row(TENANT, 'twilio')!;
      expect(row.needsAttention).toBe(true);
      expect(row.lastError).toContain('"k1"');
      expect(row.lastError).not.toContain(row.credentials!);

      const firstErrorAt = row.lastErrorAt;
      await new Promise((resolve) => setTimeout(resolve, 5));
      await rotated.service.resolveCredentials('twilio');
      expect(h.repository.row(TENANT, 'twilio')!.lastErrorAt).toBe(firstErrorAt);

      expect((await rotated.service.listIntegrations()).find((s) => s.provider === 'twilio')).toMatchObject({
        configured: false,
        source: null,
        needsAttention: true,
        settings: { accountSid: TWILIO.accountSid, phoneNumber: TWILIO.phoneNumber },
      });
    });

    it("refuses an envelope copied from another tenant's row", async () => {
      await h.settings.configure('twilio', TWILIO, ACTOR);
      const copied = { ...h.repository.row(TENANT, 'twilio')! };
      h.repository.rows.set(`${OTHER_TENANT}:twilio`, copied);
      h.db.tenantId = OTHER_TENANT;
      expect(await h.service.resolveCredentials('twilio')).toBeNull();
      expect(h.repository.row(OTHER_TENANT, 'twilio')!.lastError).toContain('cannot be read');
    });

    it('re-encrypts a row written with an old key under the current one', async () => {
      const oldKey = key();
      const before = harness({ ENCRYPTION_KEY: oldKey, ENCRYPTION_KEY_ID: 'k1' });
      await before.settings.configure('billy', { apiKey: 'billy-key', organizationId: 'org' }, ACTOR);
      const after = harness(
        { ENCRYPTION_KEY_ID: 'k2', ENCRYPTION_OLD_KEYS: `k1:${oldKey}` },
        { repository: before.repository },
      );
      expect((await after.service.resolveCredentials('billy'))?.credentials).toEqual({
        apiKey: 'billy-key',
        organizationId: 'org',
      });
      const row = before.repository.row(TENANT, 'billy')!;
      expect(row.credentialsKeyId).toBe('k2');
      expect(
        new CredentialCipher(after.config.encryption).decryptJson(row.credentials!, 'k2', {
          tenantId: TENANT,
          provider: 'billy',
        }),
      ).toEqual({
        apiKey: 'billy-key',
      });
    });
  });

  describe('recordSuccess and recordFailure', () => {
    it('tracks the last success and failure with its code; success clears needs-attention', async () => {
      await h.service.recordFailure('gemini', providerFailure('Gemini', 'provider_unreachable'));
      expect(h.repository.row(TENANT, 'gemini')).toMatchObject({
        lastError: 'Gemini kunne ikke nås',
        lastErrorCode: 'provider_unreachable',
        needsAttention: false,
      });
      await h.service.recordFailure('gemini', providerFailure('Gemini', 'credentials_rejected'), {
        needsAttention: true,
      });
      await h.service.recordFailure('gemini', providerFailure('Gemini', 'provider_rate_limited'));
      expect(h.repository.row(TENANT, 'gemini')).toMatchObject({
        lastErrorCode: 'provider_rate_limited',
        needsAttention: true,
      });
      await h.service.recordSuccess('gemini');
      expect(h.repository.row(TENANT, 'gemini')).toMatchObject({
        needsAttention: false,
        lastSuccessAt: expect.any(Date),
      });
    });

    it('never throws: bookkeeping must not fail the vendor call that succeeded', async () => {
      h.repository.failWrites = true;
      await expect(h.service.recordSuccess('twilio')).resolves.toBeUndefined();
      await expect(
        h.service.recordFailure('twilio', providerFailure('Twilio', 'credentials_rejected'), {
          needsAttention: true,
        }),
      ).resolves.toBeUndefined();
    });

    it('shortens a long error message', async () => {
      await h.service.recordFailure('billy', { code: 'internal_error', message: 'x'.repeat(5000) });
      expect(h.repository.row(TENANT, 'billy')!.lastError).toHaveLength(1000);
    });
  });
});
