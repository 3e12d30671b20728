import { createHmac } from 'node:crypto';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { PasswordService } from '../../src/auth/password.service.js';
import { PRINCIPAL_TTL_MS } from '../../src/auth/principal-cache.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import {
  createTenant,
  createUser,
  login,
  ownerDb,
  signIn,
  type TenantFixture,
  type UserFixture,
} from '../support/fixtures.js';

/** A JWT signed with HS256 and any secret and claims, for forging tokens the app must refuse. */
function signJwt(header: object, claims: object, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode(header)}.${encode(claims)}`;
  const signature = secret ? createHmac('sha256', secret).update(body).digest('base64url') : '';
  return `${body}.${signature}`;
}

describe('auth', () => {
  let test: TestApp;
  let tenant: TenantFixture;
  let admin: UserFixture;

  beforeAll(async () => {
    test = await bootTestApp();
    tenant = await createTenant();
    admin = await createUser(tenant.id, 'admin');
  });
  afterAll(async () => {
    await test?.close();
  });

  // Every test sends from an address of its own: the per-IP counter of failed password checks lives in
  // the run's Redis, shared by all test files, whose fixtures log in from 127.0.0.1.
  let testNumber = 0;
  let address = '';
  beforeEach(() => {
    testNumber += 1;
    address = `10.0.6.${testNumber}`;
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    test.app.inject({ method: 'GET', url, headers, remoteAddress: address });
  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    test.app.inject({ method: 'POST', url, payload, headers, remoteAddress: address });

  describe('login', () => {
    it('answers tokens, the user, the tenant and the tenants', async () => {
      const response = await post('/api/auth/login', {
        email: admin.email.toUpperCase(),
        password: admin.password,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: 900,
        user: { id: admin.id, email: admin.email, isSuperadmin: false },
        tenant: { id: tenant.id, role: 'admin' },
        tenants: [{ id: tenant.id, slug: tenant.slug, role: 'admin' }],
      });
      expect(body.user.passwordHash).toBeUndefined();
    });

    it('gives an unknown e-mail and a wrong password the same 401', async () => {
      const unknown = await post('/api/auth/login', { email: 'nobody@example.dk', password: 'whatever-123' });
      const wrong = await post('/api/auth/login', { email: admin.email, password: 'wrong-password-1' });
      expect(unknown.statusCode).toBe(401);
      expect(wrong.statusCode).toBe(401);
      expect(unknown.json().message).toBe(wrong.json().message);
    });

    it('names a malformed body in a 400', async () => {
      const response = await post('/api/auth/login', { email: 'not-an-email' });
      expect(response.statusCode).toBe(400);
      expect(new Set(response.json().details.map((d: { field: string }) => d.field))).toEqual(
        new Set(['email', 'password']),
      );
    });

    it('limits failed attempts per account with 429 and Retry-After, and audits them', async () => {
      const victim = await createUser(tenant.id, 'viewer');
      for (let attempt = 0; attempt < 5; attempt += 1) {
        expect(
          (await post('/api/auth/login', { email: victim.email, password: 'guess-guess-1' })).statusCode,
        ).toBe(401);
      }
      const blocked = await post('/api/auth/login', { email: victim.email, password: victim.password });
      expect(blocked.statusCode).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      const failures = await ownerDb().auditLog.count({
        where: { action: 'login_failed', actorUserId: victim.id },
      });
      expect(failures).toBe(5);
    });

    it('refuses a deactivated user', async () => {
      const gone = await createUser(tenant.id, 'staff', { active: false });
      expect((await post('/api/auth/login', { email: gone.email, password: gone.password })).statusCode).toBe(
        401,
      );
    });
  });

  describe('access tokens', () => {
    it('lets a valid token through and refuses none at all', async () => {
      const session = await login(test.app, admin);
      expect((await get('/api/auth/me', session.auth)).statusCode).toBe(200);
      const none = await get('/api/auth/me');
      expect(none.statusCode).toBe(401);
      expect(none.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it.each([
      ['alg none', () => signJwt({ alg: 'none', typ: 'JWT' }, claims(), '')],
      ['a wrong secret', () => signJwt({ alg: 'HS256', typ: 'JWT' }, claims(), 'x'.repeat(48))],
      [
        'an expired token',
        () => signJwt({ alg: 'HS256', typ: 'JWT' }, claims({ exp: now() - 60 }), test.config.auth.jwtSecret),
      ],
      [
        'no expiry',
        () => signJwt({ alg: 'HS256', typ: 'JWT' }, claims({ exp: undefined }), test.config.auth.jwtSecret),
      ],
      [
        'a wrong audience',
        () => signJwt({ alg: 'HS256', typ: 'JWT' }, claims({ aud: 'other' }), test.config.auth.jwtSecret),
      ],
      [
        'a wrong issuer',
        () => signJwt({ alg: 'HS256', typ: 'JWT' }, claims({ iss: 'other' }), test.config.auth.jwtSecret),
      ],
    ])('refuses %s with 401', async (_, token) => {
      expect((await get('/api/auth/me', { authorization: `Bearer ${token()}` })).statusCode).toBe(401);
    });

    // A user deactivated by hand in the database (no route does it, so no instance is told): the
    // guard's remembered principal ends within its bound (src/auth/principal-cache.ts).
    it("refuses a deactivated user's token within the principal cache's bound", async () => {
      const staff = await createUser(tenant.id, 'staff');
      const session = await login(test.app, staff);
      expect((await get('/api/auth/me', session.auth)).statusCode).toBe(200);
      await ownerDb().user.update({ where: { id: staff.id }, data: { active: false } });
      test.clock.set(new Date(Date.now() + PRINCIPAL_TTL_MS + 1_000));
      try {
        expect((await get('/api/auth/me', session.auth)).statusCode).toBe(401);
      } finally {
        test.clock.reset();
      }
    });

    const now = () => Math.floor(Date.now() / 1000);
    let sessionClaims: Record<string, unknown> | undefined;
    function claims(overrides: Record<string, unknown> = {}) {
      return { ...sessionClaims, ...overrides };
    }
    beforeAll(async () => {
      const session = await login(test.app, admin);
      sessionClaims = JSON.parse(Buffer.from(session.accessToken.split('.')[1]!, 'base64url').toString());
    });
  });

  describe('refresh tokens', () => {
    it('rotates on every use', async () => {
      const first = await login(test.app, admin);
      const refreshed = await post('/api/auth/refresh', { refreshToken: first.refreshToken });
      expect(refreshed.statusCode).toBe(200);
      const second = refreshed.json();
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect((await get('/api/auth/me', { authorization: `Bearer ${second.accessToken}` })).statusCode).toBe(
        200,
      );
    });

    it('keeps both tabs working when the same token comes twice within the grace window', async () => {
      const session = await login(test.app, admin);
      const [a, b] = await Promise.all([
        post('/api/auth/refresh', { refreshToken: session.refreshToken }),
        post('/api/auth/refresh', { refreshToken: session.refreshToken }),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      for (const response of [a, b]) {
        expect(
          (await post('/api/auth/refresh', { refreshToken: response.json().refreshToken })).statusCode,
        ).toBe(200);
      }
    });

    it('revokes the whole family when a rotated token is replayed after the grace window', async () => {
      const session = await login(test.app, admin);
      const next = (await post('/api/auth/refresh', { refreshToken: session.refreshToken })).json();
      // Age the rotation past the 10 s grace window.
      await ownerDb().refreshToken.updateMany({
        where: { rotatedAt: { not: null }, userId: admin.id },
        data: { rotatedAt: new Date(Date.now() - 60_000) },
      });
      const replay = await post('/api/auth/refresh', { refreshToken: session.refreshToken });
      expect(replay.statusCode).toBe(401);
      // The thief's replay also ends the legitimate holder's session.
      expect((await post('/api/auth/refresh', { refreshToken: next.refreshToken })).statusCode).toBe(401);
      expect((await get('/api/auth/me', { authorization: `Bearer ${next.accessToken}` })).statusCode).toBe(
        401,
      );
      expect(
        await ownerDb().auditLog.count({ where: { action: 'refresh_reuse', actorUserId: admin.id } }),
      ).toBeGreaterThan(0);
    });

    it('refuses an unknown token', async () => {
      expect((await post('/api/auth/refresh', { refreshToken: 'x'.repeat(43) })).statusCode).toBe(401);
    });
  });

  it('logs out: the session ends for both tokens', async () => {
    const session = await login(test.app, admin);
    const out = await post('/api/auth/logout', { refreshToken: session.refreshToken }, session.auth);
    expect(out.statusCode).toBe(204);
    expect((await get('/api/auth/me', session.auth)).statusCode).toBe(401);
    expect((await post('/api/auth/refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401);
  });

  it('changes the password: other sessions end, this one continues, the new password works', async () => {
    const user = await createUser(tenant.id, 'manager');
    const other = await login(test.app, user);
    const current = await login(test.app, user);
    const wrong = await post(
      '/api/auth/password',
      { currentPassword: 'nope-nope-nope', newPassword: 'A-new-password-2026' },
      current.auth,
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details).toEqual([{ field: 'currentPassword', message: 'currentPassword is wrong' }]);
    const changed = await post(
      '/api/auth/password',
      { currentPassword: user.password, newPassword: 'A-new-password-2026' },
      current.auth,
    );
    expect(changed.statusCode).toBe(200);
    expect((await get('/api/auth/me', other.auth)).statusCode).toBe(401);
    expect(
      (await get('/api/auth/me', { authorization: `Bearer ${changed.json().accessToken}` })).statusCode,
    ).toBe(200);
    await login(test.app, { email: user.email, password: 'A-new-password-2026' });
    const short = await post(
      '/api/auth/password',
      { currentPassword: 'A-new-password-2026', newPassword: 'short' },
      {
        authorization: `Bearer ${changed.json().accessToken}`,
      },
    );
    expect(short.statusCode).toBe(400);
  });

  it('limits wrong current passwords on a session like failed logins (429)', async () => {
    const user = await createUser(tenant.id, 'viewer');
    const session = await login(test.app, user);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const response = await post(
        '/api/auth/password',
        { currentPassword: `guess-${attempt}-guess`, newPassword: 'A-new-password-2026' },
        session.auth,
      );
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  describe('throttles under concurrency', () => {
    // Each test guesses from its own address, so the per-IP counter of one does not spill into another.
    let lastOctet = 10;
    const nextIp = () => `10.0.7.${(lastOctet += 1)}`;
    const from = (ip: string, request: { url: string; payload: object; headers?: Record<string, string> }) =>
      test.app.inject({ method: 'POST', remoteAddress: ip, ...request });
    const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;
    afterEach(() => {
      vi.restoreAllMocks();
    });

    /** Every argon2 verification the app runs, counted where it happens (no timing involved). */
    const verifications = () => vi.spyOn(test.app.get(PasswordService), 'verify');

    /**
     * Holds every password verification until `release()`, so a test can send a request while earlier
     * ones are still being checked — the moment the old read-then-write counter let through.
     */
    function holdVerifications() {
      const service = test.app.get(PasswordService);
      const original = service.verify.bind(service);
      let open!: () => void;
      let released = false;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const spy = vi.spyOn(service, 'verify').mockImplementation(async (hash, password) => {
        await gate;
        return original(hash, password);
      });
      /** Resolves once `calls` verifications have begun (or everything was released). */
      const started = async (calls: number) => {
        while (spy.mock.calls.length < calls && !released)
          await new Promise((resolve) => setImmediate(resolve));
      };
      const release = () => {
        released = true;
        open();
      };
      /**
       * Sends `request` while the held checks wait: its answer if it needs no verification, or, if it
       * starts one (a throttle that let it through), after everything is released.
       */
      const whileHeld = async <T>(request: Promise<T>, heldCalls: number): Promise<T> => {
        await Promise.race([request, started(heldCalls + 1)]);
        release();
        return request;
      };
      return { spy, started, release, whileHeld };
    }

    it('verifies at most five of twenty wrong passwords sent at once; the rest get 429', async () => {
      const victim = await createUser(tenant.id, 'viewer');
      const ip = nextIp();
      const verify = verifications();
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          from(ip, {
            url: '/api/auth/login',
            payload: { email: victim.email, password: `wrong-guess-${i}` },
          }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode);
      expect(count(statuses, 401)).toBe(5);
      expect(count(statuses, 429)).toBe(15);
      expect(verify).toHaveBeenCalledTimes(5);
      for (const blocked of responses.filter((r) => r.statusCode === 429))
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(
        await ownerDb().auditLog.count({ where: { action: 'login_failed', actorUserId: victim.id } }),
      ).toBe(5);
    });

    it('refuses the right password while twelve wrong ones sent just before are still being checked', async () => {
      const victim = await createUser(tenant.id, 'viewer');
      const ip = nextIp();
      const held = holdVerifications();
      const wrong = Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          from(ip, {
            url: '/api/auth/login',
            payload: { email: victim.email, password: `wrong-guess-${i}` },
          }),
        ),
      );
      await held.started(5);
      const right = await held.whileHeld(
        from(ip, { url: '/api/auth/login', payload: { email: victim.email, password: victim.password } }),
        5,
      );
      held.release();
      const statuses = (await wrong).map((r) => r.statusCode);
      expect(right.statusCode).toBe(429);
      expect(count(statuses, 401)).toBe(5);
      expect(count(statuses, 429)).toBe(7);
      expect(held.spy).toHaveBeenCalledTimes(5);
      expect(await ownerDb().auditLog.count({ where: { action: 'login', actorUserId: victim.id } })).toBe(0);
    });

    it('lets a right password through while under the limit and then starts the count afresh', async () => {
      const user = await createUser(tenant.id, 'viewer');
      const ip = nextIp();
      const attempt = (password: string) =>
        from(ip, { url: '/api/auth/login', payload: { email: user.email, password } });
      for (let i = 0; i < 4; i += 1) expect((await attempt(`wrong-guess-${i}`)).statusCode).toBe(401);
      expect((await attempt(user.password)).statusCode).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await attempt(`wrong-again-${i}`)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    });

    it('limits one address to twenty checks across accounts; its successful logins use none of them', async () => {
      const ip = nextIp();
      const user = await createUser(tenant.id, 'viewer');
      for (let i = 0; i < 3; i += 1) {
        const ok = await from(ip, {
          url: '/api/auth/login',
          payload: { email: user.email, password: user.password },
        });
        expect(ok.statusCode).toBe(200);
      }
      // The throttle is what is under test, not argon2: the sprayed guesses are refused without hashing.
      const verify = verifications().mockResolvedValue(false);
      const responses = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          from(ip, {
            url: '/api/auth/login',
            payload: { email: `sprayed-${i}@example.dk`, password: 'wrong-guess-1' },
          }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode);
      expect(count(statuses, 401)).toBe(20);
      expect(count(statuses, 429)).toBe(5);
      expect(verify).toHaveBeenCalledTimes(20);
    });

    it('checks at most five current passwords at once on a session; the right one after them is refused', async () => {
      const user = await createUser(tenant.id, 'manager');
      const session = await login(test.app, user);
      const ip = nextIp();
      const change = (currentPassword: string) =>
        from(ip, {
          url: '/api/auth/password',
          payload: { currentPassword, newPassword: 'A-new-password-2026' },
          headers: session.auth,
        });
      const held = holdVerifications();
      const wrong = Promise.all(Array.from({ length: 12 }, (_, i) => change(`wrong-guess-${i}`)));
      await held.started(5);
      const right = await held.whileHeld(change(user.password), 5);
      held.release();
      const statuses = (await wrong).map((r) => r.statusCode);
      expect(right.statusCode).toBe(429);
      expect(count(statuses, 400)).toBe(5);
      expect(count(statuses, 429)).toBe(7);
      expect(held.spy).toHaveBeenCalledTimes(5);
      expect(
        await ownerDb().auditLog.count({ where: { action: 'password_change', actorUserId: user.id } }),
      ).toBe(0);
    });
  });

  describe('switch tenant', () => {
    it('moves a member to another of their tenants and audits it', async () => {
      const second = await createTenant('Søsterfirma');
      await ownerDb().membership.create({ data: { tenantId: second.id, userId: admin.id, role: 'viewer' } });
      const session = await login(test.app, admin);
      const switched = await post('/api/auth/switch-tenant', { tenantId: second.id }, session.auth);
      expect(switched.statusCode).toBe(200);
      expect(switched.json().tenant).toMatchObject({ id: second.id, role: 'viewer' });
      const me = await get('/api/auth/me', { authorization: `Bearer ${switched.json().accessToken}` });
      expect(me.json().tenant.id).toBe(second.id);
      expect(
        await ownerDb().auditLog.count({ where: { action: 'tenant_switch', tenantId: second.id } }),
      ).toBe(1);
    });

    it('refuses a tenant the user is not a member of (403), but lets a superadmin in', async () => {
      const foreign = await createTenant('Fremmed');
      const session = await signIn(test.app, tenant.id, 'admin');
      expect((await post('/api/auth/switch-tenant', { tenantId: foreign.id }, session.auth)).statusCode).toBe(
        403,
      );
      const root = await login(test.app, await createUser(tenant.id, 'viewer', { superadmin: true }));
      const switched = await post('/api/auth/switch-tenant', { tenantId: foreign.id }, root.auth);
      expect(switched.statusCode).toBe(200);
      expect(switched.json().tenant).toMatchObject({ id: foreign.id, role: 'admin' });
    });
  });
});
