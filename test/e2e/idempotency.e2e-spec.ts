import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PruneProcessor } from '../../src/core/queue/maintenance/prune.processor.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';

/** Idempotency-Key on the POSTs that create: a retried request creates one row and gets the same answer. */
describe('Idempotency-Key', () => {
  let test: TestApp;
  let tenant: TenantFixture;
  let admin: Session;

  beforeAll(async () => {
    test = await bootTestApp();
    test.clock.set(new Date('2027-03-02T09:00:00Z'));
    tenant = await createTenant('Gentagelse ApS');
    admin = await signIn(test.app, tenant.id, 'admin');
  });

  afterAll(async () => {
    await test?.close();
  });

  const lead = (email: string) => ({
    customerName: 'Ida Ærø',
    customerEmail: email,
    serviceType: 'Hovedrengøring',
    address: 'Nørregade 3',
    postalCode: '8000',
    city: 'Aarhus C',
    estimatedHours: 3,
  });

  const postLead = (session: Session, key: string | undefined, payload: object) =>
    test.app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: { ...session.auth, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload,
    });

  const leadsWith = (tenantId: string, email: string) =>
    ownerDb().lead.count({ where: { tenantId, customerEmail: email } });

  it('the same key and body twice: one lead, the same status and body, the second marked as replayed', async () => {
    const key = randomUUID();
    const email = `gentag-${key}@example.dk`;
    const first = await postLead(admin, key, lead(email));
    const second = await postLead(admin, key, lead(email));
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect(await leadsWith(tenant.id, email)).toBe(1);
  });

  it('the same key with another body is refused with 422 naming the header, and creates nothing', async () => {
    const key = randomUUID();
    expect((await postLead(admin, key, lead(`a-${key}@example.dk`))).statusCode).toBe(201);
    const other = await postLead(admin, key, lead(`b-${key}@example.dk`));
    expect(other.statusCode).toBe(422);
    expect(other.json().message).toContain('Idempotency-Key');
    expect(await leadsWith(tenant.id, `b-${key}@example.dk`)).toBe(0);
  });

  it('a malformed key answers 400 naming the header', async () => {
    for (const key of ['x'.repeat(256), 'nøgle', ' ']) {
      const response = await postLead(admin, key, lead(`bad-${randomUUID()}@example.dk`));
      expect(response.statusCode, key).toBe(400);
      expect(response.json().message).toContain('Idempotency-Key');
    }
  });

  it('ten concurrent requests with one key create exactly one lead; the others get 409 or the replay', async () => {
    const key = randomUUID();
    const email = `samtidig-${key}@example.dk`;
    const responses = await Promise.all(Array.from({ length: 10 }, () => postLead(admin, key, lead(email))));
    const created = responses.filter((r) => r.statusCode === 201 && !r.headers['idempotent-replayed']);
    const others = responses.filter((r) => !created.includes(r));
    expect(created).toHaveLength(1);
    for (const response of others) {
      if (response.statusCode === 409) expect(response.json().message).toContain('Idempotency-Key');
      else {
        expect(response.statusCode).toBe(201);
        expect(response.headers['idempotent-replayed']).toBe('true');
        expect(response.json()).toEqual(created[0]!.json());
      }
    }
    expect(await leadsWith(tenant.id, email)).toBe(1);
  });

  it('a failed attempt keeps nothing: the retry with the key runs again', async () => {
    const key = randomUUID();
    const email = `rettet-${key}@example.dk`;
    const invalid = await postLead(admin, key, { ...lead(email), estimatedHours: 'tre' });
    expect(invalid.statusCode).toBe(400);
    // The same key, the request corrected: nothing was stored for the failed attempt.
    const fixed = await postLead(admin, key, lead(email));
    expect(fixed.statusCode).toBe(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
    expect(await leadsWith(tenant.id, email)).toBe(1);
  });

  it("keys belong to a tenant and user: another tenant's same key is independent", async () => {
    const other = await createTenant('Andet Firma ApS');
    const otherAdmin = await signIn(test.app, other.id, 'admin');
    const key = randomUUID();
    const email = `delt-${key}@example.dk`;
    expect((await postLead(admin, key, lead(email))).statusCode).toBe(201);
    const theirs = await postLead(otherAdmin, key, lead(email));
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(await leadsWith(tenant.id, email)).toBe(1);
    expect(await leadsWith(other.id, email)).toBe(1);
  });

  it('a key expires after 24 hours: it is reusable and the daily prune deletes it', async () => {
    const key = randomUUID();
    expect((await postLead(admin, key, lead(`gammel-${key}@example.dk`))).statusCode).toBe(201);
    const stored = () => ownerDb().idempotencyKey.count({ where: { tenantId: tenant.id, key } });
    expect(await stored()).toBe(1);

    const start = test.clock.now();
    test.clock.set(new Date(start.getTime() + 23 * 3600_000));
    await test.app.get(PruneProcessor).handle({ retentionDays: 30 });
    expect(await stored()).toBe(1);

    test.clock.set(new Date(start.getTime() + 25 * 3600_000));
    // Expired, so another body under the key is a new request, not a 422.
    const reused = await postLead(admin, key, lead(`ny-${key}@example.dk`));
    expect(reused.statusCode).toBe(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();

    test.clock.set(new Date(start.getTime() + 50 * 3600_000));
    await test.app.get(PruneProcessor).handle({ retentionDays: 30 });
    expect(await stored()).toBe(0);
  });

  it('a manual SMS retried with its key is recorded, and so sent, once', async () => {
    const created = await postLead(admin, undefined, {
      ...lead(`sms-${randomUUID()}@example.dk`),
      customerPhone: '+4520304050',
    });
    expect(created.statusCode).toBe(201);
    const leadId = created.json().id as string;
    const key = randomUUID();
    const send = () =>
      test.app.inject({
        method: 'POST',
        url: '/api/sms',
        headers: { ...admin.auth, 'idempotency-key': key },
        payload: { leadId, body: 'Hej Ida. Vi er der ca. kl. 10:30.' },
      });
    const first = await send();
    const retry = await send();
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    expect(
      await ownerDb().smsMessage.count({ where: { tenantId: tenant.id, leadId, direction: 'outbound' } }),
    ).toBe(1);
  });

  it('without the header a POST behaves as before: two requests, two leads', async () => {
    const email = `uden-${randomUUID()}@example.dk`;
    expect((await postLead(admin, undefined, lead(email))).statusCode).toBe(201);
    expect((await postLead(admin, undefined, lead(email))).statusCode).toBe(201);
    expect(await leadsWith(tenant.id, email)).toBe(2);
  });

  it('the OpenAPI document describes the header on the creating routes', async () => {
    const document = (await test.app.inject({ method: 'GET', url: '/api/docs-json' })).json();
    const headerOn = (path: string) =>
      (document.paths[path].post.parameters as Array<{ name: string; in: string }>).some(
        (p) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
    for (const path of [
      '/api/leads',
      '/api/sms',
      '/api/bookings',
      '/api/invoices',
      '/api/users',
      '/api/teams',
      '/api/tenants',
    ])
      expect(headerOn(path), path).toBe(true);
  });
});
