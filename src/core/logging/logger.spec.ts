import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';
import winston from 'winston';

import { createWinston, redact, REDACTED, scrub } from './logger.js';
import type { AppConfig } from '../config/app-config.js';

/** The app's logger, writing its lines to `lines` instead of the console. */
function capturedLogger() {
  const lines: string[] = [];
  const logger = createWinston({ observability: { logLevel: 'info' } } as AppConfig);
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
  return { logger, lines };
}

describe('log redaction', () => {
  it('replaces secrets wherever they are nested', () => {
    expect(
      redact({
        password: 'hunter2',
        user: { email: 'a@b.dk', refreshToken: 'r' },
        headers: { authorization: 'Bearer x', 'x-twilio-signature': 's' },
        list: [{ apiKey: 'k' }],
      }),
    ).toEqual({
      password: REDACTED,
      user: { email: 'a@b.dk', refreshToken: REDACTED },
      headers: { authorization: REDACTED, 'x-twilio-signature': REDACTED },
      list: [{ apiKey: REDACTED }],
    });
  });

  it('never writes a secret field to the log line', () => {
    const { logger, lines } = capturedLogger();
    logger.info('login', { email: 'a@b.dk', password: 'hunter2', body: { newPassword: 'x-secret-x' } });
    expect(lines.join('')).toContain('a@b.dk');
    expect(lines.join('')).not.toContain('hunter2');
    expect(lines.join('')).not.toContain('x-secret-x');
  });

  it.each([
    ['a bearer token', 'Authorization: Bearer abc123.def-456, then more', 'abc123.def-456'],
    ['a Basic login', 'header Basic dXNlcjpodW50ZXIy was refused', 'dXNlcjpodW50ZXIy'],
    ['a ?token= query value', 'POST /api/webhooks/gmail?token=s3cr3t-value&x=1', 's3cr3t-value'],
    [
      'a refresh token in a form body',
      'grant_type=refresh_token&refresh_token=1//0gAbCdEfGhIjKlMnOp&client_secret=GOCSPX-abc',
      '0gAbCdEfGhIjKlMnOp',
    ],
    ['a client secret in a form body', 'client_id=x&client_secret=GOCSPX-abc123', 'GOCSPX-abc123'],
    ['a token quoted in JSON', 'Google said {"access_token":"ya29.a0AfH6SMB","x":1}', 'a0AfH6SMB'],
    [
      'a JWT quoted by a library',
      'Invalid token signature: eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl',
      'eyJhdWQiOiJ4In0',
    ],
    ['a Google access token', 'call with ya29.a0Ab-cD_ef failed', 'a0Ab-cD_ef'],
    ['a Twilio signature in a hand-built line', 'x-twilio-signature=Sig+abc/123= bad', 'Sig+abc/123='],
  ])('scrubs %s from text', (_, text, secret) => {
    expect(scrub(text)).not.toContain(secret);
    expect(scrub(text)).toContain(REDACTED);
  });

  it('leaves ordinary text alone', () => {
    for (const text of ['Twilio 20003: Authenticate', 'token rejected for tenant 42', 'Booking oprettet'])
      expect(scrub(text)).toBe(text);
  });

  it('scrubs a message built by hand and an error stack on the log line', () => {
    const { logger, lines } = capturedLogger();
    logger.warn(`Push rejected: Bearer not-a-jwt-but-secret`);
    logger.error('failed', { error: new Error('refresh_token=1//0gSecretSecret rejected') });
    const written = lines.join('');
    expect(written).toContain('Push rejected');
    expect(written).not.toContain('not-a-jwt-but-secret');
    expect(written).not.toContain('0gSecretSecret');
  });
});
