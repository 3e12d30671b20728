import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import twilio from 'twilio';

import { Delays, FakeHttpServer, type FakeRequest, type RunningFake, sendJson } from './http.js';

/**
 * Twilio's Programmable Messaging REST API as the twilio SDK calls it (client.api.baseUrl pointed here):
 *   POST /2010-04-01/Accounts/{AccountSid}/Messages.json  form-encoded (To, From, Body, StatusCallback…),
 *        HTTP Basic auth AccountSid:AuthToken → 201 with the Message resource in snake_case JSON
 *   GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json → 200 the Message resource
 *   GET  /2010-04-01/Accounts/{AccountSid}.json → 200 the Account resource
 * Errors use Twilio's envelope `{ code, message, more_info, status }` (e.g. 20003 Authenticate, 21211
 * invalid To, 21610 unsubscribed recipient). It also builds Twilio's webhooks: an inbound SMS and
 * status callbacks, form-encoded and signed with X-Twilio-Signature (HMAC-SHA1 of the full URL plus
 * the sorted parameters, keyed by the account's auth token), as twilio's own helper computes it.
 */

export interface TwilioMessage {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  status: string;
  numSegments: number;
  statusCallback?: string;
  /** Every form parameter the client sent. */
  params: Record<string, string>;
  dateCreated: Date;
}

export interface SignedWebhook {
  /** The full URL that was signed (what Twilio calls). */
  url: string;
  /** Path and query, for `app.inject`. */
  path: string;
  headers: Record<string, string>;
  /** The form-encoded body. */
  payload: string;
  params: Record<string, string>;
}

export interface TwilioInjectedError {
  status: number;
  code: number;
  message: string;
  remaining: number;
}

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

/** Twilio's own count: GSM-7 160/153 septets per segment, else UCS-2 70/67. */
function segmentsOf(body: string): number {
  const chars = [...body];
  if (chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c))) {
    const units = chars.reduce((sum, c) => sum + (GSM_EXTENSION.has(c) ? 2 : 1), 0);
    return units <= 160 ? 1 : Math.ceil(units / 153);
  }
  return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
}

const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');
const newSid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

export function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** The signature Twilio puts in X-Twilio-Signature, computed by the SDK's own helper. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** A signed, form-encoded Twilio webhook to `url` (the app's public URL, as Twilio would call it). */
export function signedWebhook(authToken: string, url: string, params: Record<string, string>): SignedWebhook {
  const parsed = new URL(url);
  return {
    url,
    path: `${parsed.pathname}${parsed.search}`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(authToken, url, params),
      'user-agent': 'TwilioProxy/1.1',
      'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
    },
    payload: new URLSearchParams(params).toString(),
    params,
  };
}

/**
 * Posts a signed webhook to a running app over HTTP (the demo; tests use `app.inject` with `path`).
 * `appUrl` is where the app listens; the signature stays over the public URL Twilio would have called.
 */
