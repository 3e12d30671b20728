import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, createUser, ownerDb, TEST_PASSWORD } from '../support/fixtures.js';

const basic = (email: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`,
});

describe('Bull Board at /api/admin/queues', () => {
  let test: TestApp;
  let superadmin: { email: string };
  let admin: { email: string };

  beforeAll(async () => {
    test = await bootTestApp();
    const tenant = await createTenant('Board');
    superadmin = await createUser(tenant.id, 'admin', { superadmin: true });
    admin = await createUser(tenant.id, 'admin');
  });

  afterAll(async () => {
    await test?.close();
  });

  it('asks a browser for a login: 401 with WWW-Authenticate, for no, wrong or non-superadmin credentials', async () => {
    for (const headers of [
      {},
      basic(superadmin.email, 'wrong-password'),
      basic(admin.email, TEST_PASSWORD),
    ]) {
      const response = await test.app.inject({ method: 'GET', url: '/api/admin/queues', headers });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm="RenOS queues"/);
      expect(response.body).not.toContain('bull');
    }
    const api = await test.app.inject({ method: 'GET', url: '/api/admin/queues/api/queues' });
    expect(api.statusCode).toBe(401);
  });

  it('shows every queue to a superadmin', async () => {
    const page = await test.app.inject({
      method: 'GET',
      url: '/api/admin/queues',
      headers: basic(superadmin.email, TEST_PASSWORD),
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await test.app.inject({
      method: 'GET',
      url: '/api/admin/queues/api/queues?activeQueue=&page=1&jobsPerPage=10',
      headers: basic(superadmin.email, TEST_PASSWORD),
    });
    expect(api.statusCode).toBe(200);
    const names = (api.json().queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual(['billing', 'calendar', 'email', 'intake', 'maintenance', 'sms']);
  });

  it('records a failed board login like a failed login', async () => {
    await test.app.inject({
      method: 'GET',
      url: '/api/admin/queues',
      headers: basic(admin.email, TEST_PASSWORD),
    });
    const failures = await ownerDb().auditLog.count({
      where: { action: 'login_failed', metadata: { path: ['reason'], equals: 'queue_board' } },
    });
    expect(failures).toBeGreaterThan(0);
  });
});
