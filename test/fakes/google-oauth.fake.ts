import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { FakeHttpServer, type FakeRequest, type RunningFake, sendEmpty, sendJson } from './http.js';

/**
 * Google's OAuth 2.0 token endpoint (https://oauth2.googleapis.com/token) as google-auth-library's
 * OAuth2Client calls it: `POST` `application/x-www-form-urlencoded` with `grant_type=refresh_token`,
 * `refresh_token`, `client_id`, `client_secret`. Success: `{ access_token, expires_in, scope,
 * token_type: 'Bearer' }`. A revoked refresh token: 400 `{ error: 'invalid_grant', error_description:
 * 'Token has been expired or revoked.' }`. Also `POST /revoke?token=` like oauth2.googleapis.com/revoke.
 *
 * The consent page (https://accounts.google.com/o/oauth2/v2/auth, GOOGLE_OAUTH_AUTH_URL) is `GET /auth`:
 * as if the user had signed in and agreed (or refused, `consent('deny')`), it redirects (302) to
 * `redirect_uri` with `code` and `state` (or `error=access_denied`). The code is exchanged once with
 * `grant_type=authorization_code`, the same `redirect_uri` and the PKCE `code_verifier` whose S256 hash
 * was the `code_challenge`; the answer carries a new refresh token for `consentAccount`.
 *
 * Point the SDK at it with `new OAuth2Client({ clientId, clientSecret, endpoints: { oauth2TokenUrl:
 * fake.tokenUrl } })` (GOOGLE_OAUTH_TOKEN_URL).
 */

export interface GoogleOAuthFakeOptions {
  /** When set, a different client_id answers 401 invalid_client. */
  clientId?: string;
  /** When set, a different client_secret answers 401 invalid_client. */
  clientSecret?: string;
  /** Seconds; Google answers 3599. */
  expiresIn?: number;
  scope?: string;
  /**
   * Refresh tokens the fake knows, with the account (e-mail) each belongs to. With none registered,
   * any refresh token is accepted and belongs to `defaultAccount`.
   */
  refreshTokens?: Record<string, string>;
  defaultAccount?: string;
  /** The account that agrees on the consent page (default `defaultAccount`). */
  consentAccount?: string;
}

/** What the consent page was asked for. */
export interface ConsentCall {
  at: Date;
  query: Record<string, string>;
  /** Where the browser was sent: the redirect URI with code or error, or null when the request was refused. */
  location: string | null;
  status: number;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  account: string;
  used: boolean;
}

export interface TokenCall {
  at: Date;
  grantType: string | null;
  refreshToken: string | null;
  clientId: string | null;
  clientSecret: string | null;
  form: Record<string, string>;
  status: number;
}

export interface IssuedToken {
  accessToken: string;
  refreshToken: string;
  account: string;
  expiresAt: Date;
}

export const DEFAULT_SCOPE =
  'https://www.googleapis.com/auth/gmail.modify https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/calendar';

export class GoogleOAuthFake {
  private readonly http = new FakeHttpServer('google-oauth', (req, res) => this.handle(req, res));
  private readonly revoked = new Set<string>();
  private readonly known = new Map<string, string>();
  private readonly issuedTokens: IssuedToken[] = [];
  private readonly tokenCalls: TokenCall[] = [];
  private readonly failures: { status: number; body: unknown }[] = [];
  private readonly revokeCalls: string[] = [];
  private readonly consentCalls: ConsentCall[] = [];
  private readonly codes = new Map<string, IssuedCode>();
  private consentAnswer: 'approve' | 'deny' = 'approve';
  /** Refresh tokens handed out by the code exchange; accepted beside `known` without switching modes. */
  private readonly granted = new Map<string, string>();
  private omitRefreshToken = false;

  constructor(private readonly options: GoogleOAuthFakeOptions = {}) {
    for (const [token, account] of Object.entries(options.refreshTokens ?? {}))
      this.known.set(token, account);
  }

