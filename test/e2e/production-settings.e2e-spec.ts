import { Writable } from 'node:stream';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import winston from 'winston';

import { bootTestApp, type TestApp } from '../support/app.js';

/** A winston logger whose lines (level and message) land in `lines`. */
function capturingLogger(lines: Array<{ level: string; message: string }>): winston.Logger {
  return winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk, _encoding, done) {
            const line = JSON.parse(String(chunk)) as { level: string; message: string };
            lines.push({ level: line.level, message: String(line.message) });
            done();
          },
        }),
      }),
    ],
  });
}

const proxyWarnings = (lines: Array<{ level: string; message: string }>) =>
  lines.filter((line) => line.level === 'warn' && line.message.includes('TRUST_PROXY'));

describe('APP_ROLE=worker serves only health and metrics', () => {
  let test: TestApp;
  const lines: Array<{ level: string; message: string }> = [];

  beforeAll(async () => {
    test = await bootTestApp({
      env: { APP_ROLE: 'worker', TRUST_PROXY: '1' },
      logger: capturingLogger(lines),
    });
  });

  afterAll(async () => {
    await test?.close();
  });

  it.each(['/api/health', '/api/health/ready', '/api/metrics'])('answers GET %s', async (url) => {
    const response = await test.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['GET', '/api/leads'],
    ['POST', '/api/auth/login'],
    ['GET', '/api/docs'],
    ['GET', '/api/docs-json'],
    ['GET', '/api/admin/queues'],
    ['POST', '/api/webhooks/gmail'],
    ['POST', '/api/webhooks/twilio/sms'],
    ['GET', '/api/health/../leads'],
    ['GET', '/api/healthz'],
  ] as const)('answers %s %s with the 404 of an unknown route', async (method, url) => {
    const response = await test.app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      statusCode: 404,
      code: 'not_found',
      error: 'Not Found',
      message: expect.stringMatching(/^Cannot (GET|POST) \//),
      requestId: response.headers['x-request-id'],
    });
  });

  it('does not warn about X-Forwarded-For when TRUST_PROXY is set', async () => {
    await test.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxyWarnings(lines)).toEqual([]);
  });
});

describe('X-Forwarded-For with TRUST_PROXY off', () => {
  let test: TestApp;
  const lines: Array<{ level: string; message: string }> = [];

  beforeAll(async () => {
    test = await bootTestApp({ logger: capturingLogger(lines) });
  });

  afterAll(async () => {
    await test?.close();
  });

  beforeEach(() => {
    lines.length = 0;
  });

  it('warns once, naming TRUST_PROXY, from the first request that carries it', async () => {
    await test.app.inject({ method: 'GET', url: '/api/health' });
    expect(proxyWarnings(lines)).toEqual([]);

    for (const ip of ['203.0.113.9', '198.51.100.7', '203.0.113.9']) {
      const response = await test.app.inject({
        method: 'GET',
        url: '/api/health',
        headers: { 'x-forwarded-for': ip },
      });
      expect(response.statusCode).toBe(200);
    }
    const warnings = proxyWarnings(lines);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/X-Forwarded-For arrived but TRUST_PROXY is off/);
    // The header's value is the client's, not ours to log.
    expect(warnings[0]!.message).not.toContain('203.0.113.9');
  });

  it('keeps the socket address as the client IP (the header is not trusted)', async () => {
    const response = await test.app.inject({
      method: 'GET',
      url: '/api/leads',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    // The API is served (401 without a token), and no second warning is written.
    expect(response.statusCode).toBe(401);
    expect(proxyWarnings(lines)).toEqual([]);
  });
});
