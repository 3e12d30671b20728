import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bootTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { createTenant, ownerDb } from '../support/fixtures.js';
import { PrivateRedis } from '../support/redis-server.js';

describe('health', () => {
  let redis: PrivateRedis;
  let test: TestApp;

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    await redis.start();
    test = await bootTestApp({ env: { REDIS_URL: redis.url } });
  });

  afterAll(async () => {
    await test?.close();
    await redis?.stop();
  });

  it('reports integrations that need an admin without becoming unready', async () => {
    const tenant = await createTenant('Klar ApS');
    // Ready first: the app's Redis connection to the private server may still be opening.
    const ready = () =>
      eventually(
        async () => {
          const response = await test.app.inject({ method: 'GET', url: '/api/health/ready' });
          return response.statusCode === 200 ? response : undefined;
        },
        { what: 'a ready answer' },
      );
    const count = async () =>
      ((await ready()).json() as { integrations: { needsAttention: Record<string, number> } }).integrations
        .needsAttention.billy ?? 0;
    const before = await count();
    await ownerDb().integrationAccount.create({
      data: {
        tenantId: tenant.id,
        provider: 'billy',
        needsAttention: true,
        lastErrorCode: 'credentials_rejected',
      },
    });
    const answer = await ready();
    expect(answer.json()).toMatchObject({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    // Other test files' tenants count too: this one adds one.
    expect(await count()).toBeGreaterThanOrEqual(before + 1);
    expect(answer.body).not.toContain(tenant.id);
  });

  it('answers liveness without checking anything', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('is ready while PostgreSQL and Redis answer, 503 naming Redis while it is away, and ready again after', async () => {
    const ready = await test.app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', checks: { database: 'up', redis: 'up' } });

    await redis.stop();
    const down = await test.app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringContaining('redis'),
      details: { checks: { database: 'up', redis: 'down' } },
      requestId: down.headers['x-request-id'],
    });
    // The app keeps serving what does not need Redis.
    expect((await test.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);

    await redis.start();
    await expect
      .poll(async () => (await test.app.inject({ method: 'GET', url: '/api/health/ready' })).statusCode, {
        timeout: 15_000,
        interval: 200,
      })
      .toBe(200);
  });

  it('serves Prometheus metrics with request latency by route and queue depth', async () => {
    await test.app.inject({ method: 'GET', url: '/api/health' });
    const response = await test.app.inject({ method: 'GET', url: '/api/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(
      /renos_http_request_duration_seconds_count\{method="GET",route="\/api\/health",status_code="200"\} \d+/,
    );
    expect(response.body).toMatch(/renos_queue_jobs\{queue="maintenance",state="waiting"\} \d+/);
    expect(response.body).toMatch(/renos_outbox_backlog \d+/);
    // Node's own, under the names ready-made dashboards read.
    expect(response.body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(response.body).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
  });

  it('asks for METRICS_TOKEN when it is set', async () => {
    const guarded = await bootTestApp({ env: { REDIS_URL: redis.url, METRICS_TOKEN: 'scrape-secret' } });
    try {
      const without = await guarded.app.inject({ method: 'GET', url: '/api/metrics' });
      expect(without.statusCode).toBe(401);
      const withToken = await guarded.app.inject({
        method: 'GET',
        url: '/api/metrics',
        headers: { authorization: 'Bearer scrape-secret' },
      });
      expect(withToken.statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
