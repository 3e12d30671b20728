import { Injectable } from '@nestjs/common';

// Gmail alone from googleapis: the package's index loads every Google API (about 110 MB of RSS).
import { gmail as gmailApi, type gmail_v1 } from 'googleapis/build/src/apis/gmail/index.js';

import { AppConfig } from '../../core/config/app-config.js';
import type { ResolvedCredentials } from '../credentials/credentials.providers.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { ClientCache, googleCredentialsKey, googleOAuthClient } from '../credentials/google-oauth.js';

const MAX_CACHED_CLIENTS = 200;

/** What a failed Gmail call means for the job that made it. */
export type GmailFailureKind =
  /** The refresh token was revoked or expired: only an admin can fix it; retrying is pointless. */
  | 'revoked'
  /** 404: a history cursor too old, or a message that is gone. */
  | 'not_found'
  /** The request itself is wrong (a 4xx other than 404/408/429): retrying sends the same request. */
  | 'rejected'
  /** Rate limits, 5xx, timeouts, connection errors: retry with backoff. */
  | 'transient';

/** A Gmail failure with its meaning and a secret-free message for lastError and the timeline. */
export class GmailError extends Error {
  constructor(
    readonly kind: GmailFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'GmailError';
  }
}

export class GmailNotConfiguredError extends Error {
  constructor() {
    super('Google is not configured for this tenant');
    this.name = 'GmailNotConfiguredError';
  }
}

export interface GmailMessageRef {
  id: string;
  threadId: string | null;
}

export interface HistoryPage {
  messageIds: string[];
  historyId: string | null;
  nextPageToken: string | null;
}

export interface MessageListPage {
  messages: GmailMessageRef[];
  nextPageToken: string | null;
}

export type GmailMessage = gmail_v1.Schema$Message;

/**
 * The port to one tenant's mailbox. Every call resolves the current tenant's credentials (stored ones
 * win over the environment) and every base URL comes from the configuration, so the same code talks to
 * Google or to the local fakes. Failures arrive as GmailError with their kind; googleapis itself
 * retries idempotent requests on 429 and 5xx before that.
 */
@Injectable()
export class GmailClient {
  /** One client per tenant's credentials: its access token is reused until it expires. */
  private readonly clients = new ClientCache<gmail_v1.Gmail>(MAX_CACHED_CLIENTS);

  constructor(
    private readonly config: AppConfig,
    private readonly credentials: CredentialsService,
  ) {}

  /** The tenant's mailbox address, or null when Google is not configured. */
  async address(): Promise<string | null> {
    const resolved = await this.credentials.resolveCredentials('google');
    return resolved?.credentials.gmailAddress ?? null;
  }

  async profileHistoryId(): Promise<string> {
    const { data } = await this.call((gmail) => gmail.users.getProfile({ userId: 'me' }));
    return required(data.historyId, 'profile.historyId');
  }

  async watch(topicName: string): Promise<{ historyId: string; expiresAt: Date }> {
    const { data } = await this.call((gmail) =>
      gmail.users.watch({
        userId: 'me',
        requestBody: { topicName, labelIds: ['INBOX'], labelFilterBehavior: 'INCLUDE' },
      }),
    );
    return {
      historyId: required(data.historyId, 'watch.historyId'),
      expiresAt: new Date(Number(required(data.expiration, 'watch.expiration'))),
    };
  }

  /** One page of messages added to the inbox since `startHistoryId`. */
  async history(startHistoryId: string, pageToken?: string): Promise<HistoryPage> {
    const { data } = await this.call((gmail) =>
      gmail.users.history.list({
        userId: 'me',
        startHistoryId,
        historyTypes: ['messageAdded'],
        labelId: 'INBOX',
        pageToken,
      }),
    );
    const messageIds: string[] = [];
    for (const entry of data.history ?? []) {
      for (const added of entry.messagesAdded ?? []) {
        const message = added.message;
        if (!message?.id) continue;
        if (message.labelIds && !message.labelIds.includes('INBOX')) continue;
        messageIds.push(message.id);
      }
    }
    return { messageIds, historyId: data.historyId ?? null, nextPageToken: data.nextPageToken ?? null };
  }

