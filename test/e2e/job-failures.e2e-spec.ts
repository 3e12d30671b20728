import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CalendarUnavailableError } from '../../src/calendar/calendar.errors.js';
import { IntegrationError } from '../../src/integrations/integration-error.js';
import { JOB_FAILURE_REPORTER, type JobFailureReporter } from '../../src/core/queue/job-observer.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { createTenant, ownerDb, type TenantFixture } from '../support/fixtures.js';

describe('jobs that give up', () => {
  let test: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;

  beforeAll(async () => {
    test = await bootTestApp();
    tenant = await createTenant('Fejl');
    other = await createTenant('Andet firma');
  });

  afterAll(async () => {
    await test?.close();
  });

  // Looked up the way the workers find it.
  const reporter = () => test.app.get<JobFailureReporter>(JOB_FAILURE_REPORTER, { strict: false });

  async function leadOf(tenantId: string) {
    return ownerDb().lead.create({
      data: {
        tenantId,
        customerName: 'Ida Holm',
        address: 'Vej 1',
        city: 'Aarhus',
        postalCode: '8000',
        serviceType: 'Flytterengøring',
      },
    });
  }

  it("shows a job's final failure on its lead's timeline, in Danish, with the kind of failure", async () => {
    const lead = await leadOf(tenant.id);
    const raw = 'Google Calendar: connect ECONNREFUSED 127.0.0.1:9';
    await reporter().report({
      tenantId: tenant.id,
      job: 'sms.offer',
      payload: { tenantId: tenant.id, leadId: lead.id },
      reason: raw,
      error: new CalendarUnavailableError(
        'Google Calendar did not answer',
        new IntegrationError({ provider: 'Google Kalender', kind: 'retry', message: raw }),
      ),
    });
    const activity = await ownerDb().activity.findFirstOrThrow({
      where: { tenantId: tenant.id, leadId: lead.id },
    });
    expect(activity).toMatchObject({
      type: 'system',
      status: 'error',
      title: 'SMS med tider mislykkedes',
      description: 'Google Kalender kunne ikke nås',
      metadata: { job: 'sms.offer', failureCode: 'provider_unreachable' },
    });
  });

  it('shows a failure of no provider as an internal error, its text left to the logs', async () => {
    const lead = await leadOf(tenant.id);
    const raw = 'connect ECONNREFUSED 127.0.0.1:5432 at Pool.connect (node_modules/pg-pool/index.js:45)';
    await reporter().report({
      tenantId: tenant.id,
      job: 'intake.import-message',
      payload: { tenantId: tenant.id, leadId: lead.id },
      reason: raw,
      error: new Error(raw),
    });
    const activity = await ownerDb().activity.findFirstOrThrow({
      where: { tenantId: tenant.id, leadId: lead.id },
    });
    expect(activity.title).toBe('Import af e-mail mislykkedes');
    expect(activity.metadata).toMatchObject({ failureCode: 'internal_error' });
    expect(activity.description).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|node_modules/);
  });

  it("never writes on another tenant's lead, and leaves self-reporting jobs alone", async () => {
    const foreign = await leadOf(other.id);
    await reporter().report({
      tenantId: tenant.id,
      job: 'sms.offer',
      payload: { tenantId: tenant.id, leadId: foreign.id },
      reason: 'x',
    });
    const own = await leadOf(tenant.id);
    await reporter().report({
      tenantId: tenant.id,
      job: 'email.send',
      payload: { tenantId: tenant.id, leadId: own.id },
      reason: 'x',
    });
    expect(await ownerDb().activity.count({ where: { leadId: { in: [foreign.id, own.id] } } })).toBe(0);
  });

  it('counts final failures and job durations in /api/metrics', async () => {
    // This tenant has no Google: the import gives up at once (no retry can fix missing credentials).
    await ownerDb().outboxJob.create({
      data: {
        tenantId: tenant.id,
        queue: 'intake',
        jobName: 'intake.import-message',
        payload: { tenantId: tenant.id, messageId: '18c0ffee00000001' },
      },
    });
    const metrics = await eventually(
      async () => {
        const body = (await test.app.inject({ method: 'GET', url: '/api/metrics' })).body;
        return /renos_job_failures_total\{queue="intake",job="intake.import-message",final="true"\} 1/.test(body)
          ? body
          : null;
      },
      { what: 'the failure metric' },
    );
    expect(metrics).toMatch(
      /renos_job_duration_seconds_count\{queue="intake",job="intake.import-message",outcome="failed"\} 1/,
    );
  });
});
