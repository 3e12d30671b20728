import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CredentialCipher, CredentialDecryptionError } from '../../src/core/crypto/credential-cipher.js';
import { ENVIRONMENT_TENANT_SLUG } from '../../src/integrations/credentials/credentials.providers.js';
import { defaultTenantSettings } from '../../src/tenants/tenant-defaults.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, signIn, type TenantFixture } from '../support/fixtures.js';

const TWILIO = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: '5f4dcc3b5aa765d61d8327deb882cf99',
  phoneNumber: '+4570000001',
};
const GOOGLE_SECRET = 'GOCSPX-integration-e2e-secret';
const GOOGLE_REFRESH = '1//0integration-e2e-refresh-token';

describe('integrations (credentials)', () => {
  let test: TestApp;
  let tenantA: TenantFixture;
  let tenantB: TenantFixture;
  let adminA: { id: string; auth: { authorization: string } };
  let adminB: { auth: { authorization: string } };
  let managerA: { auth: { authorization: string } };

  beforeAll(async () => {
    test = await bootTestApp();
    tenantA = await createTenant('Firma A');
    tenantB = await createTenant('Firma B');
    const signedA = await signIn(test.app, tenantA.id, 'admin');
    adminA = { ...signedA, id: signedA.user.id };
    adminB = await signIn(test.app, tenantB.id, 'admin');
    managerA = await signIn(test.app, tenantA.id, 'manager');
  });
  afterAll(async () => {
    await test?.close();
  });

  const get = (headers: Record<string, string>) =>
    test.app.inject({ method: 'GET', url: '/api/integrations', headers });
  const put = (provider: string, payload: unknown, headers: Record<string, string>) =>
    test.app.inject({
      method: 'PUT',
      url: `/api/integrations/${provider}`,
      payload: payload as object,
      headers,
    });
  const fieldsOf = (body: { details?: Array<{ field: string }> }) => [
    ...new Set(body.details?.map((d) => d.field)),
  ];

  it('stores Twilio credentials and answers the entry without the secret', async () => {
    const response = await put('twilio', TWILIO, adminA.auth);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      provider: 'twilio',
      configured: true,
      source: 'tenant',
      settings: { accountSid: TWILIO.accountSid, phoneNumber: TWILIO.phoneNumber },
      lastSuccessAt: null,
      lastErrorAt: null,
      lastError: null,
      lastErrorCode: null,
      needsAttention: false,
      gmailHistoryId: null,
      watchExpiresAt: null,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    expect(response.body).not.toContain(TWILIO.authToken);
  });

  it('keeps the auth token only encrypted, bound to the tenant and provider', async () => {
    const row = await ownerDb().integrationAccount.findUniqueOrThrow({
      where: { tenantId_provider: { tenantId: tenantA.id, provider: 'twilio' } },
    });
    expect(row.credentials).toBeTruthy();
    expect(row.credentials).not.toContain(TWILIO.authToken);
    expect(row.credentials).not.toContain(Buffer.from(TWILIO.authToken).toString('base64'));
    expect(JSON.stringify(row.settings)).not.toContain(TWILIO.authToken);
    expect(row.credentialsKeyId).toBe(test.config.encryption.currentKeyId);

    const cipher = new CredentialCipher(test.config.encryption);
    expect(
      cipher.decryptJson(row.credentials!, row.credentialsKeyId!, {
        tenantId: tenantA.id,
        provider: 'twilio',
      }),
    ).toEqual({ authToken: TWILIO.authToken });
    // The associated data binds the envelope: tenant B's context (or another provider) cannot open it.
    expect(() =>
      cipher.decrypt(row.credentials!, row.credentialsKeyId!, { tenantId: tenantB.id, provider: 'twilio' }),
    ).toThrow(CredentialDecryptionError);
    expect(() =>
      cipher.decrypt(row.credentials!, row.credentialsKeyId!, { tenantId: tenantA.id, provider: 'billy' }),
    ).toThrow(CredentialDecryptionError);
  });

  it('lists all four providers and never a secret', async () => {
    const google = await put(
      'google',
      {
        clientId: 'client.apps.googleusercontent.com',
        clientSecret: GOOGLE_SECRET,
        refreshToken: GOOGLE_REFRESH,
        gmailAddress: 'info@firma-a.dk',
      },
      adminA.auth,
    );
    expect(google.statusCode).toBe(200);

    const response = await get(adminA.auth);
    expect(response.statusCode).toBe(200);
    const list = response.json() as Array<{
      provider: string;
      configured: boolean;
      source: string | null;
      settings: object;
    }>;
    expect(list.map((entry) => entry.provider)).toEqual(['google', 'twilio', 'billy', 'gemini']);
    expect(list.find((entry) => entry.provider === 'twilio')).toMatchObject({
      configured: true,
      source: 'tenant',
      settings: { accountSid: TWILIO.accountSid, phoneNumber: TWILIO.phoneNumber },
    });
    expect(list.find((entry) => entry.provider === 'google')).toMatchObject({
      configured: true,
      settings: { clientId: 'client.apps.googleusercontent.com', gmailAddress: 'info@firma-a.dk' },
    });
    expect(list.find((entry) => entry.provider === 'billy')).toMatchObject({
      configured: false,
      source: null,
      settings: {},
    });
    for (const secret of [TWILIO.authToken, TWILIO.authToken.slice(-8), GOOGLE_SECRET, GOOGLE_REFRESH]) {
      expect(response.body).not.toContain(secret);
    }
    expect(response.body).not.toMatch(/authToken|clientSecret|refreshToken|apiKey|credentials/);
  });

  it('answers a bad body with a 400 naming the field', async () => {
    const badSid = await put(
      'twilio',
      { ...TWILIO, accountSid: 'SK0123456789abcdef0123456789abcdef' },
      adminA.auth,
    );
    expect(badSid.statusCode).toBe(400);
    expect(badSid.json()).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      requestId: expect.any(String),
    });
    expect(fieldsOf(badSid.json())).toEqual(['accountSid']);
    expect(badSid.body).not.toContain(TWILIO.authToken);

    const missingKey = await put('billy', { organizationId: 'org-1' }, adminA.auth);
    expect(missingKey.statusCode).toBe(400);
    expect(fieldsOf(missingKey.json())).toEqual(['apiKey']);

    const extra = await put('gemini', { apiKey: 'k', tenantId: tenantB.id }, adminA.auth);
    expect(extra.statusCode).toBe(400);
    expect(extra.json().details).toEqual([{ field: 'tenantId', message: 'tenantId is not allowed' }]);

    // Nothing was stored by the refused requests.
    const billy = await ownerDb().integrationAccount.findFirst({
      where: { tenantId: tenantA.id, provider: 'billy' },
    });
    expect(billy).toBeNull();
  });

  it('answers an unknown or wrongly spelt provider with a 400 naming provider', async () => {
    for (const provider of ['foo', 'TWILIO']) {
      const response = await put(provider, TWILIO, adminA.auth);
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response.json())).toEqual(['provider']);
    }
  });

  it('lets only admins see or change integrations', async () => {
    expect((await get(managerA.auth)).statusCode).toBe(403);
    const changed = await put('twilio', TWILIO, managerA.auth);
    expect(changed.statusCode).toBe(403);
    expect((await get({})).statusCode).toBe(401);
    expect((await put('twilio', TWILIO, {})).statusCode).toBe(401);
  });

  it("does not show tenant A's configuration to tenant B", async () => {
    const response = await get(adminB.auth);
    expect(response.statusCode).toBe(200);
    for (const entry of response.json() as Array<{
      configured: boolean;
      source: unknown;
      settings: object;
    }>) {
      expect(entry).toMatchObject({ configured: false, source: null, settings: {} });
    }
    expect(response.body).not.toContain(TWILIO.accountSid);
  });

  it("treats tenant A's envelope copied into tenant B's row as unusable", async () => {
    const source = await ownerDb().integrationAccount.findUniqueOrThrow({
      where: { tenantId_provider: { tenantId: tenantA.id, provider: 'twilio' } },
    });
    await ownerDb().integrationAccount.create({
      data: {
        tenantId: tenantB.id,
        provider: 'twilio',
        credentials: source.credentials,
        credentialsKeyId: source.credentialsKeyId,
        settings: source.settings ?? {},
      },
    });
    const response = await get(adminB.auth);
    const twilio = (response.json() as Array<{ provider: string }>).find(
      (entry) => entry.provider === 'twilio',
    );
    expect(twilio).toMatchObject({
      configured: false,
      source: null,
      needsAttention: true,
      lastError: expect.stringContaining('cannot be read'),
      lastErrorCode: 'credentials_unreadable',
    });
    expect(response.body).not.toContain(TWILIO.authToken);
  });

  it('treats stored credentials that lost a setting as unusable, naming nothing of them', async () => {
    const stored = await put('billy', { apiKey: 'billy-key-for-b', organizationId: 'org-b' }, adminB.auth);
    expect(stored.statusCode, stored.body).toBe(200);
    await ownerDb().integrationAccount.update({
      where: { tenantId_provider: { tenantId: tenantB.id, provider: 'billy' } },
      data: { settings: {} },
    });
    const response = await get(adminB.auth);
    const billy = (response.json() as Array<{ provider: string }>).find(
      (entry) => entry.provider === 'billy',
    );
    expect(billy).toMatchObject({
      configured: false,
      needsAttention: true,
      lastErrorCode: 'credentials_unreadable',
    });
    expect(response.body).not.toContain('billy-key-for-b');
  });

  it('audits the change with the provider and without the secret', async () => {
    const rows = await ownerDb().auditLog.findMany({
      where: { tenantId: tenantA.id, action: 'credential_change' },
      orderBy: { createdAt: 'asc' },
    });
    expect(rows.map((row) => row.targetId)).toEqual(['twilio', 'google']);
    expect(rows[0]).toMatchObject({ actorUserId: adminA.id, targetType: 'integration', targetId: 'twilio' });
    expect(rows[0]!.ip).toBeTruthy();
    const serialised = JSON.stringify(rows);
    for (const secret of [TWILIO.authToken, GOOGLE_SECRET, GOOGLE_REFRESH])
      expect(serialised).not.toContain(secret);
  });

  it('replaces credentials on a second PUT and clears needs-attention', async () => {
    await ownerDb().integrationAccount.update({
      where: { tenantId_provider: { tenantId: tenantA.id, provider: 'twilio' } },
      data: {
        needsAttention: true,
        lastError: 'Twilio afviste adgangen; forbind igen under Integrationer',
        lastErrorCode: 'credentials_rejected',
        lastErrorAt: new Date(),
      },
    });
    const newToken = 'a'.repeat(32);
    const response = await put(
      'twilio',
      { ...TWILIO, authToken: newToken, phoneNumber: '+4570000002' },
      adminA.auth,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      settings: { phoneNumber: '+4570000002' },
      needsAttention: false,
      lastError: null,
      lastErrorCode: null,
      lastErrorAt: null,
    });
    expect(
      await ownerDb().integrationAccount.count({ where: { tenantId: tenantA.id, provider: 'twilio' } }),
    ).toBe(1);
  });

  it('documents both routes and the four bodies in OpenAPI', async () => {
    const document = (await test.app.inject({ method: 'GET', url: '/api/docs-json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/integrations', '/api/integrations/{provider}']),
    );
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining([
        'TwilioCredentialsDto',
        'BillyCredentialsDto',
        'GoogleCredentialsDto',
        'GeminiCredentialsDto',
        'IntegrationAccountDto',
      ]),
    );
  });
});

