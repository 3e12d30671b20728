import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TWILIO_ROUTE_TTL_MS } from '../../src/sms/twilio-routes.js';
import { TwilioFake, type SignedWebhook } from '../fakes/twilio.fake.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';
import { newPhone } from '../support/http.js';

const PUBLIC_BASE_URL = 'https://renos.test';
const INBOUND_URL = `${PUBLIC_BASE_URL}/api/webhooks/twilio/sms`;

/**
 * The Twilio webhook remembers which tenant owns a number, and its token, for TWILIO_ROUTE_TTL_MS
 * (src/sms/twilio-routes.ts) instead of reading both for every text. What that must not change: a
 * rotated token and a moved number take effect at once, a deactivated tenant within the bound.
 */
describe('Twilio webhook routing', () => {
  const twilio = new TwilioFake();
  let test: TestApp;
  let tenant: TenantFixture;
  let admin: Session;
  let accountSid: string;
  let smsNumber: string;

  const storeToken = async (authToken: string) => {
    twilio.addAccount(accountSid, authToken);
    const stored = await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/twilio',
      headers: admin.auth,
      payload: { accountSid, authToken, phoneNumber: smsNumber },
    });
    expect(stored.statusCode).toBe(200);
  };

  const text = (number: string) =>
    twilio.inboundSms(INBOUND_URL, { accountSid, from: newPhone().e164, to: number, body: 'Hej' });

  const post = (webhook: SignedWebhook) =>
    test.app.inject({
      method: 'POST',
      url: webhook.path,
      headers: webhook.headers,
      payload: webhook.payload,
    });

  const recorded = (tenantId: string) => ownerDb().inboundEvent.count({ where: { tenantId } });

  beforeAll(async () => {
    await twilio.start();
    test = await bootTestApp({ env: { TWILIO_API_BASE_URL: twilio.url, PUBLIC_BASE_URL } });
    tenant = await createTenant('Routing Rengøring');
    smsNumber = `+4578${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
    await ownerDb().tenant.update({ where: { id: tenant.id }, data: { smsNumber } });
    admin = await signIn(test.app, tenant.id, 'admin');
    accountSid = `AC${tenant.id.replace(/-/g, '')}`;
    await storeToken(randomBytes(16).toString('hex'));
  });
  afterAll(async () => {
    await test?.close();
    await twilio.close();
  });

  it('verifies with a rotated token at once, and refuses the old one once the route is read again', async () => {
    const before = await recorded(tenant.id);
    expect((await post(text(smsNumber))).statusCode).toBe(200);
    // The admin rotates the token; Twilio signs with the new one from now on.
    const oldWebhook = text(smsNumber);
    await storeToken(randomBytes(16).toString('hex'));
    expect((await post(text(smsNumber))).statusCode).toBe(200);
    // The remembered route now holds the new token: the old one proves nothing.
    expect((await post(oldWebhook)).statusCode).toBe(403);
    expect(await recorded(tenant.id)).toBe(before + 2);
  });

  it('follows a number moved to another tenant at once', async () => {
    expect((await post(text(smsNumber))).statusCode).toBe(200);
    const other = await createTenant('Ny Ejer ApS');
    const otherAdmin = await signIn(test.app, other.id, 'admin');
    const otherToken = randomBytes(16).toString('hex');
    const otherSid = `AC${other.id.replace(/-/g, '')}`;
    twilio.addAccount(otherSid, otherToken);
    const movedNumber = smsNumber;
    await ownerDb().tenant.update({ where: { id: tenant.id }, data: { smsNumber: null } });
    await ownerDb().tenant.update({ where: { id: other.id }, data: { smsNumber: movedNumber } });
    const stored = await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/twilio',
      headers: otherAdmin.auth,
      payload: { accountSid: otherSid, authToken: otherToken, phoneNumber: movedNumber },
    });
    expect(stored.statusCode).toBe(200);
    const before = await recorded(other.id);
    const webhook = twilio.inboundSms(INBOUND_URL, {
      accountSid: otherSid,
      from: newPhone().e164,
      to: movedNumber,
      body: 'Hej',
    });
    expect((await post(webhook)).statusCode).toBe(200);
    expect(await recorded(other.id)).toBe(before + 1);
    // Give the number back for the next test.
    await ownerDb().tenant.update({ where: { id: other.id }, data: { smsNumber: null } });
    await ownerDb().tenant.update({ where: { id: tenant.id }, data: { smsNumber: movedNumber } });
  });

  it("stops recording a deactivated tenant's texts within the route's lifetime", async () => {
    expect((await post(text(smsNumber))).statusCode).toBe(200);
    await ownerDb().tenant.update({ where: { id: tenant.id }, data: { active: false } });
    try {
      const before = await recorded(tenant.id);
      test.clock.set(new Date(Date.now() + TWILIO_ROUTE_TTL_MS + 1_000));
      expect((await post(text(smsNumber))).statusCode).toBe(403);
      expect(await recorded(tenant.id)).toBe(before);
    } finally {
      test.clock.reset();
      await ownerDb().tenant.update({ where: { id: tenant.id }, data: { active: true } });
    }
  });
});
