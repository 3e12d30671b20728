import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import {
  bearerToken,
  Delays,
  FailureQueue,
  FakeHttpServer,
  type FakeRequest,
  googleError,
  type RunningFake,
  sendEmpty,
  sendJson,
} from './http.js';
import {
  fromInput,
  leaf,
  type MimeHeader,
  type MimeNode,
  type MimePartInput,
  multipart,
  type ParsedMessage,
  parseMessage,
  serialize,
} from './mime.js';

/**
 * Gmail API v1 as googleapis calls it with `google.gmail({ version: 'v1', auth, rootUrl })`:
 *   GET  /gmail/v1/users/{userId}/profile
 *   POST /gmail/v1/users/{userId}/watch              { topicName, labelIds?, labelFilterBehavior? } → { historyId, expiration }
 *   POST /gmail/v1/users/{userId}/stop               → 204
 *   GET  /gmail/v1/users/{userId}/history            ?startHistoryId&historyTypes&labelId&pageToken&maxResults
 *   GET  /gmail/v1/users/{userId}/messages           ?q&labelIds&pageToken&maxResults&includeSpamTrash
 *   GET  /gmail/v1/users/{userId}/messages/{id}      ?format=full|metadata|minimal|raw&metadataHeaders
 *   POST /gmail/v1/users/{userId}/messages/send      { raw, threadId? }
 *   POST /upload/gmail/v1/users/{userId}/messages/send?uploadType=media|multipart (googleapis `media`)
 * int64 fields (historyId, expiration, internalDate) are JSON strings, as on the wire.
 */

export type GmailMethod =
  'getProfile' | 'watch' | 'stop' | 'history.list' | 'messages.list' | 'messages.get' | 'messages.send';

export interface GmailFakeOptions {
  /** The mailbox `userId: 'me'` resolves to when the token is not bound to another one. */
  emailAddress?: string;
  /** Page size for history.list / messages.list when the caller gives no maxResults. Default 2. */
  pageSize?: number;
  /** First historyId of every mailbox. Default 1000. */
  startHistoryId?: number;
  /** Maps an access token to its mailbox (e.g. `(t) => oauth.accountFor(t)`); falls back to the default. */
  resolveAccount?: (accessToken: string) => string | undefined;
  /** When true, requests without `Authorization: Bearer` answer 401. Default true. */
  requireAuth?: boolean;
  /** Whether a presented access token is still good (e.g. `(t) => oauth.accessTokenValid(t)`); else 401. */
  tokenValid?: (accessToken: string) => boolean;
}

export interface AddMessageInput {
  /** Mailbox to deliver to; default the fake's `emailAddress`. */
  mailbox?: string;
  from: string;
  to: string;
  subject: string;
  cc?: string;
  replyTo?: string;
  text?: string;
  html?: string;
  /** Raw MIME parts; the message becomes multipart/mixed of these (overrides text/html). */
  parts?: MimePartInput[];
  /** Value of an `Authentication-Results` header, e.g. `mx.google.com; dkim=pass header.i=@leadpoint.dk; spf=pass …`. */
  authenticationResults?: string;
  /** Extra top-level headers. */
  headers?: Record<string, string>;
  date?: Date;
  messageId?: string;
  threadId?: string;
  labelIds?: string[];
}

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  internalDate: number;
  historyId: number;
  payload: MimeNode;
  /** Top-level headers in delivery order. */
  headers: MimeHeader[];
  raw: string;
  snippet: string;
}

export interface HistoryRecord {
  id: number;
  messagesAdded: { id: string; threadId: string; labelIds: string[] }[];
}

export interface WatchRecord {
  mailbox: string;
  topicName: string;
  labelIds?: string[];
  labelFilterBehavior?: string;
  historyId: string;
  expiration: string;
  at: Date;
}

export interface SentMessage {
  id: string;
  threadId: string;
  mailbox: string;
  /** How it arrived: JSON `{ raw }`, or the /upload media or multipart path. */
  via: 'json' | 'media' | 'multipart';
  /** Requested threadId (as given by the caller). */
  requestedThreadId?: string;
  raw: Buffer;
  parsed: ParsedMessage;
  from?: string;
  to?: string;
  cc?: string;
  subject?: string;
  inReplyTo?: string;
  references?: string;
  text?: string;
  html?: string;
}

