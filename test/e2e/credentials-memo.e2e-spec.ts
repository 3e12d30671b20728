import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TenantContextService } from '../../src/core/database/tenant-context.js';
import {
  CREDENTIALS_TTL_MS,
  SUCCESS_MARK_INTERVAL_MS,
} from '../../src/integrations/credentials/credentials-memo.js';
import { CredentialsService } from '../../src/integrations/credentials/credentials.service.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, signIn, type Session, type TenantFixture } from '../support/fixtures.js';

const TWILIO = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: '5f4dcc3b5aa765d61d8327deb882cf99',
  phoneNumber: '+4570000001',
};

/**
 * The integration clients' credentials and success marks are remembered in the process
 * (src/integrations/credentials/credentials-memo.ts). The bounds it documents: a change made through
 * this instance shows at once; one it is not told of (another instance, a row changed by hand)
 * within CREDENTIALS_TTL_MS; a success is written once per SUCCESS_MARK_INTERVAL_MS, and at once after
 * a failure.
 */
describe('Credentials remembered in the process', () => {
  let test: TestApp;
  let tenant: TenantFixture;
  let admin: Session;
  let credentials: CredentialsService;
  const inTenant = <T>(fn: () => Promise<T>) =>
    test.app.get(TenantContextService).run({ tenantId: tenant.id }, fn);
  const resolveTwilio = () => inTenant(() => credentials.resolveCredentials('twilio'));
  const account = () =>
    ownerDb().integrationAccount.findUniqueOrThrow({
      where: { tenantId_provider: { tenantId: tenant.id, provider: 'twilio' } },
    });
  const put = (payload: object) =>
    test.app.inject({ method: 'PUT', url: '/api/integrations/twilio', headers: admin.auth, payload });
  const moveClock = (ms: number) => test.clock.set(new Date(test.clock.now().getTime() + ms));

  beforeAll(async () => {
    test = await bootTestApp();
    tenant = await createTenant('Memo Rengøring');
    admin = await signIn(test.app, tenant.id, 'admin');
    credentials = test.app.get(CredentialsService);
  });
  afterAll(async () => {
    await test?.close();
  });

  it('uses credentials stored through this instance at once', async () => {
    expect(await resolveTwilio()).toBeNull();
    expect((await put(TWILIO)).statusCode).toBe(200);
    expect((await resolveTwilio())?.credentials.authToken).toBe(TWILIO.authToken);
    expect((await put({ ...TWILIO, authToken: 'a'.repeat(32) })).statusCode).toBe(200);
    expect((await resolveTwilio())?.credentials.authToken).toBe('a'.repeat(32));
  });

  it('sees credentials removed elsewhere within the bound', async () => {
    expect(await resolveTwilio()).not.toBeNull();
    // As another instance's DELETE would: the row goes in the database only.
    await ownerDb().integrationAccount.deleteMany({ where: { tenantId: tenant.id, provider: 'twilio' } });
    try {
      moveClock(CREDENTIALS_TTL_MS + 1_000);
      expect(await resolveTwilio()).toBeNull();
    } finally {
      test.clock.reset();
    }
    expect((await put(TWILIO)).statusCode).toBe(200);
  });

  it('writes a success once a minute, and at once after a failure', async () => {
    try {
      const first = test.clock.now();
      await inTenant(() => credentials.recordSuccess('twilio'));
      const written = (await account()).lastSuccessAt;
      expect(written).not.toBeNull();

      moveClock(1_000);
      await inTenant(() => credentials.recordSuccess('twilio'));
      expect((await account()).lastSuccessAt).toEqual(written);

      // Credentials refused: the flag goes up, and the next call that works takes it down at once.
      await inTenant(() =>
        credentials.recordFailure(
          'twilio',
          { code: 'credentials_rejected', message: 'Twilio refused the credentials' },
          { needsAttention: true },
        ),
      );
      expect((await account()).needsAttention).toBe(true);
      await inTenant(() => credentials.recordSuccess('twilio'));
      expect((await account()).needsAttention).toBe(false);

      // Past the interval a success is written again.
      test.clock.set(new Date(first.getTime() + SUCCESS_MARK_INTERVAL_MS + 5_000));
      const before = (await account()).lastSuccessAt!;
      await new Promise((resolve) => setTimeout(resolve, 5));
      await inTenant(() => credentials.recordSuccess('twilio'));
      expect((await account()).lastSuccessAt!.getTime()).toBeGreaterThan(before.getTime());
    } finally {
      test.clock.reset();
    }
  });
});
