import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import winston from 'winston';

import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/core/config/app-config.js';
import { createWinston } from '../../src/core/logging/logger.js';
import { PubSubPusher } from '../fakes/pubsub-pusher.js';
import { testEnvironment } from '../support/app.js';

const AUDIENCE = 'https://renos.test/api/webhooks/gmail';
const PUSH_ACCOUNT = 'gmail-push@renos-test.iam.gserviceaccount.com';
const SHARED_SECRET = `pubsub-shared-${randomUUID()}`;

/**
 * The app as production logs it (the same winston format, at debug level), with every line captured:
 * what a request carried as a credential must not be in any of them.
 */
describe('no credential in any log line', () => {
  let app: NestFastifyApplication;
  let pusher: PubSubPusher;
  const lines: string[] = [];

  beforeAll(async () => {
    pusher = new PubSubPusher();
    await pusher.start();
    const config = loadConfig(
      testEnvironment({
        LOG_LEVEL: 'debug',
        GOOGLE_CERTS_URL: pusher.certsUrl,
        GOOGLE_PUBSUB_AUDIENCE: AUDIENCE,
        GOOGLE_PUBSUB_SERVICE_ACCOUNT: PUSH_ACCOUNT,
        GOOGLE_PUBSUB_TOKEN: SHARED_SECRET,
      }),
    );
    const logger = createWinston(config);
    logger.clear().add(
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk, _encoding, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      }),
    );
    app = await createApp(config, { logger });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    await pusher?.close();
  });

  beforeEach(() => {
    lines.length = 0;
  });

  const push = (headers: Record<string, string>, query = '') =>
    app.inject({
      method: 'POST',
      url: `/api/webhooks/gmail${query}`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(pusher.body({ emailAddress: 'info@example.dk', historyId: 1 })),
    });

  /** The token and every part of it long enough to matter: a library may quote just a segment. */
  const pieces = (token: string) => [token, ...token.split('.').filter((part) => part.length >= 8)];

  const logged = () => lines.join('');

  it.each([
    ['a bearer that is no JWT', () => `not-a-jwt-${randomUUID()}`],
    ['a JWT with three unreadable segments', () => `${'A'.repeat(24)}.${'B'.repeat(24)}.${'C'.repeat(24)}`],
    [
      'a JWT signed by someone else',
      () => pusher.signJwt({ audience: AUDIENCE, serviceAccountEmail: PUSH_ACCOUNT }, 'signature'),
    ],
    [
      'a JWT for another audience',
      () => pusher.signJwt({ audience: AUDIENCE, serviceAccountEmail: PUSH_ACCOUNT }, 'audience'),
    ],
    [
      'an expired JWT',
      () => pusher.signJwt({ audience: AUDIENCE, serviceAccountEmail: PUSH_ACCOUNT }, 'expired'),
    ],
  ])('keeps %s out of the log when the push is refused', async (_, token) => {
    const bearer = token();
    const response = await push({ authorization: `Bearer ${bearer}` });
    expect(response.statusCode).toBe(401);
    // The refusal itself is logged (so the test reads the lines the token would have been in).
    expect(logged()).toContain('Pub/Sub push token rejected');
    for (const piece of pieces(bearer)) expect(logged()).not.toContain(piece);
  });

  it('keeps a wrong ?token= out of the log', async () => {
    const wrong = `wrong-shared-${randomUUID()}`;
    const response = await push({}, `?token=${wrong}`);
    expect(response.statusCode).toBe(401);
    expect(logged()).toContain('"status":401');
    expect(logged()).not.toContain(wrong);
  });

  it('keeps a refused refresh token and a wrong password out of the log', async () => {
    const refreshToken = `refresh-${randomUUID()}`;
    const password = `password-${randomUUID()}`;
    expect(
      (await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } })).statusCode,
    ).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: 'nobody@example.dk', password },
          // Its own address: the run's fixtures log in from 127.0.0.1, under the per-IP limit.
          remoteAddress: '10.0.5.1',
        })
      ).statusCode,
    ).toBe(401);
    expect(logged()).toContain('"status":401');
    expect(logged()).not.toContain(refreshToken);
    expect(logged()).not.toContain(password);
  });

  it('keeps a Twilio signature out of the log', async () => {
    const signature = `c2lnbmF0dXJl-${randomUUID()}`;
    const response = await app.inject({
      method: 'POST',
      url: '/api/webhooks/twilio/sms',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      payload: 'From=%2B4526000000&To=%2B4599999999&Body=JA&MessageSid=SM1',
    });
    expect(response.statusCode).toBe(403);
    expect(logged()).toContain('Twilio webhook');
    expect(logged()).not.toContain(signature);
  });
});
