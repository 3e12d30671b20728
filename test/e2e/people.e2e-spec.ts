import { randomUUID } from 'node:crypto';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { FakeCloud } from '../fakes/cloud.js';
import type { SentMessage } from '../fakes/gmail.fake.js';
import { bootTestApp, recordingLogger, type TestApp } from '../support/app.js';
import { drainTenant } from '../support/drain.js';
import { eventually } from '../support/eventually.js';
import {
  createTenant,
  createUser,
  login,
  ownerDb,
  type Session,
  signIn,
  type TenantFixture,
  TEST_PASSWORD,
} from '../support/fixtures.js';
import { fieldsOf } from '../support/http.js';

/**
 * People management from the people's side: an admin invites an e-mail, the invitee reads the link in
 * the e-mail the tenant's Gmail (the fake) sent and accepts it — as a new account, or as an account of
 * another business unit that joins this one. Links are single use and expire on the app's clock;
 * "forgot password" answers the same for any e-mail and its link ends every session; /auth/me shows
 * and changes one's own name and password.
 */

const PUBLIC_BASE_URL = 'https://renos.test';
const NEW_PASSWORD = 'Et-helt-nyt-kodeord-2027';

const newEmail = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}@example.dk`;

describe('people', () => {
  const cloud = new FakeCloud({
    appUrl: PUBLIC_BASE_URL,
    gmailAddress: `info-${randomUUID().slice(0, 8)}@firma-a.dk`,
  });
  const { gmail } = cloud;
  let test: TestApp;
  /** Every line the app logs (at debug level, in the production format), and every link token read. */
  const logLines: string[] = [];
  const tokensSeen = new Set<string>();
  let a: { tenant: TenantFixture; admin: Session & { user: { id: string; email: string } } };
  let b: { tenant: TenantFixture; admin: Session & { user: { id: string; email: string } } };

  const request = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    session: Session | undefined,
    payload?: object,
    remoteAddress?: string,
  ) =>
    test.app.inject({
      method,
      url,
      headers: session?.auth ?? {},
      payload,
      ...(remoteAddress ? { remoteAddress } : {}),
    });

  const mailsTo = (address: string): SentMessage[] =>
    gmail.sent().filter((mail) => mail.to?.toLowerCase().includes(address.toLowerCase()));

  /** The `count`-th e-mail to the address (1-based), once the fake Gmail has it. */
  const mailTo = (address: string, count = 1) =>
    eventually(async () => mailsTo(address)[count - 1], { what: `e-mail ${count} to ${address}` });

  /** The token of the link in an e-mail, read as a person would: from the text. */
  const tokenIn = (mail: SentMessage, path: string): string => {
    const text = mail.parsed.text ?? '';
    const match = new RegExp(`${PUBLIC_BASE_URL}/${path}#token=([A-Za-z0-9_-]+)`).exec(text);
    if (!match) throw new Error(`no ${path} link in: ${text}`);
    tokensSeen.add(match[1]!);
    return match[1]!;
  };

  const invite = async (admin: Session, payload: { email: string; role: string; name?: string }) => {
    const response = await request('POST', '/api/invitations', admin, payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; email: string; role: string; expiresAt: string };
  };

  const accept = (payload: object) => request('POST', '/api/invitations/accept', undefined, payload);

  async function connectGoogle(admin: Session, gmailAddress: string) {
    const stored = await request('PUT', '/api/integrations/google', admin, {
      clientId: 'people.apps.googleusercontent.com',
      clientSecret: 'GOCSPX-people',
      refreshToken: `1//people-${randomUUID()}`,
      gmailAddress,
    });
    expect(stored.statusCode, stored.body).toBe(200);
  }

  beforeAll(async () => {
    await cloud.start();
    const env = {
      PUBLIC_BASE_URL,
      GOOGLE_API_BASE_URL: cloud.googleRootUrl,
      GOOGLE_OAUTH_TOKEN_URL: cloud.oauth.tokenUrl,
      LOG_LEVEL: 'debug',
    };
    const logger = recordingLogger(env, logLines);
    test = await bootTestApp({ env, logger });
    for (const [key, name] of [
      ['a', 'Rengøring Aarhus'],
      ['b', 'Rengøring Odense'],
    ] as const) {
      const tenant = await createTenant(name);
      const admin = await signIn(test.app, tenant.id, 'admin');
      await connectGoogle(admin, `kontor-${key}-${randomUUID().slice(0, 8)}@example.dk`);
      if (key === 'a') a = { tenant, admin };
      else b = { tenant, admin };
    }
  });

  afterEach(() => test.clock.reset());

  afterAll(async () => {
    await test?.close();
    await cloud.close();
  });

  describe('invitations', () => {
    it('a new e-mail: the admin invites, the invitee reads the link in the e-mail and gets an account with the role', async () => {
      const email = newEmail('mette');
      const invitation = await invite(a.admin, { email, role: 'staff', name: 'Mette Jensen' });
      expect(invitation).toMatchObject({ email, role: 'staff', name: 'Mette Jensen' });
      expect(JSON.stringify(invitation)).not.toMatch(/token/i);
      const days = (Date.parse(invitation.expiresAt) - test.clock.now().getTime()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThan(7.1);

      const listed = await request('GET', '/api/invitations', a.admin);
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json().data).toContainEqual(expect.objectContaining({ id: invitation.id, email }));

      const mail = await mailTo(email);
      expect(mail.subject).toBe('Du er inviteret til Rengøring Aarhus i RenOS');
      const text = mail.parsed.text ?? '';
      expect(text).toMatch(/^Hej Mette\n/);
      expect(text).toContain('har inviteret dig til at bruge RenOS hos Rengøring Aarhus som medarbejder.');
      expect(text).toMatch(
        /Linket virker indtil \S+dag d\. \d{1,2}\. \S+ \d{4} kl\. \d{2}\.\d{2} og kan kun bruges én gang\./,
      );
      const token = tokenIn(mail, 'invitation');

      // The queued send carries the e-mail's id, never the link's token; the database keeps only its hash.
      const jobs = await ownerDb().outboxJob.findMany({
        where: { tenantId: a.tenant.id, jobName: 'email.send' },
      });
      expect(jobs.length).toBeGreaterThan(0);
      for (const job of jobs) expect(JSON.stringify(job.payload)).not.toContain(token);
      const row = await ownerDb().invitation.findUniqueOrThrow({ where: { id: invitation.id } });
      expect(row.tokenHash).not.toContain(token);

      // A new account needs a password: the link stays usable when it is missing.
      const withoutPassword = await accept({ token });
      expect(withoutPassword.statusCode, withoutPassword.body).toBe(400);
      expect(fieldsOf(withoutPassword.json())).toEqual(new Set(['password']));
      const tooShort = await accept({ token, password: 'kort' });
      expect(tooShort.statusCode).toBe(400);
      expect(fieldsOf(tooShort.json())).toEqual(new Set(['password']));

      const accepted = await accept({ token, password: NEW_PASSWORD });
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json()).toMatchObject({
        email,
        tenantId: a.tenant.id,
        tenantName: 'Rengøring Aarhus',
        role: 'staff',
        newAccount: true,
      });

      const session = await login(test.app, { email, password: NEW_PASSWORD });
      const me = await request('GET', '/api/auth/me', session);
      expect(me.json()).toMatchObject({
        user: { email, name: 'Mette Jensen' },
        tenant: { id: a.tenant.id, role: 'staff' },
      });
      const members = await request('GET', '/api/users?pageSize=100', a.admin);
      expect(members.json().data).toContainEqual(
        expect.objectContaining({ email, name: 'Mette Jensen', role: 'staff', active: true }),
      );
      const pending = await request('GET', '/api/invitations', a.admin);
      expect(pending.json().data.map((i: { id: string }) => i.id)).not.toContain(invitation.id);
    });

    it('is single use: a used token answers exactly like one that never existed', async () => {
      const email = newEmail('single');
      await invite(a.admin, { email, role: 'viewer', name: 'Søren Ørsted' });
      const token = tokenIn(await mailTo(email), 'invitation');
      expect((await accept({ token, password: NEW_PASSWORD })).statusCode).toBe(200);

      const again = await accept({ token, password: 'Et-andet-kodeord-2027' });
      const unknown = await accept({ token: 'x'.repeat(43), password: 'Et-andet-kodeord-2027' });
      expect(again.statusCode).toBe(400);
      expect(unknown.statusCode).toBe(400);
      const { requestId: _a, ...usedBody } = again.json();
      const { requestId: _b, ...unknownBody } = unknown.json();
      expect(usedBody).toEqual(unknownBody);
      expect(usedBody.message).toBe('The link is invalid or has already been used');
      expect(again.body).not.toContain(token);
      // The first password stands.
      await login(test.app, { email, password: NEW_PASSWORD });
    });

    it('an e-mail with an account in another business unit joins this one with the invited role, its password untouched', async () => {
      const existing = await createUser(a.tenant.id, 'staff');
      const invitation = await invite(b.admin, { email: existing.email, role: 'manager' });
      const mail = await mailTo(existing.email);
      expect(mail.subject).toBe('Du er inviteret til Rengøring Odense i RenOS');
      expect(mail.parsed.text).toMatch(/^Hej\n/);
      expect(mail.parsed.text).toContain('hos Rengøring Odense som leder.');

      // A password given anyway changes nothing: an invitation is no way into someone's account.
      const accepted = await accept({ token: tokenIn(mail, 'invitation'), password: 'Overtag-kontoen-2027' });
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json()).toMatchObject({
        userId: existing.id,
        tenantId: b.tenant.id,
        role: 'manager',
        newAccount: false,
      });

      const session = await login(test.app, existing);
      expect(
        (
          await request('POST', '/api/auth/login', undefined, {
            email: existing.email,
            password: 'Overtag-kontoen-2027',
          })
        ).statusCode,
      ).toBe(401);
      const me = await request('GET', '/api/auth/me', session);
      expect(me.json().tenants).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: a.tenant.id, role: 'staff' }),
          expect.objectContaining({ id: b.tenant.id, role: 'manager' }),
        ]),
      );
      const switched = await request('POST', '/api/auth/switch-tenant', session, { tenantId: b.tenant.id });
      expect(switched.statusCode, switched.body).toBe(200);
      expect(switched.json().tenant).toMatchObject({ id: b.tenant.id, role: 'manager' });
      const pending = await request('GET', '/api/invitations', b.admin);
      expect(pending.json().data.map((i: { id: string }) => i.id)).not.toContain(invitation.id);

      // Now a member of B: inviting them again is the one conflict.
      const twice = await request('POST', '/api/invitations', b.admin, {
        email: existing.email,
        role: 'staff',
      });
      expect(twice.statusCode, twice.body).toBe(409);
    });

    it('re-inviting replaces the link; an expired link is refused with its own message and leaves the list', async () => {
      const email = newEmail('later');
      const first = await invite(a.admin, { email, role: 'staff', name: 'Lise Lund' });
      const firstToken = tokenIn(await mailTo(email, 1), 'invitation');
      const second = await invite(a.admin, { email, role: 'manager', name: 'Lise Lund' });
      const secondToken = tokenIn(await mailTo(email, 2), 'invitation');
      expect(secondToken).not.toBe(firstToken);

      const listed = (await request('GET', '/api/invitations', a.admin)).json().data as Array<{
        id: string;
        email: string;
      }>;
      expect(listed.filter((i) => i.email === email).map((i) => i.id)).toEqual([second.id]);
      expect(listed.map((i) => i.id)).not.toContain(first.id);
      const replaced = await accept({ token: firstToken, password: NEW_PASSWORD });
      expect(replaced.statusCode).toBe(400);
      expect(replaced.json().message).toBe('The link is invalid or has already been used');

      // Eight days on, by the app's clock.
      test.clock.set(new Date(test.clock.now().getTime() + 8 * 86_400_000));
      const expired = await accept({ token: secondToken, password: NEW_PASSWORD });
      expect(expired.statusCode, expired.body).toBe(400);
      expect(expired.json()).toMatchObject({
        message: 'The link has expired',
        details: [{ field: 'token', message: 'token has expired; ask for a new link' }],
      });
      const later = (await request('GET', '/api/invitations', a.admin)).json().data as Array<{ id: string }>;
      expect(later.map((i) => i.id)).not.toContain(second.id);
      test.clock.reset();
      expect(
        (await request('POST', '/api/auth/login', undefined, { email, password: NEW_PASSWORD })).statusCode,
      ).toBe(401);
    });

    it('only an admin invites or lists; a bad body names its field', async () => {
      const manager = await signIn(test.app, a.tenant.id, 'manager');
      expect(
        (await request('POST', '/api/invitations', manager, { email: newEmail('x'), role: 'staff' }))
          .statusCode,
      ).toBe(403);
      expect((await request('GET', '/api/invitations', manager)).statusCode).toBe(403);
      const bad = await request('POST', '/api/invitations', a.admin, {
        email: 'ikke-en-adresse',
        role: 'chef',
      });
      expect(bad.statusCode).toBe(400);
      expect(fieldsOf(bad.json())).toEqual(new Set(['email', 'role']));
      // A/B isolation: A's invitations are not in B's list.
      const email = newEmail('isolated');
      await invite(a.admin, { email, role: 'viewer' });
      const bList = (await request('GET', '/api/invitations', b.admin)).json().data as Array<{
        email: string;
      }>;
      expect(bList.map((i) => i.email)).not.toContain(email);
    });

    it('an admin withdraws a pending invitation: its link stops working; another tenant cannot touch it', async () => {
      const email = newEmail('withdrawn');
      const invitation = await invite(a.admin, { email, role: 'staff', name: 'Bo Berg' });
      const token = tokenIn(await mailTo(email), 'invitation');
      const url = `/api/invitations/${invitation.id}`;
      const fromB = await test.app.inject({ method: 'DELETE', url, headers: b.admin.auth });
      expect(fromB.statusCode).toBe(404);
      const withdrawn = await test.app.inject({ method: 'DELETE', url, headers: a.admin.auth });
      expect(withdrawn.statusCode, withdrawn.body).toBe(204);
      expect((await test.app.inject({ method: 'DELETE', url, headers: a.admin.auth })).statusCode).toBe(404);
      const refused = await accept({ token, password: NEW_PASSWORD });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().message).toBe('The link is invalid or has already been used');
    });
  });

  describe('forgot and reset password', () => {
    it('answers 202 alike for an unknown e-mail and sends nothing; the link sets the password and ends every session', async () => {
      const user = await createUser(a.tenant.id, 'staff');
      const laptop = await login(test.app, user);
      const phone = await login(test.app, user);

      const unknownEmail = newEmail('ingen');
      const unknown = await request('POST', '/api/auth/forgot-password', undefined, { email: unknownEmail });
      const known = await request('POST', '/api/auth/forgot-password', undefined, { email: user.email });
      expect(unknown.statusCode).toBe(202);
      expect(known.statusCode).toBe(202);
      expect(unknown.body).toBe(known.body);

      const mail = await mailTo(user.email);
      expect(mail.subject).toBe('Nulstil din adgangskode til RenOS');
      expect(mail.parsed.text).toMatch(/^Hej Test\n/);
      expect(mail.parsed.text).toContain(`adgangskoden til din RenOS-konto (${user.email})`);
      expect(mail.parsed.text).toMatch(
        /Linket virker i en time \(til kl\. \d{2}\.\d{2}\) og kan kun bruges én gang\./,
      );
      const token = tokenIn(mail, 'reset-password');
      await drainTenant(test.app, a.tenant.id);
      expect(mailsTo(unknownEmail)).toEqual([]);
      const rows = await ownerDb().outboundEmail.findMany({ where: { to: unknownEmail } });
      expect(rows).toEqual([]);

      const tooShort = await request('POST', '/api/auth/reset-password', undefined, {
        token,
        password: 'kort',
      });
      expect(tooShort.statusCode).toBe(400);
      expect(fieldsOf(tooShort.json())).toEqual(new Set(['password']));

      const reset = await request('POST', '/api/auth/reset-password', undefined, {
        token,
        password: NEW_PASSWORD,
      });
      expect(reset.statusCode, reset.body).toBe(204);
      for (const session of [laptop, phone]) {
        expect((await request('GET', '/api/auth/me', session)).statusCode).toBe(401);
        const refreshed = await request('POST', '/api/auth/refresh', undefined, {
          refreshToken: session.refreshToken,
        });
        expect(refreshed.statusCode).toBe(401);
      }
      expect(
        (await request('POST', '/api/auth/login', undefined, { email: user.email, password: TEST_PASSWORD }))
          .statusCode,
      ).toBe(401);
      await login(test.app, { email: user.email, password: NEW_PASSWORD });

      const again = await request('POST', '/api/auth/reset-password', undefined, {
        token,
        password: 'Et-tredje-kodeord-2027',
      });
      expect(again.statusCode).toBe(400);
      expect(again.json().message).toBe('The link is invalid or has already been used');
    });

    it('a link expires after an hour, and only the newest link works', async () => {
      const user = await createUser(a.tenant.id, 'viewer');
      const ask = async () =>
        expect(
          (await request('POST', '/api/auth/forgot-password', undefined, { email: user.email })).statusCode,
        ).toBe(202);
      await ask();
      const older = tokenIn(await mailTo(user.email, 1), 'reset-password');
      await ask();
      const newer = tokenIn(await mailTo(user.email, 2), 'reset-password');
      const stale = await request('POST', '/api/auth/reset-password', undefined, {
        token: older,
        password: NEW_PASSWORD,
      });
      expect(stale.statusCode).toBe(400);
      expect(stale.json().message).toBe('The link is invalid or has already been used');

      test.clock.set(new Date(test.clock.now().getTime() + 61 * 60_000));
      const expired = await request('POST', '/api/auth/reset-password', undefined, {
        token: newer,
        password: NEW_PASSWORD,
      });
      expect(expired.statusCode).toBe(400);
      expect(expired.json().message).toBe('The link has expired');
      test.clock.reset();
      await login(test.app, user);
    });

    it('is limited per e-mail like logins, known or not', async () => {
      const email = newEmail('flood');
      const address = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1)
        statuses.push(
          (await request('POST', '/api/auth/forgot-password', undefined, { email }, address)).statusCode,
        );
      expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    });
  });

  describe('/auth/me', () => {
    it('shows the caller; PATCH changes the name, and a new password only with the current one, ending the other sessions', async () => {
      const user = await createUser(a.tenant.id, 'staff');
      const here = await login(test.app, user);
      const elsewhere = await login(test.app, user);

      const me = await request('GET', '/api/auth/me', here);
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({
        user: { id: user.id, email: user.email },
        tenant: { id: a.tenant.id, role: 'staff' },
      });

      const renamed = await request('PATCH', '/api/auth/me', here, { name: 'Åse Æbelø' });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.json().user.name).toBe('Åse Æbelø');

      const withoutCurrent = await request('PATCH', '/api/auth/me', here, { newPassword: NEW_PASSWORD });
      expect(withoutCurrent.statusCode).toBe(400);
      expect(fieldsOf(withoutCurrent.json())).toEqual(new Set(['currentPassword']));
      const wrong = await request('PATCH', '/api/auth/me', here, {
        currentPassword: 'forkert-kodeord',
        newPassword: NEW_PASSWORD,
      });
      expect(wrong.statusCode).toBe(400);
      expect(fieldsOf(wrong.json())).toEqual(new Set(['currentPassword']));
      expect((await request('GET', '/api/auth/me', elsewhere)).statusCode).toBe(200);

      const changed = await request('PATCH', '/api/auth/me', here, {
        currentPassword: TEST_PASSWORD,
        newPassword: NEW_PASSWORD,
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect((await request('GET', '/api/auth/me', here)).statusCode).toBe(200);
      expect((await request('GET', '/api/auth/me', elsewhere)).statusCode).toBe(401);
      expect(
        (await request('POST', '/api/auth/refresh', undefined, { refreshToken: elsewhere.refreshToken }))
          .statusCode,
      ).toBe(401);
      expect(
        (await request('POST', '/api/auth/refresh', undefined, { refreshToken: here.refreshToken }))
          .statusCode,
      ).toBe(200);
      await login(test.app, { email: user.email, password: NEW_PASSWORD });
    });
  });

  it('never writes a link token to the log, whatever the request or job', async () => {
    await drainTenant(test.app, a.tenant.id);
    await drainTenant(test.app, b.tenant.id);
    expect(tokensSeen.size).toBeGreaterThan(5);
    expect(logLines.length).toBeGreaterThan(0);
    for (const token of tokensSeen) expect(logLines.filter((line) => line.includes(token))).toEqual([]);
  });
});