  async list(query: string, pageToken?: string): Promise<MessageListPage> {
    const { data } = await this.call((gmail) =>
      gmail.users.messages.list({ userId: 'me', q: query, labelIds: ['INBOX'], pageToken, maxResults: 100 }),
    );
    return {
      messages: (data.messages ?? []).flatMap((m) =>
        m.id ? [{ id: m.id, threadId: m.threadId ?? null }] : [],
      ),
      nextPageToken: data.nextPageToken ?? null,
    };
  }

  async get(messageId: string): Promise<GmailMessage> {
    const { data } = await this.call((gmail) =>
      gmail.users.messages.get({ userId: 'me', id: messageId, format: 'full' }),
    );
    return data;
  }

  /** A message this mailbox already sent with the given Message-ID header, if any. */
  async findByMessageId(messageIdHeader: string): Promise<GmailMessageRef | null> {
    const { data } = await this.call((gmail) =>
      gmail.users.messages.list({
        userId: 'me',
        q: `rfc822msgid:${messageIdHeader}`,
        includeSpamTrash: true,
        maxResults: 1,
      }),
    );
    const found = data.messages?.[0];
    return found?.id ? { id: found.id, threadId: found.threadId ?? null } : null;
  }

  /** Sends an RFC 822 message (bytes as composed), in `threadId` when given. */
  async send(raw: Buffer, threadId?: string): Promise<GmailMessageRef> {
    const rootUrl = this.config.google.apiBaseUrl;
    const { data } = await this.call((gmail) =>
      gmail.users.messages.send(
        { userId: 'me', requestBody: { raw: raw.toString('base64url'), threadId } },
        // The upload path of messages.send takes the root URL per call, not from the client.
        rootUrl ? { rootUrl } : {},
      ),
    );
    return { id: required(data.id, 'send.id'), threadId: data.threadId ?? null };
  }

  private async call<T>(request: (gmail: gmail_v1.Gmail) => Promise<T>): Promise<T> {
    const resolved = await this.credentials.resolveCredentials('google');
    if (!resolved) throw new GmailNotConfiguredError();
    const key = googleCredentialsKey(resolved);
    try {
      return await request(this.client(key, resolved));
    } catch (error) {
      if ((error as GaxiosLike).response?.status !== 401) throw toGmailError(error);
      // The cached access token was refused (revoked, or expired early): once more with a fresh
      // client, whose token refresh tells a revoked grant (invalid_grant) from a stale token.
      this.clients.forget(key);
      try {
        return await request(this.client(key, resolved));
      } catch (retried) {
        throw toGmailError(retried);
      }
    }
  }

  private client(key: string, resolved: ResolvedCredentials<'google'>): gmail_v1.Gmail {
    const { apiBaseUrl } = this.config.google;
    return this.clients.get(key, () =>
      gmailApi({
        version: 'v1',
        auth: googleOAuthClient(resolved.credentials, this.config),
        ...(apiBaseUrl ? { rootUrl: apiBaseUrl } : {}),
      }),
    );
  }
}

const RATE_LIMITED =
  /rateLimitExceeded|userRateLimitExceeded|dailyLimitExceeded|quotaExceeded|RESOURCE_EXHAUSTED|Rate Limit Exceeded/i;

interface GaxiosLike {
  status?: number;
  response?: { status?: number; data?: unknown };
}

export function toGmailError(error: unknown): GmailError {
  if (error instanceof GmailError) return error;
  const failure = (error ?? {}) as GaxiosLike;
  const status = failure.response?.status ?? failure.status;
  const data = failure.response?.data as { error?: unknown } | undefined;
  const message = error instanceof Error ? error.message : String(error);
  const described = (status ? `HTTP ${status}: ${message}` : message).slice(0, 300);
  // The token endpoint answers 400 { error: 'invalid_grant' } for a revoked or expired refresh token.
  if (data?.error === 'invalid_grant' || /invalid_grant/.test(message) || status === 401)
    return new GmailError('revoked', described);
  if (status === 404) return new GmailError('not_found', described);
  // Gmail answers rate and quota limits with 403 (rateLimitExceeded, userRateLimitExceeded…) as well as 429.
  if (status === 403 && RATE_LIMITED.test(JSON.stringify(failure.response?.data ?? '') + message))
    return new GmailError('transient', described);
  if (typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return new GmailError('rejected', described);
  return new GmailError('transient', described);
}

function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined)
    throw new GmailError('transient', `Gmail answered without ${what}`);
  return value;
}
