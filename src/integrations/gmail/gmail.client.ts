import { Injectable } from '@nestjs/common';

// Gmail's own package (googleapis' index would load every Google API: about 110 MB of RSS).
import { gmail as gmailApi, type gmail_v1 } from '@googleapis/gmail';

import { AppConfig } from '../../core/config/app-config.js';
import type { ResolvedCredentials } from '../credentials/credentials.providers.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { ClientCache, googleCredentialsKey, googleOAuthClient } from '../credentials/google-oauth.js';
import { IntegrationError } from '../integration-error.js';

const MAX_CACHED_CLIENTS = 200;

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

/** Injection token of the Gmail port. */
export const GMAIL_CLIENT = Symbol('GmailClient');

/**
 * The port to one tenant's mailbox. Failures arrive as IntegrationError (provider Gmail; `not_configured`
 * names Google, the integration users connect): `needs_attention` for a revoked or refused grant,
 * `not_found` for a history cursor too old or a message that is gone, `give_up` for a request Gmail
 * refuses, `retry` for rate limits, 5xx, timeouts and connection errors.
 */
export interface GmailClient {
  /** The tenant's mailbox address, or null when Google is not configured. */
  address(): Promise<string | null>;
  profileHistoryId(): Promise<string>;
  /** The address Google says the mailbox has (users.getProfile): a harmless call for a connection test. */
  profileAddress(): Promise<string>;
  watch(topicName: string): Promise<{ historyId: string; expiresAt: Date }>;
  /** Stops Gmail's pushes for the mailbox (users.stop). */
  stopWatch(): Promise<void>;
  /** One page of messages added to the inbox since `startHistoryId`. */
  history(startHistoryId: string, pageToken?: string): Promise<HistoryPage>;
  list(query: string, pageToken?: string): Promise<MessageListPage>;
  get(messageId: string): Promise<GmailMessage>;
  /** A message this mailbox already sent with the given Message-ID header, if any. */
  findByMessageId(messageIdHeader: string): Promise<GmailMessageRef | null>;
  /** Sends an RFC 822 message (bytes as composed), in `threadId` when given. */
  send(raw: Buffer, threadId?: string): Promise<GmailMessageRef>;
}

/**
 * The Gmail adapter over googleapis. Every call resolves the current tenant's credentials (stored ones
 * win over the environment) and every base URL comes from the configuration, so the same code talks to
 * Google or to the local fakes; googleapis itself retries idempotent requests on 429 and 5xx before a
 * failure comes out.
 */
@Injectable()
export class GoogleGmailClient implements GmailClient {
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

  async profileAddress(): Promise<string> {
    const { data } = await this.call((gmail) => gmail.users.getProfile({ userId: 'me' }));
    return required(data.emailAddress, 'profile.emailAddress');
  }

  async stopWatch(): Promise<void> {
    await this.call((gmail) => gmail.users.stop({ userId: 'me' }));
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
    if (!resolved)
      throw new IntegrationError({
        provider: 'Google',
        kind: 'not_configured',
        message: 'Google is not configured for this tenant',
      });
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

/**
 * Maps what googleapis (gaxios) throws to our kinds, with a secret-free message for the logs. Passing
 * trouble of every sort reads as "Gmail svarede ikke som forventet" (`unavailable`), as it always has.
 */
export function toGmailError(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const failure = (error ?? {}) as GaxiosLike;
  const status = failure.response?.status ?? failure.status;
  const data = failure.response?.data as { error?: unknown } | undefined;
  const message = error instanceof Error ? error.message : String(error);
  const described = (status ? `HTTP ${status}: ${message}` : message).slice(0, 300);
  const gmailError = (kind: IntegrationError['kind'], vendorCode?: string) =>
    new IntegrationError({
      provider: 'Gmail',
      kind,
      message: described,
      httpStatus: status ?? null,
      vendorCode,
      ...(kind === 'retry' ? { trouble: 'unavailable' as const } : {}),
    });
  // The token endpoint answers 400 { error: 'invalid_grant' } for a revoked or expired refresh token.
  if (data?.error === 'invalid_grant' || /invalid_grant/.test(message))
    return gmailError('needs_attention', 'invalid_grant');
  if (status === 401) return gmailError('needs_attention');
  if (status === 404) return gmailError('not_found');
  // Gmail answers rate and quota limits with 403 (rateLimitExceeded, userRateLimitExceeded…) as well as 429.
  if (status === 403 && RATE_LIMITED.test(JSON.stringify(failure.response?.data ?? '') + message))
    return gmailError('retry');
  if (typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return gmailError('give_up');
  return gmailError('retry');
}

function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined)
    throw new IntegrationError({
      provider: 'Gmail',
      kind: 'retry',
      trouble: 'unavailable',
      message: `Gmail answered without ${what}`,
    });
  return value;
}
