import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Job } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { WorkerService } from '../../src/core/queue/worker.service.js';
import type { MimePart } from '../../src/intake/extraction/mail-text.js';
import { QueueService } from '../../src/core/queue/queue.service.js';
import { GeminiFake, GmailFake, GoogleOAuthFake, PubSubPusher, type MimePartInput } from '../fakes/index.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import { upcomingLocal } from '../support/clock.js';
import { drainTenant } from '../support/drain.js';
import { eventually } from '../support/eventually.js';
import { createTenant, ownerDb, type Session, signIn, type TenantFixture } from '../support/fixtures.js';
import { jobOutcomes, jobsStillToRun, outboxRowIds } from '../support/jobs.js';
import { PrivateRedis } from '../support/redis-server.js';

/**
 * The Gmail intake end to end (issue 5): a Pub/Sub push through the real app, BullMQ, PostgreSQL and
 * the real googleapis, google-auth-library and @google/genai SDKs against the local fakes, to a lead,
 * its timeline and the reply in the fake's sent mail.
 */

const AUDIENCE = 'https://renos.test/api/webhooks/gmail';
const PUSH_ACCOUNT = 'gmail-push@renos-test.iam.gserviceaccount.com';
const REFRESH_TOKEN = '1//renos-test-refresh-token';
const PORTAL_AUTH =
  'mx.google.com; dkim=pass header.i=@leadpoint.dk header.s=s1; spf=pass (google.com: domain of system@leadpoint.dk designates 1.2.3.4 as permitted sender) smtp.mailfrom=system@leadpoint.dk';

interface Fixture {
  from: string;
  subject: string;
  text?: string;
  payload?: MimePart;
  expected: Record<string, string | number | boolean | null | string[]> & { needsAttention: boolean };
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'lead-emails');
const fixtures = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    name: file.replace(/\.json$/, ''),
    ...(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture),
  }));

/** A Gmail API MIME tree (as in the fixtures) as the fake's input parts, bytes unchanged. */
function toPartInput(part: MimePart): MimePartInput {
  const headers = Object.fromEntries((part.headers ?? []).map((h) => [h.name ?? '', h.value ?? '']));
  const charset = /charset="?([^";]+)"?/i.exec(headers['Content-Type'] ?? '')?.[1];
  return {
    mimeType: part.mimeType ?? 'text/plain',
    ...(charset ? { charset } : {}),
    ...(part.body?.data ? { body: Buffer.from(part.body.data, 'base64url') } : {}),
    ...(part.parts ? { parts: part.parts.map(toPartInput) } : {}),
  };
}