export interface GmailCall {
  method: GmailMethod | 'unknown';
  httpMethod: string;
  path: string;
  query: Record<string, string | string[]>;
  body: unknown;
  mailbox?: string;
  accessToken?: string;
  status?: number;
  at: Date;
}

interface Mailbox {
  email: string;
  historyId: number;
  expiredBefore: number;
  messages: Map<string, StoredMessage>;
  history: HistoryRecord[];
  watch?: WatchRecord;
}

const ROUTES: { method: string; pattern: RegExp; name: GmailMethod }[] = [
  { method: 'GET', pattern: /^\/gmail\/v1\/users\/([^/]+)\/profile$/, name: 'getProfile' },
  { method: 'POST', pattern: /^\/gmail\/v1\/users\/([^/]+)\/watch$/, name: 'watch' },
  { method: 'POST', pattern: /^\/gmail\/v1\/users\/([^/]+)\/stop$/, name: 'stop' },
  { method: 'GET', pattern: /^\/gmail\/v1\/users\/([^/]+)\/history$/, name: 'history.list' },
  {
    method: 'POST',
    pattern: /^\/(?:upload\/)?gmail\/v1\/users\/([^/]+)\/messages\/send$/,
    name: 'messages.send',
  },
  { method: 'GET', pattern: /^\/gmail\/v1\/users\/([^/]+)\/messages$/, name: 'messages.list' },
  { method: 'GET', pattern: /^\/gmail\/v1\/users\/([^/]+)\/messages\/([^/]+)$/, name: 'messages.get' },
];

export class GmailFake {
  readonly emailAddress: string;
  private readonly http = new FakeHttpServer('gmail', (req, res) => this.handle(req, res));
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly tokenMailbox = new Map<string, string>();
  private readonly failures = new FailureQueue<GmailMethod>();
  private readonly delays = new Delays<GmailMethod>();
  private readonly callLog: GmailCall[] = [];
  private readonly sentLog: SentMessage[] = [];
  private readonly watchLog: WatchRecord[] = [];
  private pageSize: number;

