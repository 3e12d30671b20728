import { randomBytes } from 'node:crypto';

import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { WorkerService } from '../../src/core/queue/worker.service.js';
import type { JobPayloads } from '../../src/core/queue/jobs.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, ownerDb, type Session, signIn } from '../support/fixtures.js';
import { newPhone } from '../support/http.js';

/** Nothing listens here: every call to "Twilio" fails the way the probe saw, with no answer at all. */
const UNREACHABLE = 'http://127.0.0.1:9';
/** The vendor's and the network's own words, which users must never be shown. */
const RAW = /ECONNREFUSED|127\.0\.0\.1|connect /;

describe('provider errors as users see them', () => {
  let test: TestApp;
  let admin: Session;
  let viewer: Session;
  let tenantId: string;

  beforeAll(async () => {
    test = await bootTestApp({ env: { TWILIO_API_BASE_URL: UNREACHABLE } });
    const tenant = await createTenant('Fejlfirma');
    tenantId = tenant.id;
    const smsNumber = `+4579${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
    await ownerDb().tenant.update({ where: { id: tenant.id }, data: { smsNumber } });
    admin = await signIn(test.app, tenant.id, 'admin');
    viewer = await signIn(test.app, tenant.id, 'viewer');
    const stored = await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/twilio',
      headers: admin.auth,
      payload: {
        accountSid: `AC${tenant.id.replace(/-/g, '')}`,
        authToken: randomBytes(16).toString('hex'),
        phoneNumber: smsNumber,
      },
    });
    expect(stored.statusCode).toBe(200);
  });

  afterAll(async () => {
    await test?.close();
  });

  it('shows a text Twilio could not be reached for as a stable summary with a code, the raw text nowhere', async () => {
    const phone = newPhone();
    const lead = await test.app.inject({
      method: 'POST',
      url: '/api/leads',
      headers: admin.auth,
      payload: {
        customerName: 'Ida Holm',
        customerPhone: phone.typed,
        serviceType: 'Hovedrengøring',
        address: 'Søndergade 4',
        postalCode: '8000',
        city: 'Aarhus C',
        estimatedHours: 3,
      },
    });
    expect(lead.statusCode, lead.body).toBe(201);
    const leadId = lead.json().id as string;
    const sent = await test.app.inject({
      method: 'POST',
      url: '/api/sms',
      headers: admin.auth,
      payload: { leadId, body: 'Vi kommer i morgen kl. 10' },
    });
    expect(sent.statusCode).toBe(201);
    const smsMessageId = sent.json().id as string;

    // The send job's last attempt, run here rather than waiting out the backoff of the queued one.
    const payload: JobPayloads['sms.send'] = { tenantId, smsMessageId };
    const lastAttempt = { name: 'sms.send', attemptsMade: 5, opts: { attempts: 6 } } as Job<
      JobPayloads['sms.send']
    >;
    await expect(test.app.get(WorkerService).perform('sms.send', payload, lastAttempt)).rejects.toThrow(RAW);

    const list = await test.app.inject({
      method: 'GET',
      url: `/api/sms?leadId=${leadId}`,
      headers: viewer.auth,
    });
    expect(list.statusCode).toBe(200);
    const text = (list.json().data as { id: string }[]).find((m) => m.id === smsMessageId);
    expect(text).toMatchObject({ status: 'failed', errorMessage: 'Twilio kunne ikke nås' });
    expect(list.body).not.toMatch(RAW);

    const timeline = await test.app.inject({
      method: 'GET',
      url: `/api/activities?leadId=${leadId}`,
      headers: viewer.auth,
    });
    expect(timeline.statusCode).toBe(200);
    const entry = (timeline.json().data as { title: string }[]).find((a) => a.title === 'SMS ikke sendt');
    expect(entry).toMatchObject({
      description: 'Twilio kunne ikke nås',
      metadata: { failureCode: 'provider_unreachable' },
    });
    expect(timeline.body).not.toMatch(RAW);

    const integrations = await test.app.inject({
      method: 'GET',
      url: '/api/integrations',
      headers: admin.auth,
    });
    const twilio = (integrations.json() as { provider: string }[]).find((i) => i.provider === 'twilio');
    expect(twilio).toMatchObject({
      lastError: 'Twilio kunne ikke nås',
      lastErrorCode: 'provider_unreachable',
      needsAttention: false,
    });
    expect(integrations.body).not.toMatch(RAW);
  });
});
