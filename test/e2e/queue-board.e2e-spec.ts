import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { PasswordService } from '../../src/auth/password.service.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, createUser, login, ownerDb, TEST_PASSWORD } from '../support/fixtures.js';

const basic = (email: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`,
});

describe('Bull Board at /api/admin/queues', () => {
  let test: TestApp;
  let tenantId: string;
  let superadmin: { email: string };
  let admin: { email: string };

  beforeAll(async () => {
    test = await bootTestApp();
    const tenant = await createTenant('Board');
    tenantId = tenant.id;
    superadmin = await createUser(tenant.id, 'admin', { superadmin: true });
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
    address = `10.0.8.${testNumber}`;
  });
  const open = (url: string, headers: Record<string, string> = {}) =>
    test.app.inject({ method: 'GET', url, headers, remoteAddress: address });

  it('asks a browser for a login: 401 with WWW-Authenticate, for no, wrong or non-superadmin credentials', async () => {
    for (const headers of [
      {},
      basic(superadmin.email, 'wrong-password'),
      basic(admin.email, TEST_PASSWORD),
    ]) {
      const response = await open('/api/admin/queues', headers);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm="RenOS queues"/);
      expect(response.body).not.toContain('bull');
    }
    const api = await open('/api/admin/queues/api/queues');
    expect(api.statusCode).toBe(401);
  });

  it('shows every queue to a superadmin', async () => {
    const page = await open('/api/admin/queues', basic(superadmin.email, TEST_PASSWORD));
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await open(
      '/api/admin/queues/api/queues?activeQueue=&page=1&jobsPerPage=10',
      basic(superadmin.email, TEST_PASSWORD),
    );
    expect(api.statusCode).toBe(200);
    const names = (api.json().queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual(['billing', 'calendar', 'email', 'intake', 'maintenance', 'sms']);
  });

  it('records a failed board login like a failed login', async () => {
    await open('/api/admin/queues', basic(admin.email, TEST_PASSWORD));
    const failures = await ownerDb().auditLog.count({
      where: { action: 'login_failed', metadata: { path: ['reason'], equals: 'queue_board' } },
    });
    expect(failures).toBeGreaterThan(0);
  });

  describe('its login under concurrency and after changes', () => {
    let lastOctet = 10;
    const nextIp = () => `10.0.9.${(lastOctet += 1)}`;
    const board = (headers: Record<string, string>, ip = address) =>
      test.app.inject({ method: 'GET', url: '/api/admin/queues/api/queues', headers, remoteAddress: ip });
    const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('verifies at most five of twenty wrong passwords sent at once; the rest get 429', async () => {
      const root = await createUser(tenantId, 'admin', { superadmin: true });
      const ip = nextIp();
      const verify = vi.spyOn(test.app.get(PasswordService), 'verify');
      const statuses = (
        await Promise.all(Array.from({ length: 20 }, (_, i) => board(basic(root.email, `wrong-${i}`), ip)))
      ).map((r) => r.statusCode);
      expect(count(statuses, 401)).toBe(5);
      expect(count(statuses, 429)).toBe(15);
      expect(verify).toHaveBeenCalledTimes(5);
    });

    it('refuses the right password while twelve wrong ones sent just before are still being checked', async () => {
      const root = await createUser(tenantId, 'admin', { superadmin: true });
      const ip = nextIp();
      const service = test.app.get(PasswordService);
      const original = service.verify.bind(service);
      let openGate!: () => void;
      let released = false;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const verify = vi.spyOn(service, 'verify').mockImplementation(async (hash, password) => {
        await gate;
        return original(hash, password);
      });
      const started = async (calls: number) => {
        while (verify.mock.calls.length < calls && !released)
          await new Promise((resolve) => setImmediate(resolve));
      };
      const wrong = Promise.all(
        Array.from({ length: 12 }, (_, i) => board(basic(root.email, `wrong-${i}`), ip)),
      );
      await started(5);
      // Answered without a verification when the five slots are taken; otherwise after the release.
      const right = board(basic(root.email, TEST_PASSWORD), ip);
      await Promise.race([right, started(6)]);
      released = true;
      openGate();
      const statuses = (await wrong).map((r) => r.statusCode);
      expect((await right).statusCode).toBe(429);
      expect(count(statuses, 401)).toBe(5);
      expect(count(statuses, 429)).toBe(7);
      expect(verify).toHaveBeenCalledTimes(5);
    });

    it('stops accepting the old password at once when the superadmin changes it', async () => {
      const root = await createUser(tenantId, 'admin', { superadmin: true });
      const old = basic(root.email, TEST_PASSWORD);
      expect((await board(old)).statusCode).toBe(200);
      expect((await board(old)).statusCode).toBe(200);
      const session = await login(test.app, root);
      const changed = await test.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        payload: { currentPassword: TEST_PASSWORD, newPassword: 'A-new-board-password-2026' },
        headers: session.auth,
      });
      expect(changed.statusCode).toBe(200);
      const refused = await board(old);
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Basic realm="RenOS queues"/);
      expect((await board(basic(root.email, 'A-new-board-password-2026'))).statusCode).toBe(200);
    });

    it('stops accepting a remembered login at once when the user is deactivated or loses superadmin', async () => {
      for (const change of [{ active: false }, { isSuperadmin: false }]) {
        const root = await createUser(tenantId, 'admin', { superadmin: true });
        const credentials = basic(root.email, TEST_PASSWORD);
        expect((await board(credentials)).statusCode).toBe(200);
        await ownerDb().user.update({ where: { id: root.id }, data: change });
        expect((await board(credentials)).statusCode).toBe(401);
      }
    });

    it('stops accepting the old password at once when it is set by someone else (straight in the database)', async () => {
      const root = await createUser(tenantId, 'admin', { superadmin: true });
      const credentials = basic(root.email, TEST_PASSWORD);
      expect((await board(credentials)).statusCode).toBe(200);
      const hash = await test.app.get(PasswordService).hash('Someone-else-set-this-1');
      await ownerDb().user.update({ where: { id: root.id }, data: { passwordHash: hash } });
      expect((await board(credentials)).statusCode).toBe(401);
    });
  });
});