  constructor(private readonly options: GmailFakeOptions = {}) {
    this.emailAddress = (options.emailAddress ?? 'info@rendetalje.dk').toLowerCase();
    this.pageSize = options.pageSize ?? 2;
    this.addMailbox(this.emailAddress);
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

  /** The googleapis per-service `rootUrl` (GOOGLE_API_BASE_URL): the base URL with a trailing slash. */
  get rootUrl(): string {
    return `${this.http.url}/`;
  }

  // ------------------------------------------------------------ control API

  addMailbox(email: string): void {
    const key = email.toLowerCase();
    if (this.mailboxes.has(key)) return;
    const start = this.options.startHistoryId ?? 1000;
    this.mailboxes.set(key, {
      email: key,
      historyId: start,
      expiredBefore: 0,
      messages: new Map(),
      history: [],
    });
  }

  /** Requests with this bearer token act on `email`'s mailbox for `userId: 'me'`. */
  bindToken(accessToken: string, email: string): void {
    this.addMailbox(email);
    this.tokenMailbox.set(accessToken, email.toLowerCase());
  }

  setPageSize(size: number): void {
    this.pageSize = size;
  }

  /** Delivers a message: assigns ids, bumps historyId and records a `messageAdded` history entry. */
  addMessage(input: AddMessageInput): StoredMessage {
    const box = this.box(input.mailbox);
    const id = randomId();
    const threadId = input.threadId ?? id;
    const date = input.date ?? new Date();
    let body: MimeNode;
    if (input.parts && input.parts.length > 0) {
      body = multipart('mixed', input.parts.map(fromInput));
    } else if (input.text !== undefined && input.html !== undefined) {
      body = multipart('alternative', [leaf('text/plain', input.text), leaf('text/html', input.html)]);
    } else if (input.html !== undefined) {
      body = leaf('text/html', input.html);
    } else {
      body = leaf('text/plain', input.text ?? '');
    }
    const domain = box.email.split('@')[1] ?? 'mail.gmail.com';
    const headers: MimeHeader[] = [{ name: 'Delivered-To', value: box.email }];
    if (input.authenticationResults !== undefined) {
      headers.push({ name: 'Authentication-Results', value: input.authenticationResults });
    }
    headers.push(
      { name: 'MIME-Version', value: '1.0' },
      { name: 'Date', value: date.toUTCString().replace('GMT', '+0000') },
      { name: 'Message-ID', value: input.messageId ?? `<${randomBytes(8).toString('hex')}@${domain}>` },
      { name: 'Subject', value: input.subject },
      { name: 'From', value: input.from },
      { name: 'To', value: input.to },
    );
    if (input.cc !== undefined) headers.push({ name: 'Cc', value: input.cc });
    if (input.replyTo !== undefined) headers.push({ name: 'Reply-To', value: input.replyTo });
    for (const [name, value] of Object.entries(input.headers ?? {})) headers.push({ name, value });
    const payload: MimeNode = { ...body, headers: [...headers, ...body.headers] };
    const labelIds = input.labelIds ?? ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'];
    return this.store(box, { id, threadId, labelIds, internalDate: date.getTime(), payload, headers });
  }

  /** Bumps historyId without a messageAdded record (other mailbox activity). */
  bumpHistoryId(by = 1, mailbox?: string): number {
    const box = this.box(mailbox);
    box.historyId += by;
    return box.historyId;
  }

  /** history.list with a startHistoryId below `historyId` answers 404 from now on. */
  expireHistoryBefore(historyId: number | string, mailbox?: string): void {
    this.box(mailbox).expiredBefore = Number(historyId);
  }

  historyId(mailbox?: string): number {
    return this.box(mailbox).historyId;
  }

  message(id: string, mailbox?: string): StoredMessage | undefined {
    return this.box(mailbox).messages.get(id);
  }

  messages(mailbox?: string): StoredMessage[] {
    return [...this.box(mailbox).messages.values()];
  }

  sent(): SentMessage[] {
    return [...this.sentLog];
  }

  watches(): WatchRecord[] {
    return [...this.watchLog];
  }

  calls(method?: GmailMethod): GmailCall[] {
    return this.callLog.filter((c) => method === undefined || c.method === method);
  }

  /**
   * The next `times` calls of `method` (`'*'`: any) answer `status` with `body` (default: Google's
   * error envelope for that status). Note that googleapis retries GET 429/5xx up to 3 times by itself.
   */
  failNext(
    method: GmailMethod | '*',
    status: number,
    body?: unknown,
    options: { times?: number; headers?: Record<string, string> } = {},
  ): void {
    this.failures.add(method, {
      status,
      body: body ?? googleError(status),
      headers: options.headers ?? {},
      remaining: options.times ?? 1,
    });
  }

  /** Adds latency to every call of `method` (`'*'`: all); `delay(0)` removes it. */
  delay(ms: number, method: GmailMethod | '*' = '*'): void {
    this.delays.set(ms, method);
  }

  /**
   * Clears messages, history, watches, failures, delays and logs. historyIds keep counting up (a
   * mailbox's historyId never goes backwards), so cursors from before a reset stay valid.
   */
  reset(): void {
    for (const box of this.mailboxes.values()) {
      box.messages.clear();
      box.history.length = 0;
      box.expiredBefore = 0;
      box.watch = undefined;
    }
    this.failures.clear();
    this.delays.clear();
    this.callLog.length = 0;
    this.sentLog.length = 0;
    this.watchLog.length = 0;
  }

  // ------------------------------------------------------------ internals

  private box(email?: string): Mailbox {
    const key = (email ?? this.emailAddress).toLowerCase();
    const box = this.mailboxes.get(key);
    if (!box) throw new Error(`gmail fake: no mailbox ${key}`);
    return box;
  }

  private store(box: Mailbox, message: Omit<StoredMessage, 'historyId' | 'raw' | 'snippet'>): StoredMessage {
    box.historyId += 1;
    const raw = serialize({ ...message.payload, headers: message.payload.headers });
    const stored: StoredMessage = {
      ...message,
      historyId: box.historyId,
      raw,
      snippet: snippetOf(message.payload),
    };
    box.messages.set(stored.id, stored);
    box.history.push({
      id: box.historyId,
      messagesAdded: [{ id: stored.id, threadId: stored.threadId, labelIds: [...stored.labelIds] }],
    });
    return stored;
  }

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(req.path));
    const call: GmailCall = {
      method: route?.name ?? 'unknown',
      httpMethod: req.method,
      path: req.path,
      query: queryRecord(req.query),
      body: safeJson(req),
      at: new Date(),
    };
    this.callLog.push(call);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      call.status = status;
      if (status === 204) sendEmpty(res, 204, headers);
      else sendJson(res, status, body, headers);
    };
    if (!route) return reply(404, googleError(404, `Not Found: ${req.method} ${req.path}`));
    const match = route.pattern.exec(req.path) as RegExpExecArray;
    await this.delays.wait(route.name);

    const token = bearerToken(req.headers);
    call.accessToken = token;
    if (!token && this.options.requireAuth !== false) {
      return reply(
        401,
        googleError(
          401,
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
          'required',
        ),
        { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
      );
    }
    if (token && this.options.tokenValid && !this.options.tokenValid(token)) {
      return reply(401, googleError(401, 'Request had invalid authentication credentials.', 'authError'), {
        'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
      });
    }
    const userId = decodeURIComponent(match[1]).toLowerCase();
    const own =
      (token && (this.tokenMailbox.get(token) ?? this.options.resolveAccount?.(token))) || this.emailAddress;
    const email = userId === 'me' ? own.toLowerCase() : userId;
    const box = this.mailboxes.get(email);
    if (!box || (userId !== 'me' && userId !== own.toLowerCase())) {
      return reply(403, googleError(403, `Delegation denied for ${own}`, 'forbidden'));
    }
    call.mailbox = box.email;

    const failure = this.failures.take(route.name);
    if (failure) return reply(failure.status, failure.body, failure.headers);

    switch (route.name) {
      case 'getProfile':
        return reply(200, {
          emailAddress: box.email,
          messagesTotal: box.messages.size,
          threadsTotal: new Set([...box.messages.values()].map((m) => m.threadId)).size,
          historyId: String(box.historyId),
        });
      case 'watch':
        return this.watch(box, req, reply);
      case 'stop':
        box.watch = undefined;
        return reply(204, undefined);
      case 'history.list':
        return this.historyList(box, req, reply);
      case 'messages.list':
        return this.messagesList(box, req, reply);
      case 'messages.get':
        return this.messagesGet(box, decodeURIComponent(match[2]), req, reply);
      case 'messages.send':
        return this.messagesSend(box, req, reply);
    }
  }

  private watch(box: Mailbox, req: FakeRequest, reply: Reply): void {
    const body = (safeJson(req) ?? {}) as {
      topicName?: string;
      labelIds?: string[];
      labelFilterBehavior?: string;
      labelFilterAction?: string;
    };
    if (!body.topicName || !/^projects\/[^/]+\/topics\/[^/]+$/.test(body.topicName)) {
      return reply(
        400,
        googleError(
          400,
          'Invalid topicName does not match projects/SOME-ANDROID-PROJECT/topics/*',
          'invalidArgument',
        ),
      );
    }
    const record: WatchRecord = {
      mailbox: box.email,
      topicName: body.topicName,
      labelIds: body.labelIds,
      labelFilterBehavior: body.labelFilterBehavior ?? body.labelFilterAction,
      historyId: String(box.historyId),
      expiration: String(Date.now() + 7 * 24 * 3600 * 1000),
      at: new Date(),
    };
    box.watch = record;
    this.watchLog.push(record);
    reply(200, { historyId: record.historyId, expiration: record.expiration });
  }

  private historyList(box: Mailbox, req: FakeRequest, reply: Reply): void {
    const startRaw = req.query.get('startHistoryId');
    if (!startRaw || !/^\d+$/.test(startRaw)) {
      return reply(400, googleError(400, 'Invalid startHistoryId', 'invalidArgument'));
    }
    const start = Number(startRaw);
    if (start < box.expiredBefore)
      return reply(404, googleError(404, 'Requested entity was not found.', 'notFound'));
    const types = req.query.getAll('historyTypes');
    if (types.length > 0 && !types.includes('messageAdded')) {
      return reply(200, { historyId: String(box.historyId) });
    }
    const labelId = req.query.get('labelId');
    const records = box.history
      .filter((h) => h.id > start)
      .map((h) => ({
        id: h.id,
        added: h.messagesAdded.filter((m) => !labelId || m.labelIds.includes(labelId)),
      }))
      .filter((h) => h.added.length > 0);
    const page = paginate(records, req, this.pageSize, 500);
    if (page === 'invalid') return reply(400, googleError(400, 'Invalid pageToken', 'invalidArgument'));
    const history = page.items.map((h) => ({
      id: String(h.id),
      messages: h.added.map((m) => ({ id: m.id, threadId: m.threadId })),
      messagesAdded: h.added.map((m) => ({
        message: { id: m.id, threadId: m.threadId, labelIds: m.labelIds },
      })),
    }));
    reply(200, {
      ...(history.length > 0 ? { history } : {}),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      historyId: String(box.historyId),
    });
  }

  private messagesList(box: Mailbox, req: FakeRequest, reply: Reply): void {
    const labelIds = req.query.getAll('labelIds');
    const includeSpamTrash = req.query.get('includeSpamTrash') === 'true';
    const predicate = compileQuery(req.query.get('q') ?? '');
    const matches = [...box.messages.values()]
      .filter((m) => includeSpamTrash || !m.labelIds.some((l) => l === 'SPAM' || l === 'TRASH'))
      .filter((m) => labelIds.every((l) => m.labelIds.includes(l)))
      .filter(predicate)
      .sort((a, b) => b.internalDate - a.internalDate || b.historyId - a.historyId);
    const page = paginate(matches, req, 100, 500);
    if (page === 'invalid') return reply(400, googleError(400, 'Invalid pageToken', 'invalidArgument'));
    if (matches.length === 0) return reply(200, { resultSizeEstimate: 0 });
    reply(200, {
      messages: page.items.map((m) => ({ id: m.id, threadId: m.threadId })),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      resultSizeEstimate: matches.length,
    });
  }

  private messagesGet(box: Mailbox, id: string, req: FakeRequest, reply: Reply): void {
    const message = box.messages.get(id);
    if (!message) return reply(404, googleError(404, 'Requested entity was not found.', 'notFound'));
    const format = (req.query.get('format') ?? 'full').toLowerCase();
    const base = {
      id: message.id,
      threadId: message.threadId,
      labelIds: message.labelIds,
      snippet: message.snippet,
      sizeEstimate: Buffer.byteLength(message.raw),
      historyId: String(message.historyId),
      internalDate: String(message.internalDate),
    };
    if (format === 'minimal') return reply(200, base);
    if (format === 'raw')
      return reply(200, { ...base, raw: Buffer.from(message.raw, 'utf8').toString('base64url') });
    if (format === 'metadata') {
      const wanted = req.query.getAll('metadataHeaders').map((h) => h.toLowerCase());
      const headers = message.payload.headers.filter(
        (h) => wanted.length === 0 || wanted.includes(h.name.toLowerCase()),
      );
      return reply(200, { ...base, payload: { mimeType: message.payload.mimeType, headers } });
    }
    reply(200, { ...base, payload: toGmailPart(message.payload, '') });
  }

  private messagesSend(box: Mailbox, req: FakeRequest, reply: Reply): void {
    let raw: Buffer | undefined;
    let requestedThreadId: string | undefined;
    let via: SentMessage['via'] = 'json';
    const uploadType = req.query.get('uploadType');
    if (req.path.startsWith('/upload/')) {
      const contentType = String(req.headers['content-type'] ?? '');
      if (uploadType === 'media') {
        via = 'media';
        raw = req.body;
      } else if (uploadType === 'multipart') {
        via = 'multipart';
        const split = splitMultipartRelated(req.body, contentType);
        if (!split) return reply(400, googleError(400, 'Invalid multipart request', 'badContent'));
        const metadata = (split.metadata ? JSON.parse(split.metadata) : {}) as { threadId?: string };
        requestedThreadId = metadata.threadId ?? undefined;
        raw = split.media;
      } else {
        return reply(400, googleError(400, `Unsupported uploadType: ${uploadType ?? ''}`, 'badRequest'));
      }
    } else {
      let body: { raw?: string; threadId?: string } | undefined;
      try {
        body = req.json() as typeof body;
      } catch {
        return reply(400, googleError(400, 'Invalid JSON payload received.', 'parseError'));
      }
      if (!body?.raw) {
        return reply(
          400,
          googleError(
            400,
            "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
            'invalidArgument',
          ),
        );
      }
      raw = Buffer.from(body.raw, 'base64url');
      requestedThreadId = body.threadId ?? undefined;
    }
    const parsed = parseMessage(raw);
    const to = parsed.header('To');
    if (!to && !parsed.header('Cc') && !parsed.header('Bcc')) {
      return reply(400, googleError(400, 'Recipient address required', 'invalidArgument'));
    }
    const id = randomId();
    const threadId =
      requestedThreadId && [...box.messages.values()].some((m) => m.threadId === requestedThreadId)
        ? requestedThreadId
        : id;
    const sent: SentMessage = {
      id,
      threadId,
      mailbox: box.email,
      via,
      requestedThreadId,
      raw,
      parsed,
      from: parsed.header('From'),
      to,
      cc: parsed.header('Cc'),
      subject: parsed.header('Subject'),
      inReplyTo: parsed.header('In-Reply-To'),
      references: parsed.header('References'),
      text: parsed.text,
      html: parsed.html,
    };
    this.sentLog.push(sent);
    // The sent copy lands in the mailbox with SENT (and shows up in history, without INBOX).
    const payload: MimeNode =
      parsed.text !== undefined || parsed.html === undefined
        ? leaf('text/plain', parsed.text ?? '')
        : leaf('text/html', parsed.html);
    const headers = parsed.headers.filter((h) => !/^content-/i.test(h.name));
    this.store(box, {
      id,
      threadId,
      labelIds: ['SENT'],
      internalDate: Date.now(),
      payload: { ...payload, headers: [...headers, ...payload.headers] },
      headers,
    });
    reply(200, { id, threadId, labelIds: ['SENT'] });
  }
}

