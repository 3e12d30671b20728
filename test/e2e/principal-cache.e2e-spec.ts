import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PRINCIPAL_TTL_MS } from '../../src/auth/principal-cache.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';

/**
 * The guard remembers who an access token's session is for PRINCIPAL_TTL_MS (src/auth/principal-cache.ts)
 * instead of asking the database on every request. The bound it documents: what this instance does
 * ends access at once; a change it is not told of (another instance, a row changed by hand) within
 * PRINCIPAL_TTL_MS.
 */
describe('Principal cache', () => {
  let test: TestApp;
  let tenant: TenantFixture;
  let admin: Session;

  const get = (session: Session, url = '/api/auth/me') =>
    test.app.inject({ method: 'GET', url, headers: session.auth });
  const renameTenant = (session: Session) =>
    test.app.inject({
      method: 'PATCH',
      url: '/api/tenant',
      headers: session.auth,
      payload: { name: 'Cache ApS' },
    });
  /** Past the bound, as far as the app can tell. */
  const afterTheBound = () => test.clock.set(new Date(Date.now() + PRINCIPAL_TTL_MS + 1_000));

  beforeAll(async () => {
    test = await bootTestApp();
    tenant = await createTenant('Cache Rengøring');
    admin = await signIn(test.app, tenant.id, 'admin');
  });
  afterAll(async () => {
    await test?.close();
  });

  it('ends a session revoked elsewhere within the bound', async () => {
    const session = await signIn(test.app, tenant.id, 'manager');
    expect((await get(session)).statusCode).toBe(200);
    // As another instance's logout would: the session ends in the database only.
    await ownerDb().refreshToken.updateMany({
      where: { userId: session.user.id },
      data: { revokedAt: new Date() },
    });
    try {
      afterTheBound();
      expect((await get(session)).statusCode).toBe(401);
    } finally {
      test.clock.reset();
    }
  });

  it('ends a membership removed by hand within the bound', async () => {
    const session = await signIn(test.app, tenant.id, 'staff');
    expect((await get(session)).statusCode).toBe(200);
    await ownerDb().membership.deleteMany({ where: { userId: session.user.id, tenantId: tenant.id } });
    try {
      afterTheBound();
      expect((await get(session)).statusCode).toBe(401);
    } finally {
      test.clock.reset();
    }
  });

  it('ends a logout, a removal and a deactivation in this instance at once', async () => {
    const loggedOut = await signIn(test.app, tenant.id, 'manager');
    expect((await get(loggedOut)).statusCode).toBe(200);
    const logout = await test.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: loggedOut.auth,
      payload: { refreshToken: loggedOut.refreshToken },
    });
    expect(logout.statusCode).toBeLessThan(300);
    expect((await get(loggedOut)).statusCode).toBe(401);

    const removed = await signIn(test.app, tenant.id, 'staff');
    expect((await get(removed)).statusCode).toBe(200);
    const removal = await test.app.inject({
      method: 'DELETE',
      url: `/api/users/${removed.user.id}`,
      headers: admin.auth,
    });
    expect(removal.statusCode).toBeLessThan(300);
    expect((await get(removed)).statusCode).toBe(401);

    const deactivated = await signIn(test.app, tenant.id, 'viewer');
    expect((await get(deactivated)).statusCode).toBe(200);
    const patch = await test.app.inject({
      method: 'PATCH',
      url: `/api/users/${deactivated.user.id}`,
      headers: admin.auth,
      payload: { active: false },
    });
    expect(patch.statusCode).toBe(200);
    expect((await get(deactivated)).statusCode).toBe(401);
  });

  it('applies a role changed in this instance on the next request', async () => {
    const member = await signIn(test.app, tenant.id, 'admin');
    expect((await renameTenant(member)).statusCode).toBe(200);
    const demote = await test.app.inject({
      method: 'PATCH',
      url: `/api/users/${member.user.id}`,
      headers: admin.auth,
      payload: { role: 'viewer' },
    });
    expect(demote.statusCode).toBe(200);
    expect((await renameTenant(member)).statusCode).toBe(403);
  });
});
