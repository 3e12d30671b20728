import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { AppConfig } from '../../src/core/config/app-config.js';
import { IntegrationError } from '../../src/integrations/integration-error.js';
import { TwilioSmsSender } from '../../src/integrations/twilio/twilio.client.js';
import { deliverWebhook, TwilioFake } from '../fakes/twilio.fake.js';

// The fake driven through the real twilio SDK, pointed at it the way the app is (TWILIO_API_BASE_URL
// → client.api.baseUrl), and its webhooks checked with the SDK's own validator.

const ACCOUNT = { accountSid: `AC${'1'.repeat(32)}`, authToken: 'fake-auth-token' };
const FROM = '+4570000000';
const TO = '+4526123456';

async function rejection(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (error) {
    return error as IntegrationError;
  }
  throw new Error('expected the send to fail');
}

describe('Twilio fake with the real SDK', () => {
  const fake = new TwilioFake({ [ACCOUNT.accountSid]: ACCOUNT.authToken });
  let sender: TwilioSmsSender;

  beforeAll(async () => {
    await fake.start();
    sender = new TwilioSmsSender({ twilio: { apiBaseUrl: fake.url } } as unknown as AppConfig);
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('creates a message: 201, snake_case resource, segments, the StatusCallback kept', async () => {
    const sent = await sender.send(ACCOUNT, {
      to: TO,
      from: FROM,
      body: 'a'.repeat(200),
      statusCallback: 'https://renos.example/api/webhooks/twilio/status',
    });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent).toMatchObject({ status: 'queued', segments: 2 });
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({
      sid: sent.sid,
      to: TO,
      from: FROM,
      statusCallback: 'https://renos.example/api/webhooks/twilio/status',
    });
  });

  it('counts UCS-2 segments for a text outside GSM-7', async () => {
    const sent = await sender.send(ACCOUNT, { to: TO, from: FROM, body: '😊'.repeat(40) });
    expect(sent.segments).toBe(2);
  });

  it('maps Twilio errors: 21610 opted out, 20003 needs attention, 5xx retry, 21211 give up', async () => {
    fake.unsubscribed.add(TO);
    const optedOut = await rejection(sender.send(ACCOUNT, { to: TO, from: FROM, body: 'Hej' }));
    expect(optedOut).toBeInstanceOf(IntegrationError);
    expect(optedOut).toMatchObject({
      provider: 'Twilio',
      kind: 'opted_out',
      vendorCode: 21610,
      httpStatus: 400,
    });

    const badToken = await rejection(
      sender.send({ ...ACCOUNT, authToken: 'wrong' }, { to: TO, from: FROM, body: 'Hej' }),
    );
    expect(badToken).toMatchObject({ kind: 'needs_attention', vendorCode: 20003, httpStatus: 401 });

    fake.failNext(500, 20500, 'Internal Server Error');
    const outage = await rejection(sender.send(ACCOUNT, { to: '+4528123456', from: FROM, body: 'Hej' }));
    expect(outage).toMatchObject({ kind: 'retry', vendorCode: 20500, httpStatus: 500 });

    const invalid = await rejection(sender.send(ACCOUNT, { to: '12', from: FROM, body: 'Hej' }));
    expect(invalid).toMatchObject({ kind: 'give_up', vendorCode: 21211 });
    expect(fake.messages).toHaveLength(0);
  });

  it('maps an unreachable Twilio to retry', async () => {
    const offline = new TwilioSmsSender({
      twilio: { apiBaseUrl: 'http://127.0.0.1:9' },
    } as unknown as AppConfig);
    const error = await rejection(offline.send(ACCOUNT, { to: TO, from: FROM, body: 'Hej' }));
    expect(error).toMatchObject({ kind: 'retry' });
  });

  it('signs inbound and status webhooks as Twilio does; the SDK validator agrees, and refuses forgeries', async () => {
    const url = 'https://renos.example/api/webhooks/twilio/sms';
    const inbound = fake.inboundSms(url, {
      accountSid: ACCOUNT.accountSid,
      from: TO,
      to: FROM,
      body: 'nr. 2 😊',
    });
    const signature = inbound.headers['x-twilio-signature']!;
    expect(inbound.params).toMatchObject({
      From: TO,
      To: FROM,
      Body: 'nr. 2 😊',
      AccountSid: ACCOUNT.accountSid,
    });
    expect(Object.fromEntries(new URLSearchParams(inbound.payload))).toEqual(inbound.params);
    expect(sender.validSignature(ACCOUNT.authToken, signature, url, inbound.params)).toBe(true);
    expect(sender.validSignature('other-token', signature, url, inbound.params)).toBe(false);
    expect(sender.validSignature(ACCOUNT.authToken, signature, url, { ...inbound.params, Body: '1' })).toBe(
      false,
    );
    expect(sender.validSignature(ACCOUNT.authToken, signature, `${url}?x=1`, inbound.params)).toBe(false);

    const sent = await sender.send(ACCOUNT, {
      to: TO,
      from: FROM,
      body: 'Hej',
      statusCallback: 'https://renos.example/api/webhooks/twilio/status',
    });
    const callback = fake.statusCallback(sent.sid, 'undelivered', { errorCode: 30003 });
    expect(callback.path).toBe('/api/webhooks/twilio/status');
    expect(callback.params).toMatchObject({
      MessageSid: sent.sid,
      MessageStatus: 'undelivered',
      ErrorCode: '30003',
    });
    expect(
      sender.validSignature(
        ACCOUNT.authToken,
        callback.headers['x-twilio-signature']!,
        callback.url,
        callback.params,
      ),
    ).toBe(true);
  });

  it('delivers a signed webhook over HTTP to a running app, signed for the public URL', async () => {
    const received: { url?: string; signature?: string; body?: string } = {};
    const app = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        Object.assign(received, { url: req.url, signature: req.headers['x-twilio-signature'], body });
        res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const publicUrl = 'https://renos.example/api/webhooks/twilio/sms';
      const webhook = fake.inboundSms(publicUrl, {
        accountSid: ACCOUNT.accountSid,
        from: TO,
        to: FROM,
        body: '1',
      });
      const answer = await deliverWebhook(webhook, `http://127.0.0.1:${(app.address() as AddressInfo).port}`);
      expect(answer).toEqual({ status: 200, body: '<Response/>' });
      expect(received.url).toBe('/api/webhooks/twilio/sms');
      const params = Object.fromEntries(new URLSearchParams(received.body));
      expect(sender.validSignature(ACCOUNT.authToken, received.signature!, publicUrl, params)).toBe(true);
    } finally {
      await new Promise((resolve) => app.close(resolve));
    }
  });
});