type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

function randomId(): string {
  // Gmail ids are 16 lowercase hex digits.
  return randomBytes(8).toString('hex').replace(/^0/, '1');
}

function safeJson(req: FakeRequest): unknown {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.includes('json')) return req.body.length > 0 ? req.text() : undefined;
  try {
    return req.json();
  } catch {
    return req.text();
  }
}

function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

function paginate<T>(
  items: T[],
  req: FakeRequest,
  defaultSize: number,
  maxSize: number,
): { items: T[]; nextPageToken?: string } | 'invalid' {
  const requested = Number(req.query.get('maxResults') ?? '');
  const size = Number.isInteger(requested) && requested > 0 ? Math.min(requested, maxSize) : defaultSize;
  const token = req.query.get('pageToken');
  let offset = 0;
  if (token) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded) return 'invalid';
    offset = Number(decoded[1]);
  }
  const slice = items.slice(offset, offset + size);
  const next =
    offset + size < items.length ? Buffer.from(`o${offset + size}`).toString('base64url') : undefined;
  return { items: slice, nextPageToken: next };
}

function toGmailPart(node: MimeNode, partId: string): Record<string, unknown> {
  const part: Record<string, unknown> = {
    partId,
    mimeType: node.mimeType,
    filename: node.filename ?? '',
    headers: node.headers.map((h) => ({ name: h.name, value: h.value })),
  };
  if (node.parts) {
    part.body = { size: 0 };
    part.parts = node.parts.map((child, index) =>
      toGmailPart(child, partId === '' ? String(index) : `${partId}.${index}`),
    );
  } else {
    const body = node.body ?? Buffer.alloc(0);
    part.body = node.filename
      ? { attachmentId: `ANGjdJ${randomBytes(12).toString('base64url')}`, size: body.length }
      : { size: body.length, ...(body.length > 0 ? { data: body.toString('base64url') } : {}) };
  }
  return part;
}