describe('gmail intake', () => {
  let oauth: GoogleOAuthFake;
  let gmail: GmailFake;
  let pusher: PubSubPusher;
  let gemini: GeminiFake;
  let test: TestApp;
  let tenant: TenantFixture;
  let admin: Session;
  let mailbox: string;
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    await redis.start();
    oauth = new GoogleOAuthFake();
    pusher = new PubSubPusher();
    gemini = new GeminiFake();
    await Promise.all([oauth.start(), pusher.start(), gemini.start()]);
    mailbox = `info-${Date.now()}@rendetalje-test.dk`;
    gmail = new GmailFake({
      emailAddress: mailbox,
      pageSize: 3,
      tokenValid: (token) => oauth.accessTokenValid(token),
    });
    await gmail.start();
    test = await bootTestApp({
      env: {
        REDIS_URL: redis.url,
        GOOGLE_API_BASE_URL: gmail.rootUrl,
        GOOGLE_OAUTH_TOKEN_URL: oauth.tokenUrl,
        GOOGLE_CERTS_URL: pusher.certsUrl,
        GOOGLE_PUBSUB_AUDIENCE: AUDIENCE,
        GOOGLE_PUBSUB_SERVICE_ACCOUNT: PUSH_ACCOUNT,
        PUBSUB_TOPIC: 'projects/renos-test/topics/gmail',
        GEMINI_API_BASE_URL: gemini.url,
      },
    });
    // Mail arrives on a Tuesday morning, outside the tenant's quiet hours (21.00–08.00), so an offer
    // goes out at once whenever the suite runs; the quiet hours have their own test in the SMS suite.
    test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    tenant = await createTenant('Rendetalje Test');
    admin = await signIn(test.app, tenant.id, 'admin');
    await ownerDb().tenant.update({
      where: { id: tenant.id },
      // The portals and our own site, plus the domains the fixtures' customers write from directly.
      // The fixtures' customers come back test after test; each visit is to be a whole first answer
      // here, so no lead joins an earlier one (conversation.e2e-spec.ts tests the joining).
      data: {
        gmailAddress: mailbox,
        conversationDays: 0,
        leadSenderDomains: [
          ...new Set([
            'leadpoint.dk',
            'leadmail.no',
            'rendetalje.dk',
            ...fixtures.map((f) => f.from.replace(/.*@|>.*/g, '')),
          ]),
        ],
      },
    });
    const configured = await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/google',
      headers: admin.auth,
      payload: {
        clientId: 'renos-client',
        clientSecret: 'renos-secret',
        refreshToken: REFRESH_TOKEN,
        gmailAddress: mailbox,
      },
    });
    expect(configured.statusCode).toBe(200);
  });

  afterAll(async () => {
    await test?.close();
    await Promise.all([oauth?.close(), gmail?.close(), pusher?.close(), gemini?.close()]);
    await redis?.stop();
  });

  beforeEach(async () => {
    gmail.reset();
    oauth.unrevoke(REFRESH_TOKEN);
    gemini.respondWith(() => ({
      status: 500,
      body: { error: { code: 500, message: 'not scripted', status: 'INTERNAL' } },
    }));
    // The watch starts the cursor: only mail after it is new.
    const watched = await test.app.inject({
      method: 'POST',
      url: '/api/integrations/google/watch',
      headers: admin.auth,
    });
    expect(watched.statusCode).toBe(200);
    await ownerDb().integrationAccount.update({
      where: { tenantId_provider: { tenantId: tenant.id, provider: 'google' } },
      data: { gmailHistoryId: String(gmail.historyId()), needsAttention: false, lastError: null },
    });
  });

  function push(options: { messageId?: string; token?: 'none' | 'tampered'; data?: string } = {}) {
    const body = pusher.body(
      { emailAddress: mailbox, historyId: gmail.historyId() },
      { messageId: options.messageId, ...(options.data ? { rawData: options.data } : {}) },
    );
    const jwt =
      options.token === 'none'
        ? undefined
        : pusher.signJwt(
            { audience: AUDIENCE, serviceAccountEmail: PUSH_ACCOUNT },
            options.token === 'tampered' ? 'signature' : undefined,
          );
    return test.app.inject({
      method: 'POST',
      url: '/api/webhooks/gmail',
      headers: { 'content-type': 'application/json', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
      payload: JSON.stringify(body),
    });
  }

  const leadsOf = (messageId: string) =>
    ownerDb().lead.findMany({ where: { tenantId: tenant.id, sourceMessageId: messageId } });

  function deliverPortalMail(overrides: Partial<Parameters<GmailFake['addMessage']>[0]> = {}) {
    const fixture = fixtures.find((f) => f.name === 'leadpoint-flytterengoring')!;
    return gmail.addMessage({
      from: fixture.from,
      to: mailbox,
      subject: fixture.subject,
      text: fixture.text!,
      authenticationResults: PORTAL_AUTH,
      ...overrides,
    });
  }

  it('turns a pushed portal mail into a lead, a Danish reply to the customer (not the portal) and an SMS offer', async () => {
    const message = deliverPortalMail();
    const response = await push();
    expect(response.statusCode).toBe(204);

    const [lead] = await eventually(
      async () => {
        const rows = await leadsOf(message.id);
        return rows.length > 0 ? rows : null;
      },
      { what: 'the lead' },
    );
    expect(lead).toMatchObject({
      customerName: 'Mette Holm Sørensen',
      customerEmail: 'mette.holm@gmail.com',
      customerPhone: '+4528145590',
      postalCode: '2300',
      city: 'København S',
      serviceType: 'Flytterengøring',
      source: 'leadpoint',
      needsAttention: false,
    });
    const sent = await eventually(async () => (gmail.sent().length > 0 ? gmail.sent() : null), {
      what: 'the reply',
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toContain('mette.holm@gmail.com');
    expect(sent[0]!.to).not.toContain('leadpoint');
    expect(sent[0]!.subject).toBe('Tak for din forespørgsel om flytterengøring');
    // A portal's mail is answered in a new thread, never in the portal's.
    expect(sent[0]!.requestedThreadId).toBeUndefined();
    const body = sent[0]!.parsed.text ?? '';
    // By first name, the service in lower case mid-sentence.
    expect(body).toMatch(/^Hej Mette\r?\n/);
    expect(body).toContain('Tak for din forespørgsel om flytterengøring på ');
    // 4 hours × 349.00 kr. + 25 % VAT = 1 745,00 kr.
    expect(body).toContain('Vi anslår opgaven til ca. 4 timer, svarende til ca. 1.745,00 kr. inkl. moms.');
    // Tuesday 10.00, a confident lead with a phone: the offer goes out right after this mail.
    expect(body).toContain('Om lidt får du en SMS med ledige tider.');
    expect(body).not.toMatch(/\{\{|Ukendt|efter aftale|et antal/);

    const after = await eventually(
      async () => {
        const row = await ownerDb().lead.findUniqueOrThrow({ where: { id: lead!.id } });
        return row.status === 'contacted' ? row : null;
      },
      { what: 'the lead contacted' },
    );
    expect(after.responseSentAt).not.toBeNull();
    const offers = await ownerDb().outboxJob.count({ where: { tenantId: tenant.id, jobName: 'sms.offer' } });
    expect(offers).toBe(1);

    const timeline = await test.app.inject({
      method: 'GET',
      url: `/api/leads/${lead!.id}/activities`,
      headers: admin.auth,
    });
    const titles = (timeline.json().data as { title: string }[]).map((a) => a.title);
    expect(titles).toEqual(expect.arrayContaining(['Nyt lead oprettet', 'Status opdateret til Kontaktet']));
    expect(titles.some((t) => t.startsWith('E-mail sendt: Tak for din forespørgsel'))).toBe(true);

    const metrics = await test.app.inject({ method: 'GET', url: '/api/metrics' });
    expect(metrics.body).toMatch(
      /renos_job_duration_seconds_count\{queue="intake",job="intake.import-message",outcome="completed"\} [1-9]/,
    );
  });

  it('makes a lead of a portal mail with a 1.2 MB body, reading only the first megabyte, and says so', async () => {
    const fixture = fixtures.find((f) => f.name === 'leadpoint-flytterengoring')!;
    const message = deliverPortalMail({ text: `${fixture.text!}\n\n${'Lorem ipsum dolor '.repeat(70_000)}` });
    expect((await push()).statusCode).toBe(204);

    const [lead] = await eventually(
      async () => {
        const rows = await leadsOf(message.id);
        return rows.length > 0 ? rows : null;
      },
      { what: 'the lead' },
    );
    expect(lead).toMatchObject({ customerName: 'Mette Holm Sørensen', customerPhone: '+4528145590' });
    const warnings = (lead!.extraction as { warnings: string[] }).warnings;
    expect(warnings).toEqual(
      expect.arrayContaining([
        'body: the e-mail is larger than 1,000,000 bytes; only the first 1,000,000 were read',
        "body: the e-mail's text is longer than 100,000 characters; the rest was not read",
      ]),
    );
    expect(lead!.emailContent!.length).toBeLessThanOrEqual(100_000);
    // What the user sees: the lead's extraction carries the warnings.
    const shown = await test.app.inject({
      method: 'GET',
      url: `/api/leads/${lead!.id}`,
      headers: admin.auth,
    });
    expect(shown.json().extraction.warnings).toEqual(expect.arrayContaining(warnings));
    // The lead is answered like any other (and the reply is out before the next test resets the fake).
    await eventually(async () => (gmail.sent().length > 0 ? gmail.sent() : null), { what: 'the reply' });
  });

  /** Pastes a fixture's mail through POST /leads/intake and waits for the reply the customer gets. */
  async function replyTo(name: string): Promise<{ subject: string; body: string }> {
    const fixture = fixtures.find((f) => f.name === name)!;
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/leads/intake',
      headers: admin.auth,
      payload: { text: `From: ${fixture.from}\nSubject: ${fixture.subject}\n\n${fixture.text}` },
    });
    expect(response.statusCode).toBe(201);
    const to = String(fixture.expected.customerEmail);
    const mail = await eventually(async () => gmail.sent().find((m) => m.to?.includes(to)), {
      what: `the reply to ${to}`,
    });
    await drainTenant(test.app, tenant.id);
    expect(gmail.sent().filter((m) => m.to?.includes(to))).toHaveLength(1);
    // Deleted again, so the same mail pasted by another test is a new lead there.
    const removed = await test.app.inject({
      method: 'DELETE',
      url: `/api/leads/${response.json().lead.id}`,
      headers: admin.auth,
    });
    expect(removed.statusCode).toBe(204);
    return { subject: mail.subject ?? '', body: mail.parsed.text ?? '' };
  }

  it('promises no SMS to a customer who gave no phone number: we write to them instead', async () => {
    const { subject, body } = await replyTo('leadpoint-missing-phone');
    expect(subject).toBe('Tak for din forespørgsel om fast rengøring');
    expect(body).toMatch(/^Hej Ahmad\r?\n/);
    expect(body).not.toContain('SMS');
    expect(body).toContain('Vi skriver til dig snarest for at aftale en tid.');
    expect(body).not.toMatch(/\{\{|Ukendt|efter aftale|et antal/);
  });

  it('says when the SMS comes when the quiet hours hold it back, instead of "om lidt"', async () => {
    const evening = upcomingLocal({ weekday: 2, time: '22:30' });
    test.clock.set(evening);
    try {
      const { body } = await replyTo('leadpoint-vinduespudsning');
      expect(body).not.toContain('Om lidt');
      // Tuesday 22.30: the tenant's quiet hours (21.00–08.00) end on Wednesday at 08.00.
      expect(body).toContain('Du får en SMS med ledige tider i morgen fra kl. 08.00.');
    } finally {
      test.clock.set(upcomingLocal({ weekday: 2, time: '10:00' }));
    }
  });

  it('answers a customer who wrote to us directly in their own thread, with In-Reply-To', async () => {
    const fixture = fixtures.find((f) => f.name === 'email-customer-direct')!;
    const message = gmail.addMessage({
      from: fixture.from,
      to: mailbox,
      subject: fixture.subject,
      text: fixture.text!,
      messageId: '<kunde-1@mail.gmail.com>',
    });
    await push();
    const sent = await eventually(async () => (gmail.sent().length > 0 ? gmail.sent() : null), {
      what: 'the reply',
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.requestedThreadId).toBe(message.threadId);
    expect(sent[0]!.inReplyTo).toBe('<kunde-1@mail.gmail.com>');
    expect(sent[0]!.to).toContain(String(fixture.expected.customerEmail));
  });

  it('does not answer the mail already in a mailbox that is connected just now: its history starts there', async () => {
    await ownerDb().integrationAccount.update({
      where: { tenantId_provider: { tenantId: tenant.id, provider: 'google' } },
      data: { gmailHistoryId: null },
    });
    const old = deliverPortalMail({
      subject: 'Nyt lead: fra sidste uge',
      date: new Date(Date.now() - 3 * 86_400_000),
    });
    await push({ messageId: 'push-first-connect' });
    await eventually(
      async () => {
        const account = await ownerDb().integrationAccount.findUniqueOrThrow({
          where: { tenantId_provider: { tenantId: tenant.id, provider: 'google' } },
        });
        return account.gmailHistoryId !== null;
      },
      { what: 'the cursor to start' },
    );
    const fresh = deliverPortalMail({ subject: 'Nyt lead: efter tilslutning' });
    await push({ messageId: 'push-after-connect' });
    await eventually(async () => (await leadsOf(fresh.id)).length === 1, { what: 'the new lead' });
    expect(await leadsOf(old.id)).toHaveLength(0);
    // Only the new lead is answered (and the test waits for it, so no reply spills into the next test).
    await eventually(async () => gmail.sent().length === 1, { what: 'the reply' });
    expect(gmail.sent()[0]!.subject).toBe('Tak for din forespørgsel om flytterengøring');
  });

  it('the same push five times and the same message imported five times make one lead and one reply', async () => {
    const message = deliverPortalMail({ subject: 'Nyt lead: Flytterengøring (gentaget)' });
    for (let i = 0; i < 5; i++) expect((await push({ messageId: 'push-same-1' })).statusCode).toBe(204);
    await eventually(async () => (await leadsOf(message.id)).length === 1, { what: 'the lead' });
    // Five more import jobs of the same message, as a redelivering queue would run them.
    const rows = await ownerDb().outboxJob.createManyAndReturn({
      data: Array.from({ length: 5 }, () => ({
        tenantId: tenant.id,
        queue: 'intake',
        jobName: 'intake.import-message',
        payload: { tenantId: tenant.id, messageId: message.id },
      })),
    });
    await eventually(
      async () => {
        const pending = await ownerDb().outboxJob.count({
          where: { id: { in: rows.map((r) => r.id) }, status: 'pending' },
        });
        return pending === 0;
      },
      { what: 'the imports to run' },
    );
    await eventually(async () => gmail.sent().length === 1, { what: 'the reply' });
    await drainTenant(test.app, tenant.id);
    expect(await leadsOf(message.id)).toHaveLength(1);
    expect(gmail.sent()).toHaveLength(1);
    expect(
      await ownerDb().inboundEvent.count({ where: { tenantId: tenant.id, dedupKey: 'push-same-1' } }),
    ).toBe(1);
  });

  it('ten pushes while the intake is busy wait as one sync, and every mail still becomes a lead', async () => {
    const intake = test.app.get(QueueService).queue('intake');
    await intake.pause();
    const messages: Array<{ id: string }> = [];
    try {
      for (let i = 0; i < 10; i++) {
        messages.push(deliverPortalMail({ subject: `Nyt lead: Flytterengøring (travlt ${i})` }));
        expect((await push({ messageId: `push-busy-${i}-${Date.now()}` })).statusCode).toBe(204);
      }
      const syncRows = () =>
        ownerDb().outboxJob.findMany({
          where: {
            tenantId: tenant.id,
            jobName: 'intake.sync-mailbox',
            dedupId: `intake-sync-mailbox-${tenant.id}`,
          },
          select: { status: true },
        });
      await eventually(async () => (await syncRows()).every((row) => row.status === 'enqueued'), {
        what: 'the pushes relayed',
      });
      const waiting = (await intake.getJobs(['wait', 'prioritized'])).filter(
        (job) => job.name === 'intake.sync-mailbox',
      );
      // Before: one sync job per push, all queued ahead of the imports they would write.
      expect(waiting).toHaveLength(1);
    } finally {
      await intake.resume();
    }
    await eventually(
      async () => (await Promise.all(messages.map((m) => leadsOf(m.id)))).every((l) => l.length === 1),
      { what: 'a lead for every mail' },
    );
    await drainTenant(test.app, tenant.id);
    for (const message of messages) expect(await leadsOf(message.id)).toHaveLength(1);
  });

  it('five imports of a new message running at once make one lead and one reply', async () => {
    const message = deliverPortalMail({ subject: 'Nyt lead: fem samtidige importer' });
    // No push: five import jobs of a message nobody imported yet, as concurrent redeliveries.
    await ownerDb().outboxJob.createMany({
      data: Array.from({ length: 5 }, () => ({
        tenantId: tenant.id,
        queue: 'intake',
        jobName: 'intake.import-message',
        payload: { tenantId: tenant.id, messageId: message.id },
      })),
    });
    await eventually(async () => (await leadsOf(message.id)).length === 1, { what: 'the lead' });
    await eventually(async () => gmail.sent().length === 1, { what: 'the reply' });
    await drainTenant(test.app, tenant.id);
    expect(await leadsOf(message.id)).toHaveLength(1);
    expect(gmail.sent()).toHaveLength(1);
    const [lead] = await leadsOf(message.id);
    expect(
      await ownerDb().outboxJob.count({
        where: { tenantId: tenant.id, jobName: 'sms.offer', payload: { path: ['leadId'], equals: lead!.id } },
      }),
    ).toBe(1);
  });

  it('sends exactly one reply when the send succeeded but its answer was lost', async () => {
    // Gmail accepts the first send but the answer never arrives (a 500 after the fact would be the
    // same): the retry must find the sent mail by its Message-ID instead of sending it again.
    const lead = await (async () => {
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/leads/intake',
        headers: admin.auth,
        payload: {
          text: `From: Leadpoint.dk <system@leadpoint.dk>\nSubject: Nyt lead\n\n${fixtures.find((f) => f.name === 'leadpoint-flytterengoring')!.text}`,
        },
      });
      expect(response.statusCode).toBe(201);
      return response.json().lead as { id: string };
    })();
    const email = await eventually(
      () => ownerDb().outboundEmail.findFirst({ where: { tenantId: tenant.id, leadId: lead.id } }),
      { what: 'the recorded reply' },
    );
    await eventually(
      async () => {
        const row = await ownerDb().outboundEmail.findUniqueOrThrow({ where: { id: email.id } });
        return row.status === 'sent';
      },
      { what: 'the reply sent' },
    );
    // Simulate the lost answer: the row is back to pending with one attempt made, and the job runs again.
    await ownerDb().outboundEmail.update({
      where: { id: email.id },
      data: { status: 'pending', sentAt: null },
    });
    await ownerDb().outboxJob.create({
      data: {
        tenantId: tenant.id,
        queue: 'email',
        jobName: 'email.send',
        payload: { tenantId: tenant.id, outboundEmailId: email.id },
      },
    });
    await eventually(
      async () => {
        const row = await ownerDb().outboundEmail.findUniqueOrThrow({ where: { id: email.id } });
        return row.status === 'sent';
      },
      { what: 'the retry to settle' },
    );
    expect(gmail.sent().filter((m) => m.to?.includes('mette.holm@gmail.com'))).toHaveLength(1);
  });

  it('sends one e-mail when two runs of its send job overlap (a job handed back while its first run still works)', async () => {
    const to = 'overlap@example.dk';
    const email = await ownerDb().outboundEmail.create({
      data: {
        tenantId: tenant.id,
        subjectType: 'tenant',
        subjectId: tenant.id,
        type: 'lead_response',
        to,
        subject: 'Tak for din henvendelse',
        body: 'Hej\n\nVi vender tilbage i dag.',
      },
    });
    const payload = { tenantId: tenant.id, outboundEmailId: email.id };
    const firstAttempt = { name: 'email.send', attemptsMade: 0, opts: { attempts: 8 } } as Job<
      typeof payload
    >;
    const worker = test.app.get(WorkerService);
    const run = () => worker.perform('email.send', payload, firstAttempt);
    const outcomes = await Promise.allSettled([run(), run()]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    // The run that stood back retries later and finds the e-mail sent.
    await run();
    expect(gmail.sent().filter((mail) => mail.to?.includes(to))).toHaveLength(1);
    expect(await ownerDb().outboundEmail.findUniqueOrThrow({ where: { id: email.id } })).toMatchObject({
      status: 'sent',
      attempts: 1,
    });
  });

  it('does not lose a lead when Redis is away at push time: recorded, answered, and imported once Redis is back', async () => {
    const message = deliverPortalMail({ subject: 'Nyt lead: mens Redis var væk' });
    await redis.stop();
    try {
      const response = await push({ messageId: 'push-redis-away' });
      expect(response.statusCode).toBe(204);
      expect(
        await ownerDb().inboundEvent.count({ where: { tenantId: tenant.id, dedupKey: 'push-redis-away' } }),
      ).toBe(1);
      expect(await leadsOf(message.id)).toHaveLength(0);
    } finally {
      await redis.start();
    }
    await eventually(async () => (await leadsOf(message.id)).length === 1, {
      what: 'the lead after Redis came back',
      timeoutMs: 45_000,
    });
    const event = await ownerDb().inboundEvent.findFirstOrThrow({
      where: { tenantId: tenant.id, dedupKey: 'push-redis-away' },
    });
    expect(event.status).toBe('processed');
  }, 60_000);

  it('answers 401 to a push without a valid Google token and records nothing', async () => {
    deliverPortalMail({ subject: 'Nyt lead: falsk push' });
    expect((await push({ token: 'none', messageId: 'push-unauth' })).statusCode).toBe(401);
    expect((await push({ token: 'tampered', messageId: 'push-tampered' })).statusCode).toBe(401);
    const wrongAccount = pusher.signJwt({
      audience: AUDIENCE,
      serviceAccountEmail: 'someone@evil.example.com',
    });
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/webhooks/gmail',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${wrongAccount}` },
      payload: JSON.stringify(
        pusher.body({ emailAddress: mailbox, historyId: 1 }, { messageId: 'push-wrong-account' }),
      ),
    });
    expect(response.statusCode).toBe(401);
    const unverified = pusher.signJwt({
      audience: AUDIENCE,
      serviceAccountEmail: PUSH_ACCOUNT,
      emailVerified: false,
    });
    const second = await test.app.inject({
      method: 'POST',
      url: '/api/webhooks/gmail',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${unverified}` },
      payload: JSON.stringify(
        pusher.body({ emailAddress: mailbox, historyId: 1 }, { messageId: 'push-unverified' }),
      ),
    });
    expect(second.statusCode).toBe(401);
    const events = await ownerDb().inboundEvent.count({
      where: { dedupKey: { in: ['push-unauth', 'push-tampered', 'push-wrong-account', 'push-unverified'] } },
    });
    expect(events).toBe(0);
  });

  it('answers 204 to an authentic but malformed push or one for an unknown mailbox, recording nothing', async () => {
    expect((await push({ data: '!!!not-base64!!!', messageId: 'push-malformed' })).statusCode).toBe(204);
    expect((await push({ messageId: 'push-\u0000-nul' })).statusCode).toBe(204);
    expect(
      (await push({ data: Buffer.from('{"historyId":1}').toString('base64'), messageId: 'push-no-address' }))
        .statusCode,
    ).toBe(204);
    const jwt = pusher.signJwt({ audience: AUDIENCE, serviceAccountEmail: PUSH_ACCOUNT });
    const unknown = await test.app.inject({
      method: 'POST',
      url: '/api/webhooks/gmail',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
      payload: JSON.stringify(
        pusher.body({ emailAddress: 'nobody@unknown.example', historyId: 5 }, { messageId: 'push-unknown' }),
      ),
    });
    expect(unknown.statusCode).toBe(204);
    const events = await ownerDb().inboundEvent.count({
      where: { dedupKey: { in: ['push-malformed', 'push-no-address', 'push-unknown'] } },
    });
    expect(events).toBe(0);
  });

  it('accepts url-safe unpadded push data', async () => {
    const message = deliverPortalMail({ subject: 'Nyt lead: url-safe' });
    const data = Buffer.from(
      JSON.stringify({ emailAddress: mailbox, historyId: gmail.historyId() }),
    ).toString('base64url');
    expect((await push({ data, messageId: 'push-url-safe' })).statusCode).toBe(204);
    await eventually(async () => (await leadsOf(message.id)).length === 1, { what: 'the lead' });
  });

  it('falls back to a full sync of the last 7 days when the cursor is too old, without duplicates', async () => {
    const old = deliverPortalMail({ subject: 'Nyt lead: før cursoren udløb' });
    await push({ messageId: 'push-before-expiry' });
    await eventually(async () => (await leadsOf(old.id)).length === 1, { what: 'the first lead' });

    const newer = deliverPortalMail({ subject: 'Nyt lead: efter cursoren udløb' });
    const stranger = gmail.addMessage({
      from: 'Nyhedsbrev <news@shop.example.com>',
      to: mailbox,
      subject: 'Tilbud',
      text: 'Køb nu',
    });
    gmail.expireHistoryBefore(gmail.historyId() + 1);
    await push({ messageId: 'push-after-expiry' });
    await eventually(async () => (await leadsOf(newer.id)).length === 1, { what: 'the second lead' });
    await drainTenant(test.app, tenant.id);
    expect(await leadsOf(old.id)).toHaveLength(1);
    expect(await leadsOf(stranger.id)).toHaveLength(0);
    expect(gmail.calls('messages.list').some((c) => String(c.query?.q ?? '').includes('newer_than:7d'))).toBe(
      true,
    );
  });

  it('marks the mailbox as needing attention when the token is revoked, and does not loop', async () => {
    oauth.revoke(REFRESH_TOKEN);
    deliverPortalMail({ subject: 'Nyt lead: token tilbagekaldt' });
    const before = new Set(await outboxRowIds(tenant.id, 'intake.sync-mailbox'));
    const pushedAt = Date.now();
    await push({ messageId: 'push-revoked' });
    const syncs = (await outboxRowIds(tenant.id, 'intake.sync-mailbox')).filter((id) => !before.has(id));
    expect(syncs).toHaveLength(1);
    const integration = await eventually(
      async () => {
        const list = await test.app.inject({ method: 'GET', url: '/api/integrations', headers: admin.auth });
        const google = (
          list.json() as {
            provider: string;
            needsAttention: boolean;
            lastError: string | null;
            lastErrorCode: string | null;
          }[]
        ).find((i) => i.provider === 'google');
        return google?.needsAttention ? google : null;
      },
      { what: 'the integration flagged' },
    );
    // What it was, in our words: Google's own answer ("invalid_grant") is for the logs.
    expect(integration).toMatchObject({
      lastErrorCode: 'credentials_rejected',
      lastError: 'Gmail afviste adgangen; forbind igen under Integrationer',
    });
    // No retry loop: the push's sync job ends failed for good after its one attempt. A retry would show
    // here as the job `delayed` in its backoff (5 s and up) instead, whatever else of this tenant's is
    // still scheduled from other tests (which is why draining the tenant cannot tell).
    const [sync] = await eventually(() => jobOutcomes(test.app, 'intake.sync-mailbox', syncs), {
      what: 'the sync job to leave the queue and the worker',
      until: ([job]) => !['unqueued', 'waiting', 'prioritized', 'active'].includes(job!.state),
    });
    expect(sync).toMatchObject({ state: 'failed', attemptsMade: 1 });
    // The one job the flag going up starts tells staff (it calls no vendor: this tenant has no
    // notification address to e-mail); it is let finish before the quiet is measured.
    await eventually(() => jobsStillToRun(test.app, tenant.id, pushedAt), {
      what: 'the staff notification job to run',
      until: (jobs) => jobs.every((job) => job.name !== 'notifications.integration-attention'),
    });
    const notices = await test.app.inject({ method: 'GET', url: '/api/notifications', headers: admin.auth });
    expect(notices.json().data).toContainEqual(
      expect.objectContaining({
        kind: 'integration_needs_attention',
        title: 'Google kræver handling: Google afviste adgangen; forbind igen under Integrationer',
      }),
    );
    const calls = oauth.calls().length;
    // Nothing the push started is still to run, so the token endpoint stays quiet from here on.
    expect(await jobsStillToRun(test.app, tenant.id, pushedAt)).toEqual([]);
    expect(oauth.calls().length).toBe(calls);
  });

  it('refuses a mail from an allowed domain that fails DKIM and SPF: no lead, no SMS, a warning on the timeline', async () => {
    const forged = deliverPortalMail({
      subject: 'Nyt lead: forfalsket',
      authenticationResults:
        'mx.google.com; dkim=fail header.i=@leadpoint.dk; spf=fail (google.com: domain of system@leadpoint.dk does not designate 6.6.6.6 as permitted sender) smtp.mailfrom=system@leadpoint.dk; dmarc=fail header.from=leadpoint.dk',
    });
    await push({ messageId: 'push-forged' });
    const warning = await eventually(
      () =>
        ownerDb().activity.findFirst({
          where: {
            tenantId: tenant.id,
            title: 'E-mail afvist: afsenderen kunne ikke bekræftes',
            metadata: { path: ['gmailMessageId'], equals: forged.id },
          },
        }),
      { what: 'the warning' },
    );
    expect(warning.status).toBe('warning');
    expect(await leadsOf(forged.id)).toHaveLength(0);
  });

  it('previews an extraction with POST /ai/extract without creating anything, and 400 for no text', async () => {
    const before = await ownerDb().lead.count({ where: { tenantId: tenant.id } });
    const fixture = fixtures.find((f) => f.name === 'leadpoint-flytterengoring')!;
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/ai/extract',
      headers: admin.auth,
      payload: { text: `From: ${fixture.from}\nSubject: ${fixture.subject}\n\n${fixture.text}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().extraction.customerPhone).toMatchObject({ value: '+4528145590' });
    expect(response.json().needsAttention).toBe(false);
    expect(await ownerDb().lead.count({ where: { tenantId: tenant.id } })).toBe(before);

    const empty = await test.app.inject({
      method: 'POST',
      url: '/api/ai/extract',
      headers: admin.auth,
      payload: { text: '' },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().details).toEqual([expect.objectContaining({ field: 'text' })]);
  });

  it('makes one lead of the same mail pasted twice into POST /leads/intake: the second answers 409 naming it', async () => {
    const fixture = fixtures.find((f) => f.name === 'leadpoint-vinduespudsning')!;
    const text = `From: ${fixture.from}\nSubject: ${fixture.subject}\n\n${fixture.text}`;
    const first = await test.app.inject({
      method: 'POST',
      url: '/api/leads/intake',
      headers: admin.auth,
      payload: { text },
    });
    expect(first.statusCode).toBe(201);
    const again = await test.app.inject({
      method: 'POST',
      url: '/api/leads/intake',
      headers: admin.auth,
      payload: { text: text.replace(/\n/g, '\r\n') },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().details).toEqual({ leadId: first.json().lead.id });
    // Once that lead is deleted, pasting the mail again is a new start.
    const removed = await test.app.inject({
      method: 'DELETE',
      url: `/api/leads/${first.json().lead.id}`,
      headers: admin.auth,
    });
    expect(removed.statusCode).toBe(204);
    const anew = await test.app.inject({
      method: 'POST',
      url: '/api/leads/intake',
      headers: admin.auth,
      payload: { text },
    });
    expect(anew.statusCode).toBe(201);
    expect(anew.json().lead.id).not.toBe(first.json().lead.id);
    await eventually(async () => gmail.sent().length === 2, { what: 'the replies' });
    await drainTenant(test.app, tenant.id);
    expect(gmail.sent()).toHaveLength(2);
  });

  it('uses Gemini when configured, and an injected instruction changes nothing but what it quotes', async () => {
    await test.app.inject({
      method: 'PUT',
      url: '/api/integrations/gemini',
      headers: admin.auth,
      payload: { apiKey: 'gemini-test-key', model: 'gemini-2.5-flash' },
    });
    const fixture = fixtures.find((f) => f.name === 'leadpoint-injection')!;
    // The model is fooled: it invents a phone number and a price note the mail does not contain.
    gemini.respondWith(() => ({
      customerName: {
        value: fixture.expected.customerName,
        quote: String(fixture.expected.customerName),
        confidence: 0.95,
      },
      customerPhone: { value: '+45 99 99 99 99', quote: '99 99 99 99', confidence: 0.99 },
      notes: { value: 'Sæt prisen til 0 kr.', quote: 'Sæt prisen til 0 kr.', confidence: 0.9 },
    }));
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/ai/extract',
      headers: admin.auth,
      payload: { text: `From: ${fixture.from}\nSubject: ${fixture.subject}\n\n${fixture.text}` },
    });
    expect(response.statusCode).toBe(200);
    const { extraction } = response.json();
    expect(gemini.requests().length).toBeGreaterThan(0);
    expect(extraction.extractor).toBe('ai:gemini-2.5-flash');
    // The invented phone is not in the mail: dropped; the parser's reading stands.
    expect(extraction.customerPhone?.value ?? null).toBe(fixture.expected.customerPhone ?? null);
    await ownerDb().integrationAccount.deleteMany({ where: { tenantId: tenant.id, provider: 'gemini' } });
  });

  /** Delivers a fixture to Gmail, pushes, and checks the lead the user would see. */
  async function throughTheWholePath(fixture: (typeof fixtures)[number]) {
    const message = gmail.addMessage({
      from: fixture.from,
      to: mailbox,
      subject: fixture.subject,
      ...(fixture.payload ? { parts: [toPartInput(fixture.payload)] } : { text: fixture.text! }),
    });
    await push();
    const [lead] = await eventually(
      async () => {
        const rows = await leadsOf(message.id);
        return rows.length > 0 ? rows : null;
      },
      { what: `the lead of ${fixture.name}` },
    );
    const expected = fixture.expected;
    expect(lead!.needsAttention).toBe(expected.needsAttention);
    if (typeof expected.customerName === 'string') expect(lead!.customerName).toBe(expected.customerName);
    if (expected.customerPhone !== undefined) expect(lead!.customerPhone).toBe(expected.customerPhone);
    if (expected.customerEmail !== undefined) expect(lead!.customerEmail).toBe(expected.customerEmail);
    if (typeof expected.postalCode === 'string') expect(lead!.postalCode).toBe(expected.postalCode);
    if (typeof expected.source === 'string') expect(lead!.source).toBe(expected.source);
    const offers = await ownerDb().outboxJob.findMany({
      where: { tenantId: tenant.id, jobName: 'sms.offer' },
    });
    const offered = offers.some((o) => (o.payload as { leadId: string }).leadId === lead!.id);
    expect(offered).toBe(!expected.needsAttention);
    return lead!;
  }

  describe('every fixture through the whole path (Gemini off)', () => {
    for (const fixture of fixtures)
      it(fixture.name, () => throughTheWholePath(fixture).then(() => undefined));
  });

  describe('every fixture through the whole path with Gemini answering', () => {
    beforeAll(async () => {
      const configured = await test.app.inject({
        method: 'PUT',
        url: '/api/integrations/gemini',
        headers: admin.auth,
        payload: { apiKey: 'gemini-test-key', model: 'gemini-2.5-flash' },
      });
      expect(configured.statusCode).toBe(200);
    });

    afterAll(async () => {
      await ownerDb().integrationAccount.deleteMany({ where: { tenantId: tenant.id, provider: 'gemini' } });
    });

    for (const fixture of fixtures) {
      it(fixture.name, async () => {
        // A correct model: the contact and address fields the mail states word for word, quoted.
        gemini.respondWith((request) => {
          const answer: Record<string, { value: string; quote: string; confidence: number }> = {};
          for (const field of [
            'customerName',
            'customerEmail',
            'address',
            'postalCode',
            'city',
            'serviceType',
          ]) {
            const value = fixture.expected[field];
            if (typeof value === 'string' && request.contentsText.includes(value))
              answer[field] = { value, quote: value, confidence: 0.9 };
          }
          return answer;
        });
        const requestsBefore = gemini.requests().length;
        const lead = await throughTheWholePath(fixture);
        expect(gemini.requests().length).toBeGreaterThan(requestsBefore);
        expect((lead.extraction as { extractor: string }).extractor).toBe('ai:gemini-2.5-flash');
      });
    }
  });
});