describe('environment credentials', () => {
  it('configure only the seeded tenant, never another business', async () => {
    const app = await bootTestApp({
      env: { TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'f'.repeat(32) },
    });
    try {
      const other = await createTenant('Anden virksomhed');
      const session = await signIn(app.app, other.id, 'admin');
      const list = (
        await app.app.inject({ method: 'GET', url: '/api/integrations', headers: session.auth })
      ).json();
      expect(list.find((entry: { provider: string }) => entry.provider === 'twilio')).toMatchObject({
        configured: false,
        source: null,
      });
      expect(JSON.stringify(list)).not.toContain('AC' + 'a'.repeat(32));

      const seeded = await ownerDb().tenant.findUnique({ where: { slug: ENVIRONMENT_TENANT_SLUG } });
      const home =
        seeded ??
        (await ownerDb().tenant.create({
          data: { name: 'Rendetalje', slug: ENVIRONMENT_TENANT_SLUG, ...defaultTenantSettings() },
        }));
      const admin = await signIn(app.app, home.id, 'admin');
      const own = (
        await app.app.inject({ method: 'GET', url: '/api/integrations', headers: admin.auth })
      ).json();
      expect(own.find((entry: { provider: string }) => entry.provider === 'twilio')).toMatchObject({
        configured: true,
        source: 'environment',
      });
    } finally {
      await app.close();
    }
  });
});
