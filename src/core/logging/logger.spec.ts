import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';
import winston from 'winston';

import { createWinston, redact, REDACTED } from './logger.js';
import type { AppConfig } from '../config/app-config.js';

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
    logger.info('login', { email: 'a@b.dk', password: 'hunter2', body: { newPassword: 'x-secret-x' } });
    expect(lines.join('')).toContain('a@b.dk');
    expect(lines.join('')).not.toContain('hunter2');
    expect(lines.join('')).not.toContain('x-secret-x');
  });
});
