import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startErrorReporting, stopErrorReporting } from '../../src/core/logging/error-reporter.js';
import { bootTestApp, recordingLogger, type TestApp } from '../support/app.js';
import { upcomingLocal } from '../support/clock.js';
import { eventually } from '../support/eventually.js';
import { createLead } from '../support/factories.js';
import { createTenant, signIn, type TenantFixture } from '../support/fixtures.js';

const PUSH_TOKEN = `obs-push-${randomUUID()}`;

/** The envelopes a Sentry client posts to its DSN's project, as Sentry's ingest endpoint receives them. */
class FakeSentry {
  readonly envelopes: string[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const gzipped = request.headers['content-encoding'] === 'gzip';
      this.envelopes.push((gzipped ? gunzipSync(body) : body).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://publickey@127.0.0.1:${port}/1`;
  }

  /** The error events received, each as its JSON item (an envelope is header, item header, item). */
  events(): Array<{ exception?: { values?: Array<{ value?: string }> }; tags?: Record<string, string> }> {
    return this.envelopes.flatMap((envelope) => {
      const lines = envelope.split('\n');
      const items = [];
      for (let i = 1; i + 1 < lines.length; i += 2) {
        const header = JSON.parse(lines[i]!) as { type?: string };
        if (header.type === 'event') items.push(JSON.parse(lines[i + 1]!));
      }
      return items;
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * What an operator reads when something goes wrong (issue 16, step 5): request lines at `info`, every
 * line a request or a job writes carrying its request id, tenant and job, and Sentry told about a job
 * that gave up, with what names it and nothing of its payload.
 */
describe('observability', () => {
  let test: TestApp;
  let tenant: TenantFixture;
  let sentry: FakeSentry;
  const written: string[] = [];
  const logged = () => written.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    sentry = new FakeSentry();
    await startErrorReporting(await sentry.start(), 'test');
    const env = { LOG_LEVEL: 'info', GOOGLE_PUBSUB_TOKEN: PUSH_TOKEN };
    // The production logger (format, redaction, context), writing into `written`.
    const logger = recordingLogger(env, written);
    test = await bootTestApp({ env, logger });
    tenant = await createTenant('Observerbar ApS');
  });

  afterAll(async () => {
    await test?.close();
    await stopErrorReporting(1_000);
    await sentry?.close();
  });

  it('logs each request at info with its request id and tenant', async () => {
    const admin = await signIn(test.app, tenant.id, 'admin');
    const requestId = `obs-${randomUUID()}`;
    const response = await test.app.inject({
      method: 'GET',
      url: '/api/leads',
      headers: { authorization: `Bearer ${admin.accessToken}`, 'x-request-id': requestId },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toBe(requestId);
    const line = await eventually(
      () => logged().find((l) => l.message === 'request' && l.requestId === requestId),
      {
        what: 'the request line',
      },
    );
    expect(line).toMatchObject({ level: 'info', route: '/api/leads', status: 200, tenantId: tenant.id });
  });

  it('puts the request id on a line written while handling the request', async () => {
    const requestId = `obs-${randomUUID()}`;
    const response = await test.app.inject({
      method: 'POST',
      url: `/api/webhooks/gmail?token=${PUSH_TOKEN}`,
      headers: { 'x-request-id': requestId },
      payload: { message: { data: 'not base64 json' } },
    });
    expect(response.statusCode).toBeLessThan(300);
    const line = logged().find((l) => l.message === 'Malformed Gmail push ignored');
    expect(line).toMatchObject({ level: 'warn', requestId });
    expect(written.join('')).not.toContain(PUSH_TOKEN);
  });

  it('tells Sentry of a job that failed for good, naming the job and tenant, without its payload', async () => {
    // A booking of a tenant without Google: its calendar job gives up at once.
    const manager = await signIn(test.app, tenant.id, 'manager');
    const lead = await createLead(tenant.id);
    const startsAt = upcomingLocal({ weekday: 3, time: '10:00', afterDays: 14 }, test.clock.now());
    const booked = await test.app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: manager.auth,
      payload: { leadId: lead.id, startsAt: startsAt.toISOString() },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const bookingId = (booked.json() as { id: string }).id;
    const event = await eventually(
      () =>
        sentry
          .events()
          .find((e) => e.tags?.tenantId === tenant.id && e.tags?.job === 'calendar.sync-booking'),
      { what: 'the Sentry event of the failed job', timeoutMs: 20_000 },
    );
    expect(event.tags).toMatchObject({ queue: 'calendar', tenantId: tenant.id });
    expect(event.tags?.jobId).toEqual(expect.any(String));
    expect(JSON.stringify(event)).not.toContain(bookingId);
    const failed = logged().find((l) => l.message === 'Job failed for good' && l.tenantId === tenant.id);
    expect(failed).toMatchObject({ level: 'warn', job: 'calendar.sync-booking', queue: 'calendar' });
  });
});