export async function deliverWebhook(
  webhook: SignedWebhook,
  appUrl: string,
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${appUrl.replace(/\/+$/, '')}${webhook.path}`, {
    method: 'POST',
    headers: webhook.headers,
    body: webhook.payload,
  });
  return { status: response.status, body: await response.text() };
}

export class TwilioFake {
  readonly messages: TwilioMessage[] = [];
  /** Numbers that texted STOP to the account: sending to them answers 21610. */
  readonly unsubscribed = new Set<string>();
  readonly delays = new Delays<'messages.create'>();
  private readonly accounts = new Map<string, string>();
  private readonly errors: TwilioInjectedError[] = [];
  private dropAnswers = 0;
  private readonly server = new FakeHttpServer('twilio', (req, res) => this.handle(req, res));

  constructor(accounts: Record<string, string> = {}) {
    for (const [sid, token] of Object.entries(accounts)) this.accounts.set(sid, token);
  }

  get url(): string {
    return this.server.url;
  }

  start(): Promise<RunningFake> {
    return this.server.start();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  addAccount(accountSid: string, authToken: string): void {
    this.accounts.set(accountSid, authToken);
  }

  authTokenOf(accountSid: string): string {
    const token = this.accounts.get(accountSid);
    if (!token) throw new Error(`fake twilio: no account ${accountSid}`);
    return token;
  }

  /** The next `times` creates are carried out, but the connection is cut before the answer. */
  dropNextAnswer(times = 1): void {
    this.dropAnswers += times;
  }

  /** The next `times` creates fail with this Twilio error (e.g. 500/20500, 429/20429). */
  failNext(status: number, code: number, message: string, times = 1): void {
    this.errors.push({ status, code, message, remaining: times });
  }

  sentTo(phone: string): TwilioMessage[] {
    return this.messages.filter((message) => message.to === phone);
  }

  reset(): void {
    this.messages.length = 0;
    this.errors.length = 0;
    this.unsubscribed.clear();
    this.delays.clear();
    this.dropAnswers = 0;
  }

  /** An inbound SMS from a customer, signed for `url` with the account's token. */
  inboundSms(
    url: string,
    input: { accountSid: string; from: string; to: string; body: string; messageSid?: string },
  ): SignedWebhook {
    const sid = input.messageSid ?? newSid('SM');
    return signedWebhook(this.authTokenOf(input.accountSid), url, {
      ToCountry: 'DK',
      ToState: '',
      SmsMessageSid: sid,
      NumMedia: '0',
      ToCity: '',
      FromZip: '',
      SmsSid: sid,
      FromState: '',
      SmsStatus: 'received',
      FromCity: '',
      Body: input.body,
      FromCountry: 'DK',
      To: input.to,
      ToZip: '',
      NumSegments: String(segmentsOf(input.body)),
      MessageSid: sid,
      AccountSid: input.accountSid,
      From: input.from,
      ApiVersion: '2010-04-01',
    });
  }

  /** A status callback for a message sent through the fake, to the StatusCallback it was sent with. */
  statusCallback(
    sid: string,
    status: string,
    options: { errorCode?: number; url?: string } = {},
  ): SignedWebhook {
    const message = this.messages.find((m) => m.sid === sid);
    if (!message) throw new Error(`fake twilio: no message ${sid}`);
    const url = options.url ?? message.statusCallback;
    if (!url) throw new Error(`fake twilio: message ${sid} has no StatusCallback`);
    message.status = status;
    const params: Record<string, string> = {
      SmsSid: sid,
      SmsStatus: status,
      MessageStatus: status,
      To: message.to,
      MessageSid: sid,
      AccountSid: message.accountSid,
      From: message.from,
      ApiVersion: '2010-04-01',
    };
    if (options.errorCode !== undefined) params.ErrorCode = String(options.errorCode);
    return signedWebhook(this.authTokenOf(message.accountSid), url, params);
  }

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    const create = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.path);
    const fetch = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/.exec(req.path);
    const account = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(req.path);
    if (account && req.method === 'GET') {
      // The account resource: what a connection test fetches.
      if (!this.authorized(req, account[1]!)) {
        sendJson(res, 401, twilioError(401, 20003, 'Authenticate'));
        return;
      }
      sendJson(res, 200, {
        sid: account[1],
        friendly_name: 'Fake account',
        status: 'active',
        type: 'Full',
        uri: `/2010-04-01/Accounts/${account[1]}.json`,
      });
      return;
    }
    const accountSid = create?.[1] ?? fetch?.[1];
    if (!accountSid) {
      sendJson(res, 404, twilioError(404, 20404, `The requested resource ${req.path} was not found`));
      return;
    }
    if (!this.authorized(req, accountSid)) {
      sendJson(res, 401, twilioError(401, 20003, 'Authenticate'));
      return;
    }
    if (fetch && req.method === 'GET') {
      const message = this.messages.find((m) => m.sid === fetch[2] && m.accountSid === accountSid);
      if (!message) {
        sendJson(res, 404, twilioError(404, 20404, `The requested resource ${req.path} was not found`));
        return;
      }
      sendJson(res, 200, this.resource(message));
      return;
    }
    if (create && req.method === 'GET') {
      sendJson(res, 200, this.page(accountSid, req.query));
      return;
    }
    if (!create || req.method !== 'POST') {
      sendJson(res, 405, twilioError(405, 20004, 'Method not allowed'));
      return;
    }
    await this.delays.wait('messages.create');
    const params = Object.fromEntries(new URLSearchParams(req.text()));
    const injected = this.errors[0];
    if (injected) {
      injected.remaining -= 1;
      if (injected.remaining <= 0) this.errors.shift();
      sendJson(res, injected.status, twilioError(injected.status, injected.code, injected.message));
      return;
    }
    if (!params.To || !/^\+[1-9]\d{6,14}$/.test(params.To)) {
      sendJson(
        res,
        400,
        twilioError(400, 21211, `The 'To' number ${params.To ?? ''} is not a valid phone number.`),
      );
      return;
    }
    if (!params.From && !params.MessagingServiceSid) {
      sendJson(res, 400, twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required"));
      return;
    }
    if (!params.Body) {
      sendJson(res, 400, twilioError(400, 21602, 'Message body is required.'));
      return;
    }
    if (this.unsubscribed.has(params.To)) {
      sendJson(res, 400, twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'));
      return;
    }
    const message: TwilioMessage = {
      sid: newSid('SM'),
      accountSid,
      from: params.From ?? '',
      to: params.To,
      body: params.Body,
      status: 'queued',
      numSegments: segmentsOf(params.Body),
      statusCallback: params.StatusCallback,
      params,
      dateCreated: new Date(),
    };
    this.messages.push(message);
    if (this.dropAnswers > 0) {
      // Twilio took the message, but its answer never reaches the client.
      this.dropAnswers -= 1;
      res.socket?.destroy();
      return;
    }
    sendJson(res, 201, this.resource(message));
  }

  /** Messages.json list, newest first, filtered by To and From like Twilio's `To=`/`From=` parameters. */
  private page(accountSid: string, query: URLSearchParams) {
    const to = query.get('To');
    const from = query.get('From');
    const pageSize = Math.min(Number(query.get('PageSize') ?? 50) || 50, 1000);
    const matching = this.messages
      .filter((m) => m.accountSid === accountSid && (!to || m.to === to) && (!from || m.from === from))
      .reverse()
      .slice(0, pageSize);
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages.json?PageSize=${pageSize}&Page=0`;
    return {
      end: Math.max(0, matching.length - 1),
      first_page_uri: uri,
      next_page_uri: null,
      page: 0,
      page_size: pageSize,
      previous_page_uri: null,
      messages: matching.map((m) => this.resource(m)),
      start: 0,
      uri,
    };
  }

  private authorized(req: FakeRequest, accountSid: string): boolean {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Basic\s+(.+)$/i.exec(header) : null;
    if (!match) return false;
    const [user, password] = Buffer.from(match[1]!, 'base64').toString('utf8').split(':');
    return user === accountSid && this.accounts.get(accountSid) === password;
  }

  private resource(message: TwilioMessage) {
    const base = `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}`;
    return {
      account_sid: message.accountSid,
      api_version: '2010-04-01',
      body: message.body,
      date_created: rfc2822(message.dateCreated),
      date_sent: null,
      date_updated: rfc2822(message.dateCreated),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: message.from,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: String(message.numSegments),
      price: null,
      price_unit: 'USD',
      sid: message.sid,
      status: message.status,
      subresource_uris: { media: `${base}/Media.json` },
      to: message.to,
      uri: `${base}.json`,
    };
  }
}