function snippetOf(node: MimeNode): string {
  const leaves: MimeNode[] = [];
  const walk = (n: MimeNode): void => {
    if (n.parts) n.parts.forEach(walk);
    else leaves.push(n);
  };
  walk(node);
  const textLeaf = leaves.find((l) => l.mimeType === 'text/plain' && !l.filename);
  const htmlLeaf = leaves.find((l) => l.mimeType === 'text/html' && !l.filename);
  const text =
    textLeaf?.body?.toString('utf8') ?? htmlLeaf?.body?.toString('utf8').replace(/<[^>]*>/g, ' ') ?? '';
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function splitMultipartRelated(
  body: Buffer,
  contentType: string,
): { metadata?: string; media: Buffer } | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const text = body.toString('latin1');
  const sections = text.split(`--${boundary}`).slice(1);
  const parts: { type: string; content: string }[] = [];
  for (const section of sections) {
    if (section.startsWith('--')) break;
    const trimmed = section.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
    const sep = /\r?\n\r?\n/.exec(trimmed);
    if (!sep) continue;
    const head = trimmed.slice(0, sep.index);
    parts.push({
      type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? '',
      content: trimmed.slice(sep.index + sep[0].length),
    });
  }
  if (parts.length === 0) return undefined;
  const json = parts.find((p) => p.type.includes('application/json'));
  const media = parts.find((p) => p !== json);
  if (!media) return undefined;
  return { metadata: json?.content, media: Buffer.from(media.content, 'latin1') };
}

