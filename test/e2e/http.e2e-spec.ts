import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { bootTestApp, type TestApp } from '../support/app.js';
import { ProbeModule } from '../support/probe.module.js';

describe('HTTP basics', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await bootTestApp({
      extraModules: [ProbeModule],
      env: { BODY_LIMIT_BYTES: '4096', CORS_ORIGINS: 'https://app.rendetalje.dk' },
    });
  });
  afterAll(async () => {
    await test?.close();
  });

  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    test.app.inject({ method: 'POST', url, payload: payload as string, headers });

  it('answers an unknown route with the 404 envelope and the request id', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/api/no-such-route' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      statusCode: 404,
      code: 'not_found',
      error: 'Not Found',
      message: 'Cannot GET /api/no-such-route',
      requestId: response.headers['x-request-id'],
    });
  });

  it('keeps a sane incoming X-Request-Id and replaces an unsafe one', async () => {
    const kept = await test.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'trace-42.a' },
    });
    expect(kept.headers['x-request-id']).toBe('trace-42.a');
    const replaced = await test.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'evil\u0000id with spaces' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names each bad field in a 400', async () => {
    const response = await post('/api/probe/echo', { name: 'x', count: 99, email: 'not-an-email' });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      requestId: response.headers['x-request-id'],
    });
    const fields = (body.details as Array<{ field: string; message: string }>).map((detail) => detail.field);
    expect(new Set(fields)).toEqual(new Set(['name', 'count', 'email']));
    expect(body.message).toContain('name');
  });

  it('refuses a property the DTO does not have, naming it (a body cannot set tenantId)', async () => {
    const response = await post('/api/probe/echo', {
      name: 'Jens',
      count: 1,
      email: 'jens@example.dk',
      tenantId: 'x',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([{ field: 'tenantId', message: 'tenantId is not allowed' }]);
  });

  it('accepts a valid body', async () => {
    const response = await post('/api/probe/echo', { name: 'Jens', count: 2, email: 'jens@example.dk' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'Jens', count: 2, email: 'jens@example.dk' });
  });

  it('answers malformed JSON with 400 and a too large body with 413, in the envelope', async () => {
    const malformed = await post('/api/probe/echo', '{"name":', { 'content-type': 'application/json' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      statusCode: 400,
      code: 'invalid_json',
      error: 'Bad Request',
      requestId: expect.any(String),
    });

    const large = await post('/api/probe/echo', { name: 'x'.repeat(10_000), count: 1, email: 'a@b.dk' });
    expect(large.statusCode).toBe(413);
    expect(large.json()).toMatchObject({
      statusCode: 413,
      code: 'payload_too_large',
      error: 'Payload Too Large',
      requestId: expect.any(String),
    });
  });

  it('maps a unique violation (P2002) to 409 without SQL in the body', async () => {
    const response = await post('/api/probe/duplicate-tenant');
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringContaining('slug'),
    });
    expect(response.body).not.toMatch(/INSERT|SELECT|prisma|constraint "/i);
  });

  it('maps a missing record (P2025) to 404', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/api/probe/missing-tenant' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it("maps the bookings exclusion constraint (23P01) to 409 naming the team's booking", async () => {
    const response = await post('/api/probe/overlapping-bookings');
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: 'The team already has a booking at that time',
    });
  });

  it('hides the internals of an unexpected error behind a 500 with the request id', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/api/probe/crash' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      statusCode: 500,
      code: 'internal_error',
      error: 'Internal Server Error',
      message: 'Internal server error',
      requestId: response.headers['x-request-id'],
    });
    expect(response.body).not.toContain('hunter2');
  });

  it('sets security headers and allows only the configured CORS origins', async () => {
    const allowed = await test.app.inject({
      method: 'OPTIONS',
      url: '/api/health',
      headers: { origin: 'https://app.rendetalje.dk', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.rendetalje.dk');
    const other = await test.app.inject({
      method: 'OPTIONS',
      url: '/api/health',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const plain = await test.app.inject({ method: 'GET', url: '/api/health' });
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    expect(plain.headers['strict-transport-security']).toBeDefined();
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const json = await test.app.inject({ method: 'GET', url: '/api/docs-json' });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({
      openapi: expect.stringMatching(/^3\./),
      info: { title: 'RenOS API' },
    });
    expect(Object.keys(json.json().paths)).toContain('/api/health/ready');
    const ui = await test.app.inject({ method: 'GET', url: '/api/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('ships a Postman collection with every operation of the OpenAPI document (`npm run openapi` renews it)', async () => {
    const paths = (await test.app.inject({ method: 'GET', url: '/api/docs-json' })).json().paths as Record<
      string,
      Record<string, unknown>
    >;
    // The probe routes exist only in this test's app.
    const operations = Object.entries(paths)
      .filter(([path]) => !path.startsWith('/api/probe'))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
    interface Item {
      item?: Item[];
      request?: { method: string; url: { path: string[] } };
    }
    const collection = JSON.parse(readFileSync('renos.postman_collection.json', 'utf8')) as { item: Item[] };
    const requests = (items: Item[]): string[] =>
      items.flatMap((item) =>
        item.item ? requests(item.item) : [`${item.request!.method} /${item.request!.url.path.join('/')}`],
      );
    expect(new Set(requests(collection.item))).toEqual(new Set(operations));
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past RATE_LIMIT_PER_MINUTE per IP, in the envelope', async () => {
    const limited = await bootTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '3', QUEUE_PREFIX: `${inject('queuePrefix')}-rl` },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        statuses.push(
          (await limited.app.inject({ method: 'GET', url: '/api/health', remoteAddress: '10.9.8.7' }))
            .statusCode,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const blocked = await limited.app.inject({
        method: 'GET',
        url: '/api/health',
        remoteAddress: '10.9.8.7',
      });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(blocked.json()).toMatchObject({
        statusCode: 429,
        code: 'too_many_requests',
        error: 'Too Many Requests',
        requestId: expect.any(String),
      });
      // X-Forwarded-For is not trusted by default: a client cannot pick a fresh IP per request.
      const spoofed = await limited.app.inject({
        method: 'GET',
        url: '/api/health',
        remoteAddress: '10.9.8.7',
        headers: { 'x-forwarded-for': '8.8.8.8' },
      });
      expect(spoofed.statusCode).toBe(429);
      // Another IP has its own allowance.
      expect(
        (await limited.app.inject({ method: 'GET', url: '/api/health', remoteAddress: '10.9.8.8' }))
          .statusCode,
      ).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