  start(): Promise<RunningFake> {
    return this.http.start();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  get url(): string {
    return this.http.url;
  }

  /** The value for OAuth2Client `endpoints.oauth2TokenUrl` / GOOGLE_OAUTH_TOKEN_URL. */
  get tokenUrl(): string {
    return `${this.http.url}/token`;
  }

  /** The consent page (GOOGLE_OAUTH_AUTH_URL). */
  get authUrl(): string {
    return `${this.http.url}/auth`;
  }

  /** Whether the user agrees (default) or refuses on the consent page from now on. */
  consent(answer: 'approve' | 'deny'): void {
    this.consentAnswer = answer;
  }

  /**
   * Whether the code exchange leaves out the refresh token (Google does so for a grant the user gave
   * before, when the app did not ask with prompt=consent).
   */
  withoutRefreshToken(on: boolean): void {
    this.omitRefreshToken = on;
  }

  consents(): ConsentCall[] {
    return [...this.consentCalls];
  }

  /** The value for OAuth2Client `endpoints.oauth2RevokeUrl`. */
  get revokeUrl(): string {
    return `${this.http.url}/revoke`;
  }

  /** Registers a refresh token for an account (switches the fake to "known tokens only"). */
  addRefreshToken(refreshToken: string, account: string): void {
    this.known.set(refreshToken, account);
  }

  /** From now on this refresh token answers 400 invalid_grant. */
  revoke(refreshToken: string): void {
    this.revoked.add(refreshToken);
  }

  unrevoke(refreshToken: string): void {
    this.revoked.delete(refreshToken);
  }

  /** The next token request answers `status` with `body` (default: a Google-style error for it). */
  failNext(status: number, body?: unknown, times = 1): void {
    for (let i = 0; i < times; i += 1)
      this.failures.push({ status, body: body ?? defaultTokenError(status) });
  }

  calls(): TokenCall[] {
    return [...this.tokenCalls];
  }

  issued(): IssuedToken[] {
    return [...this.issuedTokens];
  }

  revokedViaEndpoint(): string[] {
    return [...this.revokeCalls];
  }

  /**
   * Whether an access token is still good: issued here, not expired, and its refresh token not revoked
   * (Google's revocation ends the access tokens made from it too). Tokens not issued here pass, so a
   * fake wired without this OAuth fake keeps accepting any token.
   */
  accessTokenValid(accessToken: string): boolean {
    const issued = this.issuedTokens.find((t) => t.accessToken === accessToken);
    if (!issued) return true;
    return !this.revoked.has(issued.refreshToken) && issued.expiresAt.getTime() > Date.now();
  }

  /** The account an access token issued by this fake belongs to (for mapping tokens to mailboxes). */
  accountFor(accessToken: string): string | undefined {
    return this.issuedTokens.find((t) => t.accessToken === accessToken)?.account;
  }

  reset(): void {
    this.revoked.clear();
    this.issuedTokens.length = 0;
    this.tokenCalls.length = 0;
    this.failures.length = 0;
    this.revokeCalls.length = 0;
    this.consentCalls.length = 0;
    this.codes.clear();
    this.consentAnswer = 'approve';
    this.omitRefreshToken = false;
  }

  private handle(req: FakeRequest, res: ServerResponse): void {
    if (req.method === 'GET' && req.path === '/auth') return this.consentPage(req, res);
    if (req.method === 'POST' && req.path === '/token') return this.token(req, res);
    if (req.method === 'POST' && req.path === '/revoke') {
      const form = new URLSearchParams(req.text());
      const token = req.query.get('token') ?? form.get('token');
      if (!token)
        return sendJson(res, 400, { error: 'invalid_request', error_description: 'Missing token.' });
      this.revokeCalls.push(token);
      this.revoked.add(token);
      return sendEmpty(res, 200);
    }
    sendJson(res, 404, { error: 'not_found', error_description: `No route ${req.method} ${req.path}` });
  }

  /** Google's consent page after the user chose: a 302 back to the app, or 400 for a broken request. */
  private consentPage(req: FakeRequest, res: ServerResponse): void {
    const query = Object.fromEntries(req.query);
    const call: ConsentCall = { at: new Date(), query, location: null, status: 400 };
    this.consentCalls.push(call);
    const refuse = (message: string) =>
      sendJson(res, 400, { error: 'invalid_request', error_description: message });
    const redirectUri = req.query.get('redirect_uri');
    if (!redirectUri) return refuse('Missing required parameter: redirect_uri');
    if (this.options.clientId !== undefined && req.query.get('client_id') !== this.options.clientId)
      return refuse('The OAuth client was not found.');
    if (!req.query.get('client_id')) return refuse('Missing required parameter: client_id');
    if (req.query.get('response_type') !== 'code') return refuse('Invalid response_type');
    if (!req.query.get('scope')) return refuse('Missing required parameter: scope');
    const challenge = req.query.get('code_challenge');
    if (!challenge || req.query.get('code_challenge_method') !== 'S256')
      return refuse('Missing code_challenge or code_challenge_method=S256');
    const target = new URL(redirectUri);
    const state = req.query.get('state');
    if (this.consentAnswer === 'deny') {
      target.searchParams.set('error', 'access_denied');
    } else {
      const code = `4/0fake-${randomBytes(18).toString('base64url')}`;
      this.codes.set(code, {
        clientId: req.query.get('client_id') as string,
        redirectUri,
        codeChallenge: challenge,
        scope: req.query.get('scope') as string,
        account: this.options.consentAccount ?? this.options.defaultAccount ?? 'info@rendetalje.dk',
        used: false,
      });
      target.searchParams.set('code', code);
      target.searchParams.set('scope', req.query.get('scope') as string);
    }
    if (state !== null) target.searchParams.set('state', state);
    call.location = target.toString();
    call.status = 302;
    sendEmpty(res, 302, { location: call.location });
  }

  /** `grant_type=authorization_code`: the code once, for its client and redirect URI, with the PKCE verifier. */
  private exchangeCode(
    form: URLSearchParams,
    clientId: string | null,
    answer: (status: number, body: unknown) => void,
  ): void {
    const invalid = (description: string) =>
      answer(400, { error: 'invalid_grant', error_description: description });
    const code = form.get('code');
    const issued = code ? this.codes.get(code) : undefined;
    if (!issued || issued.used) return invalid('Malformed auth code.');
    issued.used = true;
    if (issued.clientId !== clientId)
      return answer(401, { error: 'unauthorized_client', error_description: 'Unauthorized' });
    if (form.get('redirect_uri') !== issued.redirectUri)
      return answer(400, { error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== issued.codeChallenge)
      return invalid('Invalid code verifier.');
    const expiresIn = this.options.expiresIn ?? 3599;
    const accessToken = `ya29.fake-${randomBytes(24).toString('base64url')}`;
    const refreshToken = `1//0fake-${randomBytes(24).toString('base64url')}`;
    if (!this.omitRefreshToken) this.granted.set(refreshToken, issued.account);
    this.issuedTokens.push({
      accessToken,
      refreshToken,
      account: issued.account,
      expiresAt: new Date(Date.now() + expiresIn * 1000),
    });
    answer(200, {
      access_token: accessToken,
      expires_in: expiresIn,
      scope: issued.scope,
      token_type: 'Bearer',
      ...(this.omitRefreshToken ? {} : { refresh_token: refreshToken }),
    });
  }

  private token(req: FakeRequest, res: ServerResponse): void {
    const form = new URLSearchParams(req.text());
    const basic = parseBasic(req.headers.authorization);
    const clientId = form.get('client_id') ?? basic?.id ?? null;
    const clientSecret = form.get('client_secret') ?? basic?.secret ?? null;
    const grantType = form.get('grant_type');
    const refreshToken = form.get('refresh_token');
    const record = (status: number): void => {
      this.tokenCalls.push({
        at: new Date(),
        grantType,
        refreshToken,
        clientId,
        clientSecret,
        form: Object.fromEntries(form),
        status,
      });
    };
    const answer = (status: number, body: unknown): void => {
      record(status);
      sendJson(res, status, body, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
    };

    const failure = this.failures.shift();
    if (failure) return answer(failure.status, failure.body);

    if (this.options.clientSecret !== undefined && clientSecret !== this.options.clientSecret) {
      return answer(401, { error: 'invalid_client', error_description: 'Unauthorized' });
    }
    if (grantType === 'authorization_code') return this.exchangeCode(form, clientId, answer);
    if (grantType !== 'refresh_token') {
      return answer(400, {
        error: 'unsupported_grant_type',
        error_description: `Invalid grant_type: ${grantType ?? ''}`,
      });
    }
    if (this.options.clientId !== undefined && clientId !== this.options.clientId) {
      return answer(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    }
    if (this.options.clientSecret !== undefined && clientSecret !== this.options.clientSecret) {
      return answer(401, { error: 'invalid_client', error_description: 'Unauthorized' });
    }
    if (!refreshToken) {
      return answer(400, {
        error: 'invalid_request',
        error_description: 'Missing required parameter: refresh_token',
      });
    }
    if (this.revoked.has(refreshToken)) {
      return answer(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    }
    if (this.known.size > 0 && !this.known.has(refreshToken) && !this.granted.has(refreshToken)) {
      return answer(400, { error: 'invalid_grant', error_description: 'Bad Request' });
    }
    const expiresIn = this.options.expiresIn ?? 3599;
    const accessToken = `ya29.fake-${randomBytes(24).toString('base64url')}`;
    this.issuedTokens.push({
      accessToken,
      refreshToken,
      account:
        this.known.get(refreshToken) ??
        this.granted.get(refreshToken) ??
        this.options.defaultAccount ??
        'info@rendetalje.dk',
      expiresAt: new Date(Date.now() + expiresIn * 1000),
    });
    answer(200, {
      access_token: accessToken,
      expires_in: expiresIn,
      scope: this.options.scope ?? DEFAULT_SCOPE,
      token_type: 'Bearer',
    });
  }
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

function defaultTokenError(status: number): unknown {
  if (status === 400)
    return { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
  if (status === 401) return { error: 'invalid_client', error_description: 'Unauthorized' };
  if (status === 429) return { error: 'rate_limit_exceeded', error_description: 'Rate limit exceeded.' };
  return { error: 'internal_failure', error_description: 'Backend Error' };
}