// ------------------------------------------------------------ search query (q)

type Predicate = (m: StoredMessage) => boolean;

function header(m: StoredMessage, name: string): string {
  return m.headers.find((h) => h.name.toLowerCase() === name)?.value ?? '';
}

function bodyText(m: StoredMessage): string {
  const texts: string[] = [];
  const walk = (n: MimeNode): void => {
    if (n.parts) n.parts.forEach(walk);
    else if (n.mimeType.startsWith('text/')) texts.push(n.body?.toString('utf8') ?? '');
  };
  walk(m.payload);
  return `${header(m, 'subject')} ${texts.join(' ')}`;
}

function parseWhen(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  if (date) return Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
  return undefined;
}

function relative(value: string): number | undefined {
  const match = /^(\d+)([dmyh])$/i.exec(value);
  if (!match) return undefined;
  const n = Number(match[1]);
  const unit = match[2].toLowerCase();
  const ms = unit === 'h' ? 3600e3 : unit === 'd' ? 86400e3 : unit === 'm' ? 30 * 86400e3 : 365 * 86400e3;
  return Date.now() - n * ms;
}

function term(key: string | undefined, value: string): Predicate {
  const v = value.toLowerCase().replace(/^"|"$/g, '');
  switch (key) {
    case 'from':
      return (m) => header(m, 'from').toLowerCase().includes(v);
    case 'to':
      return (m) => `${header(m, 'to')} ${header(m, 'cc')}`.toLowerCase().includes(v);
    case 'subject':
      return (m) => header(m, 'subject').toLowerCase().includes(v);
    case 'after': {
      const t = parseWhen(v);
      return (m) => t === undefined || m.internalDate > t;
    }
    case 'before': {
      const t = parseWhen(v);
      return (m) => t === undefined || m.internalDate < t;
    }
    case 'newer_than': {
      const t = relative(v);
      return (m) => t === undefined || m.internalDate > t;
    }
    case 'older_than': {
      const t = relative(v);
      return (m) => t === undefined || m.internalDate < t;
    }
    case 'in':
    case 'label':
      return (m) => m.labelIds.some((l) => l.toLowerCase() === v);
    case 'is':
      return (m) => m.labelIds.some((l) => l.toLowerCase() === v);
    case 'rfc822msgid':
      return (m) => header(m, 'message-id').toLowerCase().replace(/[<>]/g, '') === v.replace(/[<>]/g, '');
    default:
      return (m) => bodyText(m).toLowerCase().includes(v);
  }
}

