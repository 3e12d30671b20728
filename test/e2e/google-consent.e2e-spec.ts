import { createHash, randomBytes } from 'node:crypto';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { CredentialCipher } from '../../src/core/crypto/credential-cipher.js';
import { FakeCloud, GeminiFake } from '../fakes/index.js';
import { bootTestApp, recordingLogger, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';

/**
 * Connecting a business's own Google account by consent, end to end: the app's redirect to the consent
 * page, the fake Google's redirect back with a code, the callback's code exchange (PKCE) with the real
 * google-auth-library, the Gmail profile and watch through googleapis; then testing each integration
 * and disconnecting Google (revoked at the fake, watch stopped).
 */

const APP_URL = 'http://renos.test';
const REDIRECT_URI = `${APP_URL}/api/integrations/google/callback`;
const GEMINI_KEY = 'gemini-good-key';

interface Integration {
  provider: string;
  configured: boolean;
  source: string | null;
  settings: Record<string, string>;
  lastSuccessAt: string | null;
  lastErrorCode: string | null;
  needsAttention: boolean;
  watchExpiresAt: string | null;
}

describe('google consent, integration tests and disconnect', () => {
  let cloud: FakeCloud;
  let gemini: GeminiFake;
  let test: TestApp;
  let mailbox: string;
  const lines: string[] = [];

  beforeAll(async () => {
    mailbox = `info-${randomBytes(4).toString('hex')}@consent-test.dk`;
    cloud = new FakeCloud({ appUrl: APP_URL, gmailAddress: mailbox });
    gemini = new GeminiFake({ apiKey: GEMINI_KEY });
    await Promise.all([cloud.start(), gemini.start()]);
    const env = {
      ...cloud.environment(),
      GOOGLE_OAUTH_AUTH_URL: cloud.oauth.authUrl,
      GOOGLE_OAUTH_REVOKE_URL: cloud.oauth.revokeUrl,
      GEMINI_API_BASE_URL: gemini.url,
      LOG_LEVEL: 'debug',
    };
    // Every line the app logs, at debug level: none may carry the code, a token or the verifier.
    const logger = recordingLogger(env, lines);
    test = await bootTestApp({ env, logger });
  });

  afterAll(async () => {
    await test?.close();
    await Promise.all([cloud?.close(), gemini?.close()]);
  });

  beforeEach(() => {
    cloud.oauth.consent('approve');
    cloud.oauth.withoutRefreshToken(false);
    test.clock.reset();
  });

  const list = async (session: Session): Promise<Integration[]> => {
    const response = await test.app.inject({
      method: 'GET',
      url: '/api/integrations',
      headers: session.auth,
    });
    expect(response.statusCode).toBe(200);
    return response.json() as Integration[];
  };
  const entry = async (session: Session, provider: string) =>
    (await list(session)).find((integration) => integration.provider === provider)!;

  /** GET /connect as a browser would (no JSON asked for): the 302 to the consent page. */
  async function connectUrl(session: Session): Promise<URL> {
    const response = await test.app.inject({
      method: 'GET',
      url: '/api/integrations/google/connect',
      headers: session.auth,
    });
    expect(response.statusCode).toBe(302);
    return new URL(response.headers.location as string);
  }

  /** The consent page on the fake Google: its 302 back to our callback, with code (or error) and state. */
  async function consent(url: URL): Promise<URL> {
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    return back;
  }

  /** The browser arriving at the callback (the app is injected: only the path and query matter). */
  function callback(back: URL) {
    return test.app.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
  }

  const outcomeOf = (html: string) => /data-outcome="([a-z_]+)"/.exec(html)?.[1];

  const googleRow = (tenantId: string) =>
    ownerDb().integrationAccount.findUnique({
      where: { tenantId_provider: { tenantId, provider: 'google' } },
    });

  describe('connecting, testing and disconnecting Google', () => {
    let tenant: TenantFixture;
    let admin: Awaited<ReturnType<typeof signIn>>;
    let refreshToken: string;
    let challenge: string;
    let verifierSent: string;

    beforeAll(async () => {
      tenant = await createTenant('Consent Firma');
      admin = await signIn(test.app, tenant.id, 'admin');
    });

    it('sends the admin to the consent page with offline access, the scopes, a signed state and PKCE', async () => {
      const url = await connectUrl(admin);
      expect(`${url.origin}${url.pathname}`).toBe(cloud.oauth.authUrl);
      const query = url.searchParams;
      expect(query.get('client_id')).toBe('renos-demo-client');
      expect(query.get('redirect_uri')).toBe(REDIRECT_URI);
      expect(query.get('response_type')).toBe('code');
      expect(query.get('access_type')).toBe('offline');
      expect(query.get('prompt')).toBe('consent');
      expect(query.get('code_challenge_method')).toBe('S256');
      expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(query.get('scope')!.split(' ').sort()).toEqual([
        'https://www.googleapis.com/auth/calendar.events',
        'https://www.googleapis.com/auth/calendar.freebusy',
        'https://www.googleapis.com/auth/gmail.readonly',
        'https://www.googleapis.com/auth/gmail.send',
      ]);
      expect(query.get('state')).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      challenge = query.get('code_challenge')!;

      const back = await consent(url);
      expect(back.searchParams.get('state')).toBe(query.get('state'));
      const response = await callback(back);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(outcomeOf(response.body)).toBe('connected');
      expect(response.body).toContain('Google er forbundet');
      expect(response.body).toContain(mailbox);

      const exchange = cloud.oauth.calls().find((call) => call.form.code === back.searchParams.get('code'))!;
      expect(exchange).toMatchObject({ grantType: 'authorization_code', status: 200 });
      expect(exchange.form.redirect_uri).toBe(REDIRECT_URI);
      verifierSent = exchange.form.code_verifier!;
      expect(createHash('sha256').update(verifierSent).digest('base64url')).toBe(challenge);
      refreshToken = cloud.oauth.issued().at(-1)!.refreshToken;
    });

    it('stores the refresh token encrypted, with the mailbox, and starts the Gmail watch', async () => {
      const google = await entry(admin, 'google');
      expect(google).toMatchObject({
        configured: true,
        source: 'tenant',
        settings: { clientId: 'renos-demo-client', gmailAddress: mailbox },
        needsAttention: false,
      });
      expect(google.watchExpiresAt).not.toBeNull();
      expect(cloud.gmail.watches().length).toBeGreaterThan(0);
      // The tenant had no inbox: the connected mailbox becomes it, so Gmail's pushes find the tenant.
      expect((await ownerDb().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).gmailAddress).toBe(
        mailbox,
      );

      const row = (await googleRow(tenant.id))!;
      expect(row.credentials).not.toContain(refreshToken);
      expect(
        new CredentialCipher(test.config.encryption).decryptJson(row.credentials!, row.credentialsKeyId!, {
          tenantId: tenant.id,
          provider: 'google',
        }),
      ).toEqual({ clientSecret: 'renos-demo-secret', refreshToken });

      const audit = await ownerDb().auditLog.findFirst({
        where: { tenantId: tenant.id, action: 'credential_change', targetId: 'google' },
      });
      expect(audit?.actorUserId).toBe(admin.user.id);
      expect(JSON.stringify(audit)).not.toContain(refreshToken);
    });

    it('answers the consent URL as JSON for a dashboard that asks for it', async () => {
      const response = await test.app.inject({
        method: 'GET',
        url: '/api/integrations/google/connect',
        headers: { ...admin.auth, accept: 'application/json' },
      });
      expect(response.statusCode).toBe(200);
      expect(new URL((response.json() as { url: string }).url).origin).toBe(
        new URL(cloud.oauth.authUrl).origin,
      );
    });

    it('tests Google with a profile read and a calendar read, and records the success', async () => {
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/integrations/google/test',
        headers: admin.auth,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        provider: 'google',
        ok: true,
        code: null,
        detail: expect.stringContaining(mailbox),
      });
      expect((await entry(admin, 'google')).lastSuccessAt).not.toBeNull();
    });

    it('disconnects: stops the watch, revokes the grant at Google, forgets the credentials; twice is fine', async () => {
      const stopsBefore = cloud.gmail.calls('stop').length;
      const first = await test.app.inject({
        method: 'DELETE',
        url: '/api/integrations/google',
        headers: admin.auth,
      });
      expect(first.statusCode).toBe(204);
      expect(cloud.oauth.revokedViaEndpoint()).toContain(refreshToken);
      expect(cloud.gmail.calls('stop').length).toBe(stopsBefore + 1);
      expect(await googleRow(tenant.id)).toBeNull();
      expect(await entry(admin, 'google')).toMatchObject({ configured: false, source: null, settings: {} });

      const removals = () =>
        ownerDb().auditLog.findMany({
          where: {
            tenantId: tenant.id,
            action: 'credential_change',
            targetId: 'google',
            metadata: { path: ['removed'], equals: true },
          },
        });
      expect(await removals()).toHaveLength(1);

      const second = await test.app.inject({
        method: 'DELETE',
        url: '/api/integrations/google',
        headers: admin.auth,
      });
      expect(second.statusCode).toBe(204);
      // Nothing was there to remove: nothing to audit either.
      expect(await removals()).toHaveLength(1);

      const tested = await test.app.inject({
        method: 'POST',
        url: '/api/integrations/google/test',
        headers: admin.auth,
      });
      expect(tested.json()).toMatchObject({ ok: false, code: 'not_configured' });
    });

    it('never logged the code, the tokens or the verifier', () => {
      const logged = lines.join('\n');
      expect(logged.length).toBeGreaterThan(0);
      for (const secret of [refreshToken, verifierSent, ...cloud.oauth.issued().map((t) => t.accessToken)]) {
        expect(logged).not.toContain(secret);
      }
      for (const call of cloud.oauth.calls()) {
        if (call.form.code) expect(logged).not.toContain(call.form.code);
      }
    });
  });

  describe('the callback refuses', () => {
    let tenant: TenantFixture;
    let admin: Awaited<ReturnType<typeof signIn>>;

    beforeAll(async () => {
      tenant = await createTenant('Afvist Firma');
      admin = await signIn(test.app, tenant.id, 'admin');
    });

    it('a refused consent: a Danish page saying so, nothing stored', async () => {
      cloud.oauth.consent('deny');
      const back = await consent(await connectUrl(admin));
      expect(back.searchParams.get('error')).toBe('access_denied');
      const response = await callback(back);
      expect(response.statusCode).toBe(200);
      expect(outcomeOf(response.body)).toBe('denied');
      expect(response.body).toContain('Du sagde nej hos Google');
      expect(await googleRow(tenant.id)).toBeNull();
    });

    it('a state used before', async () => {
      await ownerDb().tenant.update({ where: { id: tenant.id }, data: { gmailAddress: `other-${mailbox}` } });
      const back = await consent(await connectUrl(admin));
      const first = await callback(back);
      expect(outcomeOf(first.body)).toBe('connected');
      // The tenant's inbox is another address: the page says the connected mailbox will not be read.
      expect(first.body).toContain(`Firmaets indbakke i RenOS er other-${mailbox}`);
      const again = await callback(back);
      expect(again.statusCode).toBe(400);
      expect(outcomeOf(again.body)).toBe('used_state');
      expect(again.body).toContain('allerede brugt');
      await test.app.inject({ method: 'DELETE', url: '/api/integrations/google', headers: admin.auth });
    });

    it('an expired state (after ten minutes), even with a good code', async () => {
      const back = await consent(await connectUrl(admin));
      test.clock.set(new Date(test.clock.now().getTime() + 11 * 60_000));
      const response = await callback(back);
      expect(response.statusCode).toBe(400);
      expect(outcomeOf(response.body)).toBe('expired_state');
      expect(await googleRow(tenant.id)).toBeNull();
    });

    it('a grant without a refresh token', async () => {
      cloud.oauth.withoutRefreshToken(true);
      const response = await callback(await consent(await connectUrl(admin)));
      expect(response.statusCode).toBe(502);
      expect(outcomeOf(response.body)).toBe('no_refresh_token');
      expect(await googleRow(tenant.id)).toBeNull();
    });

    it('the consent of an admin who is no admin any more by the time Google answers', async () => {
      const url = await connectUrl(admin);
      const where = { tenantId_userId: { tenantId: tenant.id, userId: admin.user.id } };
      await ownerDb().membership.update({ where, data: { role: 'manager' } });
      try {
        const response = await callback(await consent(url));
        expect(response.statusCode).toBe(400);
        expect(outcomeOf(response.body)).toBe('invalid_state');
        expect(await googleRow(tenant.id)).toBeNull();
      } finally {
        await ownerDb().membership.update({ where, data: { role: 'admin' } });
      }
    });

    it('a state without a signature, or none at all', async () => {
      const back = await consent(await connectUrl(admin));
      back.searchParams.set('state', back.searchParams.get('state')!.split('.').slice(0, 2).join('.'));
      expect(outcomeOf((await callback(back)).body)).toBe('invalid_state');
      const none = await test.app.inject({ method: 'GET', url: '/api/integrations/google/callback?code=x' });
      expect(none.statusCode).toBe(400);
      expect(outcomeOf(none.body)).toBe('invalid_state');
    });
  });

  describe('a state of another tenant', () => {
    let tenantA: TenantFixture;
    let tenantB: TenantFixture;
    let adminA: Awaited<ReturnType<typeof signIn>>;
    let adminB: Session;

    beforeAll(async () => {
      tenantA = await createTenant('Firma A');
      tenantB = await createTenant('Firma B');
      adminA = await signIn(test.app, tenantA.id, 'admin');
      adminB = await signIn(test.app, tenantB.id, 'admin');
    });

    it('cannot be pointed at another tenant: a rewritten tenant breaks the signature', async () => {
      const back = await consent(await connectUrl(adminB));
      const [version, payload, signature] = back.searchParams.get('state')!.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
      expect(claims.t).toBe(tenantB.id);
      const forged = Buffer.from(JSON.stringify({ ...claims, t: tenantA.id, u: adminA.user.id })).toString(
        'base64url',
      );
      back.searchParams.set('state', `${version}.${forged}.${signature}`);
      const response = await callback(back);
      expect(response.statusCode).toBe(400);
      expect(outcomeOf(response.body)).toBe('invalid_state');
      expect(await googleRow(tenantA.id)).toBeNull();
      expect(await googleRow(tenantB.id)).toBeNull();
    });

    it("cannot carry another tenant's code: the PKCE verifier of the state does not fit it", async () => {
      const fromB = await consent(await connectUrl(adminB));
      const fromA = await consent(await connectUrl(adminA));
      // A's state with B's code, as if B's answer had been replayed into A's consent.
      fromA.searchParams.set('code', fromB.searchParams.get('code')!);
      const response = await callback(fromA);
      expect(response.statusCode).toBe(502);
      expect(outcomeOf(response.body)).toBe('exchange_failed');
      expect(await googleRow(tenantA.id)).toBeNull();
      expect(await googleRow(tenantB.id)).toBeNull();
    });
  });

  describe('testing the other integrations', () => {
    let tenant: TenantFixture;
    let admin: Awaited<ReturnType<typeof signIn>>;
    const twilioSid = `AC${randomBytes(16).toString('hex')}`;
    const twilioToken = randomBytes(16).toString('hex');

    beforeAll(async () => {
      tenant = await createTenant('Test Firma');
      admin = await signIn(test.app, tenant.id, 'admin');
      cloud.twilio.addAccount(twilioSid, twilioToken);
    });

    const put = (provider: string, payload: object) =>
      test.app.inject({ method: 'PUT', url: `/api/integrations/${provider}`, headers: admin.auth, payload });
    const runTest = async (provider: string) => {
      const response = await test.app.inject({
        method: 'POST',
        url: `/api/integrations/${provider}/test`,
        headers: admin.auth,
      });
      expect(response.statusCode).toBe(200);
      return response.json() as { ok: boolean; code: string | null; detail: string };
    };

    it('Billy: a dead key is unhealthy afterwards, a good one healthy again', async () => {
      expect(
        (await put('billy', { apiKey: 'dead-key', organizationId: cloud.billy.organizationId })).statusCode,
      ).toBe(200);
      expect(await runTest('billy')).toMatchObject({ ok: false, code: 'credentials_rejected' });
      expect(await entry(admin, 'billy')).toMatchObject({
        needsAttention: true,
        lastErrorCode: 'credentials_rejected',
      });

      await put('billy', { apiKey: cloud.billy.accessToken, organizationId: cloud.billy.organizationId });
      expect(await runTest('billy')).toMatchObject({ ok: true, code: null });
      const billy = await entry(admin, 'billy');
      expect(billy.needsAttention).toBe(false);
      expect(billy.lastSuccessAt).not.toBeNull();
    });

    it('Twilio: fetches the account', async () => {
      await put('twilio', { accountSid: twilioSid, authToken: 'f'.repeat(32), phoneNumber: '+4570000002' });
      expect(await runTest('twilio')).toMatchObject({ ok: false, code: 'credentials_rejected' });
      expect((await entry(admin, 'twilio')).needsAttention).toBe(true);
      await put('twilio', { accountSid: twilioSid, authToken: twilioToken, phoneNumber: '+4570000002' });
      expect(await runTest('twilio')).toMatchObject({ ok: true, detail: 'Twilio-kontoen er aktiv' });
    });

    it('Gemini: reads the model without spending tokens', async () => {
      await put('gemini', { apiKey: 'dead-gemini-key' });
      expect(await runTest('gemini')).toMatchObject({ ok: false, code: 'credentials_rejected' });
      expect(await entry(admin, 'gemini')).toMatchObject({
        needsAttention: true,
        lastErrorCode: 'credentials_rejected',
      });
      await put('gemini', { apiKey: GEMINI_KEY });
      expect(await runTest('gemini')).toMatchObject({ ok: true, code: null });
      expect(gemini.requests().some((request) => request.method === 'generateContent')).toBe(false);
    });

    it('Gemini: a key the real extraction finds dead shows as unhealthy too', async () => {
      await put('gemini', { apiKey: 'revoked-gemini-key' });
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/ai/extract',
        headers: admin.auth,
        payload: { text: 'Hej, jeg vil gerne have et tilbud på rengøring. Mvh Hanne, tlf. 28 14 55 90' },
      });
      // The parsers stand in for Gemini, so the preview still answers.
      expect(response.statusCode).toBe(200);
      expect(await entry(admin, 'gemini')).toMatchObject({
        needsAttention: true,
        lastErrorCode: 'credentials_rejected',
      });
      await put('gemini', { apiKey: GEMINI_KEY });
    });

    it('an unconfigured provider answers not_configured; an unknown one a 400 naming provider', async () => {
      const other = await createTenant('Tom Firma');
      const otherAdmin = await signIn(test.app, other.id, 'admin');
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/integrations/billy/test',
        headers: otherAdmin.auth,
      });
      expect(response.json()).toMatchObject({ ok: false, code: 'not_configured' });
      const unknown = await test.app.inject({
        method: 'POST',
        url: '/api/integrations/dropbox/test',
        headers: admin.auth,
      });
      expect(unknown.statusCode).toBe(400);
      expect(JSON.stringify(unknown.json())).toContain('provider');
    });

    it('disconnecting Billy forgets its key', async () => {
      const response = await test.app.inject({
        method: 'DELETE',
        url: '/api/integrations/billy',
        headers: admin.auth,
      });
      expect(response.statusCode).toBe(204);
      expect(await entry(admin, 'billy')).toMatchObject({ configured: false });
    });

    it('is for admins only', async () => {
      const manager = await signIn(test.app, tenant.id, 'manager');
      for (const [method, url] of [
        ['GET', '/api/integrations/google/connect'],
        ['POST', '/api/integrations/twilio/test'],
        ['DELETE', '/api/integrations/twilio'],
      ] as const) {
        const response = await test.app.inject({ method, url, headers: manager.auth });
        expect(response.statusCode).toBe(403);
      }
    });
  });
});
