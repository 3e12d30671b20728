import { Injectable, Logger } from '@nestjs/common';
// The Google API packages' own OAuth2 (their google-auth-library version) and Gmail, as the Gmail adapter loads them.
import { auth as googleAuth, gmail as gmailApi } from '@googleapis/gmail';

import { AppConfig } from '../core/config/app-config.js';
import { TenantContextService } from '../core/database/tenant-context.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { DomainError } from '../core/http/domain-error.js';
import { RedisService } from '../core/redis/redis.service.js';
import { Clock } from '../core/time/clock.js';
import { GmailWatch } from '../intake/gmail-watch.service.js';
import { providerFailure, type ProviderFailureCode } from '../integrations/provider-failure.js';
import type { CredentialActor } from './integration-settings.service.js';
import { IntegrationSettingsService } from './integration-settings.service.js';
import { newNonce, pkcePair, signState, stateKey, verifyState } from './google-consent-state.js';

/**
 * What the app asks Google for: reading the mailbox (watch, history, messages, the profile), sending the
 * replies, and the calendar's events and free/busy (docs/going-live.md, section 2).
 */
export const GOOGLE_CONSENT_SCOPES = [
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.send',
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.freebusy',
] as const;

/** How long an admin has between "connect" and Google's answer; also the life of the PKCE verifier. */
export const CONSENT_TTL_SECONDS = 10 * 60;

/** What came of Google's answer at the callback; the page (google-consent.page.ts) says it in Danish. */
export type ConsentOutcome =
  | {
      kind: 'connected';
      gmailAddress: string;
      watch: 'started' | 'no_topic' | 'failed';
      watchProblem?: string;
      /** The tenant's inbox when it is another mailbox: pushes for the connected one find no tenant. */
      tenantInbox?: string;
    }
  | { kind: 'denied' }
  | { kind: 'google_error' }
  | { kind: 'invalid_state' }
  | { kind: 'expired_state' }
  | { kind: 'used_state' }
  | { kind: 'missing_code' }
  | { kind: 'exchange_failed' }
  | { kind: 'no_refresh_token' }
  | { kind: 'profile_failed' }
  | { kind: 'not_configured' }
  /** Our own trouble (the database or Redis away): nothing was stored, trying again may work. */
  | { kind: 'unavailable' };

interface PendingConsent {
  tenantId: string;
  userId: string;
  verifier: string;
}

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
}

/**
 * Connecting a tenant's own Google account by consent (OAuth 2.0 authorisation code with PKCE):
 * `start` gives the URL of Google's consent page, `finish` takes Google's answer at the callback, stores
 * the refresh token encrypted exactly as PUT /integrations/google does (with its audit entry), and starts
 * the Gmail watch. The code, the tokens and the verifier are never logged.
 */
