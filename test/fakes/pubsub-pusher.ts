import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { FakeHttpServer, type FakeRequest, type RunningFake, sendJson } from './http.js';

/**
 * Cloud Pub/Sub push delivery of Gmail notifications, with push authentication:
 * - serves Google's signing certificates: `GET /oauth2/v1/certs` → `{ [kid]: "-----BEGIN CERTIFICATE-----…" }`
 *   (self-signed X.509, as www.googleapis.com/oauth2/v1/certs) and `GET /oauth2/v3/certs` → JWKS;
 * - `push()` POSTs the real push body
 *   `{ message: { data, messageId, message_id, publishTime, publish_time, attributes? }, subscription }`
 *   where `data` is base64 of `{"emailAddress":…,"historyId":…}`, with
 *   `Authorization: Bearer <OIDC JWT>` (RS256, kid; claims aud, azp, email, email_verified, exp, iat,
 *   iss https://accounts.google.com, sub).
 *
 * Point google-auth-library at it: `new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl:
 * pusher.certsUrl } })` (GOOGLE_CERTS_URL), then `verifyIdToken({ idToken, audience })`.
 */

export interface PusherOptions {
  subscription?: string;
  /** `Cache-Control: max-age` on the certs response (google-auth-library caches by it). Default 0. */
  certsMaxAgeSeconds?: number;
}

export interface GmailNotification {
  emailAddress: string;
  /** Gmail sends a number; a string is passed through unchanged. */
  historyId: number | string;
}

export type Tamper = 'signature' | 'audience' | 'expired' | 'issuer' | 'unknown-kid';

export interface PushOptions {
  audience: string;
  serviceAccountEmail: string;
  emailVerified?: boolean;
  messageId?: string;
  publishTime?: Date;
  attributes?: Record<string, string>;
  tamper?: Tamper;
  /** Send no Authorization header at all. */
  noAuth?: boolean;
  /** Replace `message.data` with this base64 text (for malformed-payload tests). */
  rawData?: string;
  subscription?: string;
}

export interface PushResult {
  status: number;
  body: string;
  jwt?: string;
  requestBody: PushBody;
}

export interface PushBody {
  message: {
    attributes?: Record<string, string>;
    data: string;
    messageId: string;
    message_id: string;
    publishTime: string;
    publish_time: string;
  };
  subscription: string;
}

export interface JwtClaims {
  aud: string;
  azp: string;
  email: string;
  email_verified: boolean;
  exp: number;
  iat: number;
  iss: string;
  sub: string;
  [claim: string]: unknown;
}

export class PubSubPusher {
  readonly kid: string;
  private readonly http = new FakeHttpServer('pubsub-pusher', (req, res) => this.handle(req, res));
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly certificate: string;
  private readonly strangerKey: KeyObject;
  private certFetches = 0;
  private readonly pushLog: PushResult[] = [];

  constructor(private readonly options: PusherOptions = {}) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const spki = this.publicKey.export({ type: 'spki', format: 'der' });
    this.kid = createHash('sha1').update(spki).digest('hex');
    this.certificate = selfSignedCertificate(this.privateKey, spki, 'fake-pubsub-signer.example.com');
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

  /** The PEM map URL (google-auth-library `endpoints.oauth2FederatedSignonPemCertsUrl`, GOOGLE_CERTS_URL). */
  get certsUrl(): string {
    return `${this.http.url}/oauth2/v1/certs`;
  }

  /** The JWKS URL (`endpoints.oauth2FederatedSignonJwkCertsUrl`). */
  get jwksUrl(): string {
    return `${this.http.url}/oauth2/v3/certs`;
  }

