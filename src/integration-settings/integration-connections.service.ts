import { Inject, Injectable, Logger } from '@nestjs/common';
// The Google API packages' own OAuth2 (their google-auth-library version), for revoking a grant.
import { auth as googleAuth } from '@googleapis/gmail';

import { AuditService } from '../auth/audit.service.js';
import { AppConfig } from '../core/config/app-config.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { Clock } from '../core/time/clock.js';
import { BILLY_GATEWAY, type BillyGateway } from '../integrations/billy/billy.client.js';
import { IntegrationNotConfiguredError } from '../integrations/credentials/credentials.errors.js';
import type { IntegrationProvider } from '../integrations/credentials/credentials.providers.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { GEMINI_CLIENT, type GeminiClient } from '../integrations/gemini/gemini.client.js';
import { GMAIL_CLIENT, type GmailClient } from '../integrations/gmail/gmail.client.js';
import { CALENDAR_GATEWAY, type CalendarGateway } from '../integrations/google-calendar/calendar.gateway.js';
import { IntegrationError, type ProviderName } from '../integrations/integration-error.js';
import { failureOf, providerFailure } from '../integrations/provider-failure.js';
import { SMS_SENDER, type SmsSender } from '../integrations/twilio/twilio.client.js';
import type { CredentialActor } from './integration-settings.service.js';

/** What POST /integrations/:provider/test answers. */
export interface ConnectionTestResult {
  provider: IntegrationProvider;
  ok: boolean;
  /** Null when it worked; else a stable code (credentials_rejected, provider_unreachable, not_configured, …). */
  code: string | null;
  /** One Danish sentence: what worked, or what went wrong (never the vendor's own words). */
  detail: string;
}

const NAMES: Record<IntegrationProvider, ProviderName> = {
  google: 'Google',
  twilio: 'Twilio',
  billy: 'Billy',
  gemini: 'Gemini',
};

/** How long a revoke or watch stop may hold up a disconnect: both are best effort. */
const RELEASE_TIMEOUT_MS = 10_000;

/**
 * Testing and disconnecting a tenant's integrations (POST /integrations/:provider/test, DELETE
 * /integrations/:provider). A test makes one harmless call per provider with the tenant's own
 * credentials and records the outcome where GET /integrations reads an integration's health, exactly as
 * a failure in real work would.
 */
@Injectable()
export class IntegrationConnections {
  private readonly logger = new Logger(IntegrationConnections.name);

  constructor(
    private readonly credentials: CredentialsService,
    private readonly db: TenantPrismaService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(GMAIL_CLIENT) private readonly gmail: GmailClient,
    @Inject(CALENDAR_GATEWAY) private readonly calendar: CalendarGateway,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
    @Inject(BILLY_GATEWAY) private readonly billy: BillyGateway,
    @Inject(GEMINI_CLIENT) private readonly gemini: GeminiClient,
  ) {}

  async test(provider: IntegrationProvider): Promise<ConnectionTestResult> {
    let detail: string;
    try {
      detail = await this.probe(provider);
    } catch (error) {
      if (error instanceof IntegrationNotConfiguredError || isNotConfigured(error)) {
        const failure = providerFailure(NAMES[provider], 'not_configured');
        return { provider, ok: false, code: failure.code, detail: failure.message };
      }
      if (!(error instanceof IntegrationError)) {
        this.logger.error({
          message: 'Integration test failed unexpectedly',
          provider,
          error: (error as Error)?.name,
        });
        const failure = providerFailure(NAMES[provider], 'internal_error');
        return { provider, ok: false, code: failure.code, detail: failure.message };
      }
      // The vendor's words go to the log; the admin and the account's health get our summary.
      this.logger.warn({
        message: 'Integration test failed',
        provider,
        kind: error.kind,
        error: error.message,
      });
      const failure = failureOf(error);
      await this.credentials.recordFailure(provider, failure, {
        needsAttention: error.kind === 'needs_attention',
      });
      return { provider, ok: false, code: failure.code, detail: failure.message };
    }
    await this.credentials.recordSuccess(provider, { always: true });
    return { provider, ok: true, code: null, detail };
  }

  /**
   * Disconnects the provider: for Google, stops the Gmail watch and revokes the grant at Google (both
   * best effort: the stored credentials go whatever Google answers), then forgets the stored credentials.
   * Idempotent: with nothing stored there is nothing to do.
   */
  async disconnect(provider: IntegrationProvider, actor: CredentialActor): Promise<void> {
    if (provider === 'google') await this.releaseGoogle();
    const tenantId = this.db.tenantId;
    await this.credentials.remove(provider, async (tx) => {
      await this.audit.record(
        {
          action: 'credential_change',
          tenantId,
          actorUserId: actor.userId,
          targetType: 'integration',
          targetId: provider,
          ip: actor.ip,
          userAgent: actor.userAgent,
          metadata: { provider, removed: true },
        },
        tx,
      );
    });
  }

  private async probe(provider: IntegrationProvider): Promise<string> {
    switch (provider) {
      case 'google': {
        const address = await this.gmail.profileAddress();
        const calendar = await this.calendar.connect();
        if (!calendar) throw new IntegrationNotConfiguredError('google');
        const from = this.clock.now();
        const busy = await calendar.freeBusy(['primary'], from, new Date(from.getTime() + 3600_000));
        const primary = busy.get('primary');
        if (primary instanceof IntegrationError) throw primary;
        return `Gmail svarer for ${address}, og kalenderen kan læses`;
      }
      case 'twilio': {
        const { credentials } = await this.credentials.requireCredentials('twilio');
        const status = await this.sms.accountStatus(credentials);
        if (status !== 'active') {
          throw new IntegrationError({
            provider: 'Twilio',
            kind: 'needs_attention',
            message: `Twilio account status is ${status}`,
          });
        }
        return 'Twilio-kontoen er aktiv';
      }
      case 'billy': {
        const { credentials } = await this.credentials.requireCredentials('billy');
        const organization = await this.billy.forCredentials(credentials).getOrganization();
        return organization.name ? `Billy svarer for ${organization.name}` : 'Billy svarer';
      }
      case 'gemini': {
        const checked = await this.gemini.checkModel();
        if (!checked) throw new IntegrationNotConfiguredError('gemini');
        return `Gemini svarer, og modellen ${checked.model} findes`;
      }
    }
  }

  /** Stops the watch and revokes the grant of credentials the tenant stored (never the environment's). */
  private async releaseGoogle(): Promise<void> {
    const resolved = await this.credentials.resolveCredentials('google');
    if (resolved?.source !== 'tenant') return;
    const tenantId = this.db.tenantId;
    try {
      await this.gmail.stopWatch();
    } catch (error) {
      this.logger.warn({
        message: 'Could not stop the Gmail watch before disconnecting',
        tenantId,
        kind: error instanceof IntegrationError ? error.kind : (error as Error)?.name,
      });
    }
    const { clientId, clientSecret, refreshToken } = resolved.credentials;
    const client = new googleAuth.OAuth2({
      clientId,
      clientSecret,
      endpoints: { oauth2RevokeUrl: this.config.google.oauthRevokeUrl },
    });
    try {
      await withTimeout(client.revokeToken(refreshToken), RELEASE_TIMEOUT_MS);
    } catch (error) {
      // The request's URL carries the token: the status only.
      const status = (error as { response?: { status?: number } })?.response?.status ?? null;
      this.logger.warn({ message: 'Google did not revoke the grant on disconnect', tenantId, status });
    }
  }
}

function isNotConfigured(error: unknown): boolean {
  return error instanceof IntegrationError && error.kind === 'not_configured';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