/** Supports `key:value`, `key:(a OR b)`, `{a b}` (any of), `-term`, `OR` between terms, free text. */
export function compileQuery(q: string): Predicate {
  const tokens = q.match(/-?\{[^}]*\}|-?[\w.]+:\([^)]*\)|-?[\w.]+:"[^"]*"|"[^"]*"|\S+/g) ?? [];
  const clauses: Predicate[][] = [[]];
  for (const raw of tokens) {
    if (raw === 'OR') {
      clauses.push([]);
      continue;
    }
    const negate = raw.startsWith('-');
    const token = negate ? raw.slice(1) : raw;
    let predicate: Predicate;
    if (token.startsWith('{')) {
      const inner = compileAny(token.slice(1, -1).trim().split(/\s+/).filter(Boolean));
      predicate = inner;
    } else {
      const colon = token.indexOf(':');
      const key = colon > 0 ? token.slice(0, colon).toLowerCase() : undefined;
      const value = colon > 0 ? token.slice(colon + 1) : token;
      if (value.startsWith('(') && value.endsWith(')')) {
        const options = value
          .slice(1, -1)
          .split(/\s+/)
          .filter((o) => o && o !== 'OR');
        const any = options.map((o) => term(key, o));
        predicate = (m) => any.some((p) => p(m));
      } else {
        predicate = term(key, value);
      }
    }
    clauses[clauses.length - 1].push(negate ? (m) => !predicate(m) : predicate);
  }
  // "a b OR c d" → (a AND b) OR (c AND d) — Gmail binds OR tighter, but the fake keeps it simple.
  return (m) => clauses.some((all) => all.every((p) => p(m)));
}

function compileAny(tokens: string[]): Predicate {
  const preds = tokens.map((t) => compileQuery(t));
  return (m) => preds.some((p) => p(m));
}