  get certificatePem(): string {
    return this.certificate;
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  certsFetchCount(): number {
    return this.certFetches;
  }

  pushes(): PushResult[] {
    return [...this.pushLog];
  }

  /** Signs an OIDC token like Pub/Sub's; `overrides` replace claims, `tamper` spoils it one way. */
  signJwt(
    claims: { audience: string; serviceAccountEmail: string; emailVerified?: boolean },
    tamper?: Tamper,
    overrides: Partial<JwtClaims> = {},
  ): string {
    const now = Math.floor(Date.now() / 1000);
    const sub = String(
      BigInt(`0x${createHash('sha1').update(claims.serviceAccountEmail).digest('hex').slice(0, 15)}`),
    );
    const payload: JwtClaims = {
      aud: tamper === 'audience' ? `${claims.audience}/not-this-one` : claims.audience,
      azp: sub,
      email: claims.serviceAccountEmail,
      email_verified: claims.emailVerified ?? true,
      exp: tamper === 'expired' ? now - 2 * 3600 : now + 3600,
      iat: tamper === 'expired' ? now - 3 * 3600 : now,
      iss: tamper === 'issuer' ? 'https://evil.example.com' : 'https://accounts.google.com',
      sub,
      ...overrides,
    };
    const header = { alg: 'RS256', kid: tamper === 'unknown-kid' ? 'f'.repeat(40) : this.kid, typ: 'JWT' };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    // 'signature': a well-formed RS256 signature by a key Google never published under this kid.
    const key = tamper === 'signature' ? this.strangerKey : this.privateKey;
    const signature = sign('RSA-SHA256', Buffer.from(signingInput), key).toString('base64url');
    return `${signingInput}.${signature}`;
  }

  /** Builds the push body Pub/Sub sends for a Gmail notification. */
  body(notification: GmailNotification, options: Partial<PushOptions> = {}): PushBody {
    const messageId = options.messageId ?? String(10_000_000_000_000 + Math.floor(Math.random() * 1e12));
    const publishTime = (options.publishTime ?? new Date()).toISOString();
    const data =
      options.rawData ??
      Buffer.from(
        JSON.stringify({ emailAddress: notification.emailAddress, historyId: notification.historyId }),
      ).toString('base64');
    return {
      message: {
        ...(options.attributes ? { attributes: options.attributes } : {}),
        data,
        messageId,
        message_id: messageId,
        publishTime,
        publish_time: publishTime,
      },
      subscription:
        options.subscription ?? this.options.subscription ?? 'projects/renos-test/subscriptions/gmail-push',
    };
  }

  /** POSTs a signed push to `targetUrl`; resolves with the HTTP status. */
  async push(targetUrl: string, notification: GmailNotification, options: PushOptions): Promise<number> {
    return (await this.pushDetailed(targetUrl, notification, options)).status;
  }

  async pushDetailed(
    targetUrl: string,
    notification: GmailNotification,
    options: PushOptions,
  ): Promise<PushResult> {
    const requestBody = this.body(notification, options);
    const jwt = options.noAuth ? undefined : this.signJwt(options, options.tamper);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
    };
    if (jwt) headers.authorization = `Bearer ${jwt}`;
    const response = await fetch(targetUrl, { method: 'POST', headers, body: JSON.stringify(requestBody) });
    const result: PushResult = { status: response.status, body: await response.text(), jwt, requestBody };
    this.pushLog.push(result);
    return result;
  }

  private handle(req: FakeRequest, res: ServerResponse): void {
    const cache = {
      'cache-control': `public, max-age=${this.options.certsMaxAgeSeconds ?? 0}, must-revalidate, no-transform`,
    };
    if (req.method === 'GET' && req.path === '/oauth2/v1/certs') {
      this.certFetches += 1;
      return sendJson(res, 200, { [this.kid]: this.certificate }, cache);
    }
    if (req.method === 'GET' && req.path === '/oauth2/v3/certs') {
      this.certFetches += 1;
      const jwk = this.publicKey.export({ format: 'jwk' });
      return sendJson(res, 200, { keys: [{ ...jwk, kid: this.kid, alg: 'RS256', use: 'sig' }] }, cache);
    }
    sendJson(res, 404, { error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } });
  }
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

// ------------------------------------------------------------ a tiny DER writer for one X.509 cert

function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let lengthBytes: Buffer;
  if (length < 0x80) lengthBytes = Buffer.from([length]);
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    lengthBytes = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), lengthBytes, content]);
}

const seq = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => der(0x31, Buffer.concat(items));

function integer(bytes: Buffer): Buffer {
  const content = bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return der(0x02, content);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let n = part >> 7; n > 0; n >>= 7) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const text = `${pad(date.getUTCFullYear() % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(
    date.getUTCHours(),
  )}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return der(0x17, Buffer.from(text, 'ascii'));
}

function selfSignedCertificate(privateKey: KeyObject, spki: Buffer, commonName: string): string {
  const algorithm = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00])); // sha256WithRSAEncryption
  const name = seq(set(seq(oid('2.5.4.3'), der(0x0c, Buffer.from(commonName, 'utf8')))));
  const now = Date.now();
  const serial = randomBytes(8);
  serial[0] = (serial[0] & 0x7f) | 0x40; // positive and minimally encoded
  const tbs = seq(
    der(0xa0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithm,
    name,
    seq(utcTime(new Date(now - 3600e3)), utcTime(new Date(now + 14 * 86400e3))),
    name,
    spki,
  );
  const signature = sign('RSA-SHA256', tbs, privateKey);
  const certificate = seq(tbs, algorithm, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const base64 = certificate.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`;
}
