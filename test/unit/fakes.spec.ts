import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';

import { ApiError, GoogleGenAI, Type } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';
import { calendar as calendarApi } from '@googleapis/calendar';
import { auth as googleAuth, gmail as gmailApi } from '@googleapis/gmail';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { CalendarFake } from '../fakes/calendar.fake.js';
import { GeminiFake, geminiError, geminiText } from '../fakes/gemini.fake.js';
import { GmailFake } from '../fakes/gmail.fake.js';
import { GoogleOAuthFake } from '../fakes/google-oauth.fake.js';
import { PubSubPusher } from '../fakes/pubsub-pusher.js';

// Every fake is driven through the real SDK the app uses, pointed at it the way the app's
// configuration does (GOOGLE_OAUTH_TOKEN_URL, GOOGLE_API_BASE_URL, GOOGLE_CERTS_URL, GEMINI_API_BASE_URL).

interface HttpErrorShape {
  status?: number;
  response?: { status: number; data: unknown };
}

async function rejection(promise: Promise<unknown>): Promise<HttpErrorShape & Error> {
  try {
    await promise;
  } catch (error) {
    return error as HttpErrorShape & Error;
  }
  throw new Error('expected the call to fail');
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

const CLIENT_ID = 'fake-client.apps.googleusercontent.com';
const CLIENT_SECRET = 'fake-secret';
const MAILBOX = 'info@rendetalje.dk';

describe('Google OAuth fake (google-auth-library OAuth2Client)', () => {
  const oauth = new GoogleOAuthFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  beforeAll(() => oauth.start());
  afterAll(() => oauth.close());

  function client(refreshToken: string): OAuth2Client {
    const c = new OAuth2Client({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      endpoints: { oauth2TokenUrl: oauth.tokenUrl },
    });
    c.setCredentials({ refresh_token: refreshToken });
    return c;
  }

  it('exchanges a refresh token for an access token', async () => {
    const { token } = await client('1//refresh-ok').getAccessToken();
    expect(token).toMatch(/^ya29\.fake-/);
    const [call] = oauth.calls().slice(-1);
    expect(call).toMatchObject({
      grantType: 'refresh_token',
      refreshToken: '1//refresh-ok',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      status: 200,
    });
    expect(oauth.accountFor(token as string)).toBe(MAILBOX);
  });

  it('answers invalid_grant for a revoked refresh token', async () => {
    oauth.revoke('1//refresh-revoked');
    const error = await rejection(client('1//refresh-revoked').getAccessToken());
    expect(error.response?.status).toBe(400);
    expect(error.response?.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    expect((error.response?.data as { error: string }).error).toBe('invalid_grant');
  });

  it('answers invalid_client for a wrong client secret', async () => {
    const c = new OAuth2Client({
      clientId: CLIENT_ID,
      clientSecret: 'wrong',
      endpoints: { oauth2TokenUrl: oauth.tokenUrl },
    });
    c.setCredentials({ refresh_token: '1//x' });
    const error = await rejection(c.getAccessToken());
    expect(error.response?.status).toBe(401);
    expect((error.response?.data as { error: string }).error).toBe('invalid_client');
  });
});

describe('Gmail fake (googleapis gmail v1)', () => {
  const oauth = new GoogleOAuthFake({ defaultAccount: MAILBOX });
  const gmail = new GmailFake({
    emailAddress: MAILBOX,
    pageSize: 2,
    resolveAccount: (t) => oauth.accountFor(t),
  });
  let api: ReturnType<typeof gmailApi>;

  beforeAll(async () => {
    await Promise.all([oauth.start(), gmail.start()]);
    // googleapis bundles its own google-auth-library copy: use its OAuth2 class (same `endpoints` option).
    const auth = new googleAuth.OAuth2({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      endpoints: { oauth2TokenUrl: oauth.tokenUrl },
    });
    auth.setCredentials({ refresh_token: '1//gmail' });
    api = gmailApi({ version: 'v1', auth, rootUrl: gmail.rootUrl });
  });
  afterAll(() => Promise.all([oauth.close(), gmail.close()]));
  afterEach(() => gmail.reset());

  it('users.watch returns historyId and expiration and records the topic', async () => {
    const { data } = await api.users.watch({
      userId: 'me',
      requestBody: {
        topicName: 'projects/renos/topics/gmail',
        labelIds: ['INBOX'],
        labelFilterBehavior: 'include',
      },
    });
    expect(data.historyId).toBe(String(gmail.historyId()));
    expect(Number(data.expiration)).toBeGreaterThan(Date.now());
    expect(gmail.watches()[0]).toMatchObject({ mailbox: MAILBOX, topicName: 'projects/renos/topics/gmail' });
    // The bearer token is the one the OAuth fake issued.
    expect(oauth.accountFor(gmail.calls('watch')[0].accessToken as string)).toBe(MAILBOX);
  });

  it('users.history.list pages through messageAdded records filtered by label', async () => {
    const start = gmail.historyId();
    const added = [1, 2, 3, 4].map((n) =>
      gmail.addMessage({
        from: `Lead ${n} <lead@leadpoint.dk>`,
        to: MAILBOX,
        subject: `Lead ${n}`,
        text: `body ${n}`,
      }),
    );
    gmail.addMessage({ from: MAILBOX, to: 'x@example.com', subject: 'sent', text: 'x', labelIds: ['SENT'] });
    gmail.addMessage({ from: 'Lead 5 <lead@leadpoint.dk>', to: MAILBOX, subject: 'Lead 5', text: 'body 5' });

    const ids: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    let lastHistoryId: string | null | undefined;
    do {
      const { data } = await api.users.history.list({
        userId: 'me',
        startHistoryId: String(start),
        historyTypes: ['messageAdded'],
        labelId: 'INBOX',
        pageToken,
      });
      pages += 1;
      for (const h of data.history ?? [])
        for (const m of h.messagesAdded ?? []) ids.push(m.message?.id as string);
      pageToken = data.nextPageToken ?? undefined;
      lastHistoryId = data.historyId;
    } while (pageToken);

    expect(pages).toBe(3);
    expect(ids).toHaveLength(5);
    expect(ids.slice(0, 4)).toEqual(added.map((m) => m.id));
    expect(lastHistoryId).toBe(String(gmail.historyId()));
    const queries = gmail.calls('history.list').map((c) => c.query);
    expect(queries[0]).toMatchObject({
      startHistoryId: String(start),
      historyTypes: 'messageAdded',
      labelId: 'INBOX',
    });

    // Nothing new: no `history` key, just the current historyId.
    const { data: empty } = await api.users.history.list({
      userId: 'me',
      startHistoryId: String(gmail.historyId()),
    });
    expect(empty.history).toBeUndefined();
    expect(empty.historyId).toBe(String(gmail.historyId()));
  });

  it('users.history.list answers 404 for an expired startHistoryId', async () => {
    const old = gmail.historyId();
    gmail.addMessage({ from: 'a@leadpoint.dk', to: MAILBOX, subject: 's', text: 't' });
    gmail.expireHistoryBefore(gmail.historyId());
    const error = await rejection(api.users.history.list({ userId: 'me', startHistoryId: String(old) }));
    expect(error.status).toBe(404);
    expect(error.response?.data).toMatchObject({
      error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' },
    });
  });

  it('users.messages.get (format=full) returns the MIME tree with headers and base64url bodies', async () => {
    const stored = gmail.addMessage({
      from: 'Leadpoint <noreply@leadpoint.dk>',
      to: MAILBOX,
      subject: 'Ny forespørgsel: Hovedrengøring',
      text: 'Navn: Søren Ærø\nTelefon: 22 33 44 55',
      html: '<p>Navn: Søren Ærø</p>',
      authenticationResults:
        'mx.google.com; dkim=pass header.i=@leadpoint.dk; spf=pass smtp.mailfrom=leadpoint.dk',
      threadId: 'thread00000000001',
    });
    const { data } = await api.users.messages.get({ userId: 'me', id: stored.id, format: 'full' });
    expect(data.id).toBe(stored.id);
    expect(data.threadId).toBe('thread00000000001');
    expect(data.labelIds).toContain('INBOX');
    expect(data.internalDate).toBe(String(stored.internalDate));
    const headers = Object.fromEntries((data.payload?.headers ?? []).map((h) => [h.name, h.value]));
    expect(headers).toMatchObject({
      From: 'Leadpoint <noreply@leadpoint.dk>',
      To: MAILBOX,
      Subject: 'Ny forespørgsel: Hovedrengøring',
      'Authentication-Results': expect.stringContaining('dkim=pass'),
    });
    expect(headers.Date).toMatch(/\+0000$/);
    expect(headers['Message-ID']).toMatch(/^<.+@rendetalje\.dk>$/);
    expect(data.payload?.mimeType).toBe('multipart/alternative');
    const [plain, html] = data.payload?.parts ?? [];
    expect(plain.partId).toBe('0');
    expect(plain.mimeType).toBe('text/plain');
    expect(Buffer.from(plain.body?.data as string, 'base64url').toString('utf8')).toBe(
      'Navn: Søren Ærø\nTelefon: 22 33 44 55',
    );
    expect(html.mimeType).toBe('text/html');
    expect(data.snippet).toContain('Navn: Søren Ærø');

    const missing = await rejection(api.users.messages.get({ userId: 'me', id: 'ffffffffffffffff' }));
    expect(missing.status).toBe(404);
  });

  it('users.messages.get supports raw MIME parts (nested multipart, attachment)', async () => {
    const stored = gmail.addMessage({
      from: 'form@rendetalje.dk',
      to: MAILBOX,
      subject: 'Booking',
      parts: [
        {
          mimeType: 'multipart/alternative',
          parts: [
            { mimeType: 'text/plain', body: 'Hej' },
            { mimeType: 'text/html', body: '<b>Hej</b>' },
          ],
        },
        { mimeType: 'application/pdf', body: Buffer.from('%PDF-1.4'), filename: 'plan.pdf' },
      ],
    });
    const { data } = await api.users.messages.get({ userId: 'me', id: stored.id });
    expect(data.payload?.mimeType).toBe('multipart/mixed');
    const [alternative, pdf] = data.payload?.parts ?? [];
    expect(alternative.parts?.map((p) => p.partId)).toEqual(['0.0', '0.1']);
    expect(pdf.filename).toBe('plan.pdf');
    expect(pdf.body?.attachmentId).toBeTruthy();
    const { data: raw } = await api.users.messages.get({ userId: 'me', id: stored.id, format: 'raw' });
    expect(Buffer.from(raw.raw as string, 'base64url').toString('utf8')).toContain('Subject: Booking');
  });

  it('users.messages.list filters by q (after:, from:) and labelIds', async () => {
    const now = Date.now();
    const old = gmail.addMessage({
      from: 'a@leadpoint.dk',
      to: MAILBOX,
      subject: 'old',
      date: new Date(now - 10 * 86400e3),
    });
    const fresh = gmail.addMessage({
      from: 'Lead <b@leadpoint.dk>',
      to: MAILBOX,
      subject: 'fresh',
      date: new Date(now - 3600e3),
    });
    gmail.addMessage({
      from: 'spam@example.com',
      to: MAILBOX,
      subject: 'other',
      date: new Date(now - 3600e3),
    });
    const mail = gmail.addMessage({
      from: 'c@leadmail.no',
      to: MAILBOX,
      subject: 'no',
      date: new Date(now - 60e3),
    });
    const after = Math.floor((now - 7 * 86400e3) / 1000);

    const { data } = await api.users.messages.list({
      userId: 'me',
      q: `after:${after} {from:leadpoint.dk from:leadmail.no}`,
      labelIds: ['INBOX'],
    });
    expect(data.messages?.map((m) => m.id)).toEqual([mail.id, fresh.id]);
    expect(data.resultSizeEstimate).toBe(2);

    const { data: one } = await api.users.messages.list({
      userId: 'me',
      q: 'from:leadpoint.dk',
      maxResults: 1,
    });
    expect(one.messages).toHaveLength(1);
    expect(one.nextPageToken).toBeTruthy();
    const { data: two } = await api.users.messages.list({
      userId: 'me',
      q: 'from:leadpoint.dk',
      maxResults: 1,
      pageToken: one.nextPageToken as string,
    });
    expect(two.messages?.[0].id).toBe(old.id);

    const { data: none } = await api.users.messages.list({ userId: 'me', q: 'from:nobody.example' });
    expect(none).toEqual({ resultSizeEstimate: 0 });
  });

  it('users.messages.send parses the RFC 822 message (RFC 2047 subject, UTF-8 body, thread)', async () => {
    const inbound = gmail.addMessage({ from: 'kunde@example.dk', to: MAILBOX, subject: 'Hej', text: 'x' });
    const subject = 'Tak for din forespørgsel – Rendetalje';
    const mime = [
      `From: Rendetalje <${MAILBOX}>`,
      'To: Søren <kunde@example.dk>',
      `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
      'In-Reply-To: <abc@example.dk>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset="UTF-8"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('Pris: 1.221,50 kr. inkl. moms\nVenlig hilsen, Ærø').toString('base64'),
    ].join('\r\n');
    const { data } = await api.users.messages.send({
      userId: 'me',
      requestBody: { raw: b64url(mime), threadId: inbound.threadId },
    });
    expect(data.labelIds).toEqual(['SENT']);
    expect(data.threadId).toBe(inbound.threadId);
    const [sent] = gmail.sent();
    expect(sent).toMatchObject({
      id: data.id,
      via: 'json',
      subject,
      to: 'Søren <kunde@example.dk>',
      inReplyTo: '<abc@example.dk>',
      text: 'Pris: 1.221,50 kr. inkl. moms\nVenlig hilsen, Ærø',
    });
    // The sent copy is in the mailbox with SENT only.
    expect(gmail.message(data.id as string)?.labelIds).toEqual(['SENT']);
  });

  it('users.messages.send through the /upload media path (multipart/related) and Q-encoded subject', async () => {
    const mime = [
      'From: info@rendetalje.dk',
      'To: kunde@example.dk',
      'Subject: =?UTF-8?Q?Bekr=C3=A6ftelse_af_booking?=',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Vi ses p=C3=A5 tirsdag',
      '--b1',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '<p>Vi ses</p>',
      '--b1--',
      '',
    ].join('\r\n');
    const { data } = await api.users.messages.send(
      {
        userId: 'me',
        requestBody: {},
        media: { mimeType: 'message/rfc822', body: mime },
      },
      // googleapis builds the /upload URL from the per-call rootUrl, not the service's.
      { rootUrl: gmail.rootUrl },
    );
    expect(data.id).toBeTruthy();
    const [sent] = gmail.sent();
    expect(sent.via).toBe('multipart');
    expect(sent.subject).toBe('Bekræftelse af booking');
    expect(sent.text).toBe('Vi ses på tirsdag');
    expect(sent.html).toBe('<p>Vi ses</p>');
    expect(gmail.calls('messages.send')[0].path).toBe('/upload/gmail/v1/users/me/messages/send');
  });

  it('failNext injects errors; delay adds latency', async () => {
    gmail.failNext('messages.send', 429);
    const error = await rejection(
      api.users.messages.send({ userId: 'me', requestBody: { raw: b64url('To: a@b.dk\r\n\r\nx') } }),
    );
    expect(error.status).toBe(429);
    expect(error.response?.data).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
    await api.users.messages.send({ userId: 'me', requestBody: { raw: b64url('To: a@b.dk\r\n\r\nx') } });
    expect(gmail.sent()).toHaveLength(1);

    const missingTo = await rejection(
      api.users.messages.send({ userId: 'me', requestBody: { raw: b64url('Subject: x\r\n\r\nx') } }),
    );
    expect(missingTo.status).toBe(400);

    gmail.failNext('history.list', 500, undefined, { times: 10 });
    const serverError = await rejection(
      api.users.history.list({ userId: 'me', startHistoryId: String(gmail.historyId()) }, { retry: false }),
    );
    expect(serverError.status).toBe(500);

    gmail.reset();
    gmail.delay(150, 'getProfile');
    const started = Date.now();
    const { data } = await api.users.getProfile({ userId: 'me' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(data.emailAddress).toBe(MAILBOX);
  });

  it('answers 401 without a bearer token', async () => {
    const anonymous = gmailApi({ version: 'v1', rootUrl: gmail.rootUrl });
    const error = await rejection(anonymous.users.getProfile({ userId: 'me' }));
    expect(error.status).toBe(401);
  });
});

describe('Pub/Sub pusher (OIDC push auth verified by OAuth2Client.verifyIdToken)', () => {
  const pusher = new PubSubPusher();
  const AUDIENCE = 'https://renos.example.com/api/webhooks/gmail';
  const SERVICE_ACCOUNT = 'gmail-push@renos-test.iam.gserviceaccount.com';
  const received: { status: number; payload?: Record<string, unknown>; body: Record<string, unknown> }[] = [];
  let receiver: Server;
  let target: string;

  beforeAll(async () => {
    await pusher.start();
    const verifier = new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl: pusher.certsUrl } });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        const idToken = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const done = (status: number, payload?: Record<string, unknown>): void => {
          received.push({ status, payload, body });
          res.writeHead(status).end();
        };
        if (!idToken) return done(401);
        verifier
          .verifyIdToken({ idToken, audience: AUDIENCE })
          .then((ticket) => done(204, ticket.getPayload() as unknown as Record<string, unknown>))
          .catch(() => done(401));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/gmail`;
  });
  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    await pusher.close();
  });

  it('serves an X.509 PEM map keyed by kid at oauth2/v1/certs', async () => {
    const response = await fetch(pusher.certsUrl);
    const certs = (await response.json()) as Record<string, string>;
    expect(Object.keys(certs)).toEqual([pusher.kid]);
    const certificate = new X509Certificate(certs[pusher.kid]);
    expect(certificate.publicKey.export({ type: 'spki', format: 'pem' })).toBe(pusher.publicKeyPem);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
  });

  it('pushes the real body with a token verifyIdToken accepts', async () => {
    const status = await pusher.push(
      target,
      { emailAddress: MAILBOX, historyId: 123456 },
      { audience: AUDIENCE, serviceAccountEmail: SERVICE_ACCOUNT, messageId: '2070443601311540' },
    );
    expect(status).toBe(204);
    const last = received[received.length - 1];
    expect(last.payload).toMatchObject({
      iss: 'https://accounts.google.com',
      aud: AUDIENCE,
      email: SERVICE_ACCOUNT,
      email_verified: true,
    });
    const message = last.body.message as Record<string, string>;
    expect(message.messageId).toBe('2070443601311540');
    expect(message.message_id).toBe('2070443601311540');
    expect(Date.parse(message.publishTime)).not.toBeNaN();
    expect(JSON.parse(Buffer.from(message.data, 'base64').toString('utf8'))).toEqual({
      emailAddress: MAILBOX,
      historyId: 123456,
    });
    expect(last.body.subscription).toBe('projects/renos-test/subscriptions/gmail-push');
  });

  it.each(['signature', 'audience', 'expired', 'issuer', 'unknown-kid'] as const)(
    'a token with a bad %s is rejected',
    async (tamper) => {
      const status = await pusher.push(
        target,
        { emailAddress: MAILBOX, historyId: '1' },
        { audience: AUDIENCE, serviceAccountEmail: SERVICE_ACCOUNT, tamper },
      );
      expect(status).toBe(401);
    },
  );

  it('passes email_verified: false through (the app must check it)', async () => {
    const status = await pusher.push(
      target,
      { emailAddress: MAILBOX, historyId: 1 },
      { audience: AUDIENCE, serviceAccountEmail: SERVICE_ACCOUNT, emailVerified: false },
    );
    expect(status).toBe(204);
    expect(received[received.length - 1].payload?.email_verified).toBe(false);
  });

  it('can push without Authorization', async () => {
    expect(
      await pusher.push(
        target,
        { emailAddress: MAILBOX, historyId: 1 },
        { audience: AUDIENCE, serviceAccountEmail: SERVICE_ACCOUNT, noAuth: true },
      ),
    ).toBe(401);
  });
});

describe('Calendar fake (googleapis calendar v3)', () => {
  const calendarFake = new CalendarFake();
  let api: ReturnType<typeof calendarApi>;

  beforeAll(async () => {
    await calendarFake.start();
    const auth = new googleAuth.OAuth2();
    auth.setCredentials({ access_token: 'ya29.fixed', expiry_date: Date.now() + 3600e3 });
    api = calendarApi({ version: 'v3', auth, rootUrl: calendarFake.rootUrl });
  });
  afterAll(() => calendarFake.close());

  const id = `${'0123456789abcdef0123456789abcdef'}1`;
  const event = {
    id,
    summary: 'Hovedrengøring',
    start: { dateTime: '2026-03-27T09:00:00Z', timeZone: 'Europe/Copenhagen' },
    end: { dateTime: '2026-03-27T12:00:00Z', timeZone: 'Europe/Copenhagen' },
  };

  it('inserts with a client id; the same id again is 409 duplicate', async () => {
    const { data, status } = await api.events.insert({ calendarId: 'primary', requestBody: event });
    expect(status).toBe(200);
    expect(data).toMatchObject({
      kind: 'calendar#event',
      id,
      status: 'confirmed',
      summary: 'Hovedrengøring',
    });
    const error = await rejection(api.events.insert({ calendarId: 'primary', requestBody: event }));
    expect(error.status).toBe(409);
    expect(error.response?.data).toMatchObject({
      error: {
        code: 409,
        message: 'The requested identifier already exists.',
        errors: [{ reason: 'duplicate' }],
      },
    });
    const invalid = await rejection(
      api.events.insert({ calendarId: 'primary', requestBody: { ...event, id: 'WXYZ-1' } }),
    );
    expect(invalid.status).toBe(400);
  });

  it('patches, computes free/busy, deletes (second delete 410)', async () => {
    const { data: patched } = await api.events.patch({
      calendarId: 'primary',
      eventId: id,
      requestBody: {
        start: { dateTime: '2026-03-30T08:00:00Z' },
        end: { dateTime: '2026-03-30T11:00:00Z' },
      },
    });
    expect(patched.sequence).toBe(1);
    expect(patched.summary).toBe('Hovedrengøring');
    expect(patched.start?.timeZone).toBe('Europe/Copenhagen');

    calendarFake.setBusy('primary', [{ start: '2026-03-30T10:30:00Z', end: '2026-03-30T13:00:00Z' }]);
    calendarFake.setBusy('team2@group.calendar.google.com', [
      { start: '2026-03-31T07:00:00Z', end: '2026-03-31T08:00:00Z' },
    ]);
    calendarFake.markNotFound('gone@group.calendar.google.com');
    const { data: fb } = await api.freebusy.query({
      requestBody: {
        timeMin: '2026-03-30T00:00:00Z',
        timeMax: '2026-04-01T00:00:00Z',
        items: [
          { id: 'primary' },
          { id: 'team2@group.calendar.google.com' },
          { id: 'gone@group.calendar.google.com' },
        ],
      },
    });
    expect(fb.calendars?.primary.busy).toEqual([
      { start: '2026-03-30T08:00:00Z', end: '2026-03-30T13:00:00Z' },
    ]);
    expect(fb.calendars?.['team2@group.calendar.google.com'].busy).toHaveLength(1);
    expect(fb.calendars?.['gone@group.calendar.google.com'].errors?.[0].reason).toBe('notFound');

    const deleted = await api.events.delete({ calendarId: 'primary', eventId: id });
    expect(deleted.status).toBe(204);
    const again = await rejection(api.events.delete({ calendarId: 'primary', eventId: id }));
    expect(again.status).toBe(410);
    expect(again.response?.data).toMatchObject({ error: { errors: [{ reason: 'deleted' }] } });
    const unknown = await rejection(api.events.delete({ calendarId: 'primary', eventId: 'abcdefabcdef' }));
    expect(unknown.status).toBe(404);

    const { data: after } = await api.freebusy.query({
      requestBody: {
        timeMin: '2026-03-30T00:00:00Z',
        timeMax: '2026-04-01T00:00:00Z',
        items: [{ id: 'primary' }],
      },
    });
    expect(after.calendars?.primary.busy).toEqual([
      { start: '2026-03-30T10:30:00Z', end: '2026-03-30T13:00:00Z' },
    ]);
    expect(calendarFake.calls().map((c) => c.method)).toEqual([
      'events.insert',
      'events.insert',
      'events.insert',
      'events.patch',
      'freebusy.query',
      'events.delete',
      'events.delete',
      'events.delete',
      'freebusy.query',
    ]);
  });
});

describe('Gemini fake (@google/genai)', () => {
  const gemini = new GeminiFake({ apiKey: 'test-key' });
  let ai: GoogleGenAI;
  const responseSchema = {
    type: Type.OBJECT,
    properties: { customerName: { type: Type.STRING }, confidence: { type: Type.NUMBER } },
    required: ['customerName'],
  };

  beforeAll(async () => {
    await gemini.start();
    ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: gemini.url } });
  });
  afterAll(() => gemini.close());

  it('returns the responder JSON in response.text and records the request', async () => {
    gemini.respondWith((request) => ({
      customerName: request.contentsText.includes('Søren') ? 'Søren' : '?',
      confidence: 0.9,
    }));
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Navn: Søren Ærø',
      config: { responseMimeType: 'application/json', responseSchema, systemInstruction: 'Extract fields.' },
    });
    expect(JSON.parse(response.text as string)).toEqual({ customerName: 'Søren', confidence: 0.9 });
    expect(response.candidates?.[0].finishReason).toBe('STOP');
    expect(response.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    const request = gemini.lastRequest();
    expect(request).toMatchObject({
      model: 'gemini-2.5-flash',
      method: 'generateContent',
      apiKey: 'test-key',
      contentsText: 'Navn: Søren Ærø',
      systemInstructionText: 'Extract fields.',
      responseMimeType: 'application/json',
    });
    expect(request?.responseSchema).toMatchObject({ type: 'OBJECT', required: ['customerName'] });
  });

  it('answers error bodies, raw text and timeouts', async () => {
    gemini.respondOnce(
      geminiError(429),
      { status: 503, body: { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } } },
      geminiText('not json'),
    );
    const call = (): Promise<{ text: string | undefined }> =>
      ai.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: 'x',
        config: { responseMimeType: 'application/json' },
      });
    const first = await rejection(call());
    expect(first).toBeInstanceOf(ApiError);
    expect(first.status).toBe(429);
    expect(JSON.parse(first.message)).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
    expect((await rejection(call())).status).toBe(503);
    expect((await call()).text).toBe('not json');

    gemini.respondWith(() => 'timeout');
    const impatient = new GoogleGenAI({
      apiKey: 'test-key',
      httpOptions: { baseUrl: gemini.url, timeout: 200 },
    });
    const started = Date.now();
    await expect(
      impatient.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);

    const wrongKey = new GoogleGenAI({ apiKey: 'nope', httpOptions: { baseUrl: gemini.url } });
    expect(
      (await rejection(wrongKey.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }))).status,
    ).toBe(400);
  });
});