@Injectable()
export class GoogleConsent {
  private readonly logger = new Logger(GoogleConsent.name);
  private readonly key: Buffer;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly clock: Clock,
    private readonly context: TenantContextService,
    private readonly settings: IntegrationSettingsService,
    private readonly gmailWatch: GmailWatch,
    private readonly db: TenantPrismaService,
  ) {
    this.key = stateKey(config.auth.jwtSecret);
  }

  /** The consent URL for this tenant's admin; the state and the PKCE verifier wait in Redis. */
  async start(tenantId: string, userId: string): Promise<string> {
    const client = this.oauthClient();
    if (!client) {
      throw new DomainError(
        'unavailable',
        'Connecting Google is not set up on this server (GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET)',
      );
    }
    const nonce = newNonce();
    const { verifier, challenge } = pkcePair();
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + CONSENT_TTL_SECONDS;
    const pending: PendingConsent = { tenantId, userId, verifier };
    try {
      await this.redis.client.set(this.redisKey(nonce), JSON.stringify(pending), 'EX', CONSENT_TTL_SECONDS);
    } catch {
      throw new DomainError('unavailable', 'Google cannot be connected right now (Redis is unavailable)');
    }
    return client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: [...GOOGLE_CONSENT_SCOPES],
      state: signState({ tenantId, userId, nonce, expiresAt }, this.key),
      code_challenge: challenge,
      // CodeChallengeMethod.S256 of googleapis' own google-auth-library, which it does not re-export.
      code_challenge_method: 'S256' as never,
      include_granted_scopes: true,
    });
  }

  /** Google's answer at the callback. Never throws: every outcome is a page for the person waiting. */
  async finish(query: CallbackQuery, request: { ip?: string; userAgent?: string }): Promise<ConsentOutcome> {
    try {
      return await this.complete(query, request);
    } catch (error) {
      // The error's name only: a database error can quote its parameters, which include the envelope.
      this.logger.error({ message: 'Google consent could not be completed', error: (error as Error)?.name });
      return { kind: 'unavailable' };
    }
  }

  private async complete(
    query: CallbackQuery,
    request: { ip?: string; userAgent?: string },
  ): Promise<ConsentOutcome> {
    const state = query.state ? verifyState(query.state, this.key) : null;
    if (!state) return { kind: 'invalid_state' };
    let pending: PendingConsent | null;
    try {
      // Single use: whoever takes the record first is the one answer that counts.
      const stored = await this.redis.client.getdel(this.redisKey(state.nonce));
      pending = stored ? (JSON.parse(stored) as PendingConsent) : null;
    } catch (error) {
      this.logger.warn({ message: 'Google consent state could not be read', error: (error as Error).name });
      return { kind: 'exchange_failed' };
    }
    if (state.expiresAt * 1000 <= this.clock.now().getTime()) return { kind: 'expired_state' };
    if (!pending) return { kind: 'used_state' };
    if (pending.tenantId !== state.tenantId || pending.userId !== state.userId)
      return { kind: 'invalid_state' };

    if (query.error) {
      this.logger.log({
        message: 'Google consent refused',
        tenantId: state.tenantId,
        // From the URL: anyone can put anything there.
        error: query.error.slice(0, 64),
      });
      return query.error === 'access_denied' ? { kind: 'denied' } : { kind: 'google_error' };
    }
    if (!query.code) return { kind: 'missing_code' };
    // The admin who started may have lost the role (or access) since: then no grant is fetched at all.
    const tenant = { tenantId: state.tenantId, userId: state.userId, role: 'admin' as const };
    if (!(await this.context.run(tenant, () => this.isActiveAdmin(state.tenantId, state.userId))))
      return { kind: 'invalid_state' };
    const client = this.oauthClient();
    if (!client) return { kind: 'not_configured' };

    let tokens: { refresh_token?: string | null; access_token?: string | null };
    try {
      ({ tokens } = await client.getToken({ code: query.code, codeVerifier: pending.verifier }));
    } catch (error) {
      // The status and Google's error code only: the request carried the code and the verifier.
      const failure = error as { response?: { status?: number; data?: { error?: unknown } } };
      this.logger.warn({
        message: 'Google did not exchange the consent code',
        tenantId: state.tenantId,
        status: failure.response?.status ?? null,
        oauthError: typeof failure.response?.data?.error === 'string' ? failure.response.data.error : null,
      });
      return { kind: 'exchange_failed' };
    }
    if (!tokens.refresh_token) {
      this.logger.warn({ message: 'Google consent gave no refresh token', tenantId: state.tenantId });
      return { kind: 'no_refresh_token' };
    }

    const gmailAddress = await this.mailboxOf(client, tokens, state.tenantId);
    if (!gmailAddress) return { kind: 'profile_failed' };

    const actor: CredentialActor = { userId: state.userId, ip: request.ip, userAgent: request.userAgent };
    return this.context.run(tenant, async () => {
      await this.settings.configure(
        'google',
        {
          clientId: this.config.google.clientId,
          clientSecret: this.config.google.clientSecret,
          refreshToken: tokens.refresh_token,
          gmailAddress,
        },
        actor,
      );
      this.logger.log({ message: 'Google connected by consent', tenantId: state.tenantId });
      const tenantInbox = await this.claimInbox(state.tenantId, gmailAddress);
      return {
        kind: 'connected' as const,
        gmailAddress,
        ...(tenantInbox ? { tenantInbox } : {}),
        ...(await this.startWatch()),
      };
    });
  }

  private async isActiveAdmin(tenantId: string, userId: string): Promise<boolean> {
    const membership = await this.db.client.membership.findFirst({
      where: { tenantId, userId, role: 'admin', active: true },
      select: { id: true },
    });
    return membership !== null;
  }

  /**
   * Makes the connected mailbox the tenant's inbox when it has none (a Gmail push finds its tenant by
   * that address). Returns the tenant's inbox when it is another address, for the page to point out.
   */
  private async claimInbox(tenantId: string, gmailAddress: string): Promise<string | undefined> {
    try {
      await this.db.client.tenant.updateMany({
        where: { id: tenantId, gmailAddress: null },
        data: { gmailAddress },
      });
    } catch (error) {
      // Another tenant has the address already (the column is unique): leave it to an admin.
      this.logger.warn({
        message: 'The connected mailbox could not become the tenant inbox',
        tenantId,
        error: (error as { code?: string }).code ?? (error as Error).name,
      });
    }
    const tenant = await this.db.client.tenant.findUnique({
      where: { id: tenantId },
      select: { gmailAddress: true },
    });
    const inbox = tenant?.gmailAddress ?? undefined;
    return inbox && inbox.toLowerCase() !== gmailAddress.toLowerCase() ? inbox : undefined;
  }

  /** The mailbox the grant belongs to, as Gmail names it (users.getProfile with the new access token). */
  private async mailboxOf(
    client: InstanceType<typeof googleAuth.OAuth2>,
    tokens: { access_token?: string | null; refresh_token?: string | null },
    tenantId: string,
  ): Promise<string | null> {
    const { apiBaseUrl } = this.config.google;
    client.setCredentials(tokens);
    try {
      const { data } = await gmailApi({
        version: 'v1',
        auth: client,
        ...(apiBaseUrl ? { rootUrl: apiBaseUrl } : {}),
      }).users.getProfile({ userId: 'me' });
      return data.emailAddress ?? null;
    } catch (error) {
      const failure = error as { response?: { status?: number } };
      this.logger.warn({
        message: 'Gmail did not name the connected mailbox',
        tenantId,
        status: failure.response?.status ?? null,
      });
      return null;
    }
  }

  private async startWatch(): Promise<{ watch: 'started' | 'no_topic' | 'failed'; watchProblem?: string }> {
    if (!this.config.google.pubsubTopic) return { watch: 'no_topic' };
    try {
      await this.gmailWatch.start();
      return { watch: 'started' };
    } catch (error) {
      // GmailWatch has logged Gmail's words; the page gets the Danish summary of the failure's code.
      const code =
        error instanceof DomainError ? (error.details as { code?: unknown } | undefined)?.code : null;
      const failure = providerFailure('Gmail', isFailureCode(code) ? code : 'provider_unavailable');
      this.logger.warn({ message: 'The Gmail watch did not start after consent', code: failure.code });
      return { watch: 'failed', watchProblem: failure.message };
    }
  }

  private oauthClient(): InstanceType<typeof googleAuth.OAuth2> | null {
    const { clientId, clientSecret, oauthTokenUrl, oauthAuthUrl, oauthRedirectUri } = this.config.google;
    if (!clientId || !clientSecret) return null;
    return new googleAuth.OAuth2({
      clientId,
      clientSecret,
      redirectUri: oauthRedirectUri,
      endpoints: {
        oauth2AuthBaseUrl: oauthAuthUrl,
        ...(oauthTokenUrl ? { oauth2TokenUrl: oauthTokenUrl } : {}),
      },
    });
  }

  private redisKey(nonce: string): string {
    return `${this.config.redis.queuePrefix}:google-consent:${nonce}`;
  }
}

const FAILURE_CODES: readonly string[] = [
  'provider_unreachable',
  'provider_unavailable',
  'provider_rate_limited',
  'credentials_rejected',
  'access_denied',
  'request_rejected',
  'not_found',
  'not_configured',
];

function isFailureCode(value: unknown): value is ProviderFailureCode {
  return typeof value === 'string' && FAILURE_CODES.includes(value);
}
