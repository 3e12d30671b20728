import type { AppConfig } from '../../core/config/app-config.js';
import { IntegrationProvider } from '../../generated/prisma/enums.js';

export { IntegrationProvider };

/**
 * The tenant the seed creates, and the only one the environment's integration credentials (GOOGLE_*,
 * TWILIO_*, BILLY_*, GEMINI_*) configure (docs/architecture.md, Configuration). Every other tenant stores its
 * own, so a sister business never sends through Rendetalje's accounts.
 */
export const ENVIRONMENT_TENANT_SLUG = 'rendetalje';

/** Every provider, in the order GET /integrations lists them. */
export const INTEGRATION_PROVIDERS: readonly IntegrationProvider[] = Object.values(IntegrationProvider);

export function isIntegrationProvider(value: unknown): value is IntegrationProvider {
  return typeof value === 'string' && (INTEGRATION_PROVIDERS as readonly string[]).includes(value);
}

/** What each integration client needs to talk to its vendor: the secrets and the settings, together. */
export interface GoogleCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  gmailAddress: string;
}

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  phoneNumber: string;
}

export interface BillyCredentials {
  apiKey: string;
  organizationId: string;
}

export interface GeminiCredentials {
  apiKey: string;
  model: string;
}

export interface ProviderCredentials {
  google: GoogleCredentials;
  twilio: TwilioCredentials;
  billy: BillyCredentials;
  gemini: GeminiCredentials;
}

/** Where a tenant's working credentials come from; stored ones always win over the environment. */
export type CredentialSource = 'tenant' | 'environment';

/** What `CredentialsService.resolveCredentials` hands an integration client. Never log it. */
export interface ResolvedCredentials<P extends IntegrationProvider> {
  provider: P;
  source: CredentialSource;
  credentials: ProviderCredentials[P];
}

interface ProviderDefinition<P extends IntegrationProvider> {
  /** Human name for messages (lastError, logs). */
  label: string;
  /** Fields encrypted into the envelope. Everything else is a setting, stored in clear. */
  secretKeys: readonly (keyof ProviderCredentials[P] & string)[];
  /** Fields stored in clear in `settings`, and the only ones GET /integrations ever shows. */
  settingKeys: readonly (keyof ProviderCredentials[P] & string)[];
  /** Values a tenant may leave out, taken from the environment (the Gemini model). */
  defaults(config: AppConfig): Partial<ProviderCredentials[P]>;
  /** The environment's credentials, or null when the environment does not configure the provider. */
  fromEnvironment(config: AppConfig): ProviderCredentials[P] | null;
}

/**
 * The one table of what each provider stores and where. Adding a field means adding it here and to its
 * input DTO; the split into secret and setting is decided here only, so no other code can leak a secret
 * into `settings` or the API.
 */
export const PROVIDER_DEFINITIONS: { [P in IntegrationProvider]: ProviderDefinition<P> } = {
  google: {
    label: 'Google',
    secretKeys: ['clientSecret', 'refreshToken'],
    settingKeys: ['clientId', 'gmailAddress'],
    defaults: () => ({}),
    fromEnvironment: ({ google }) =>
      google.clientId && google.clientSecret && google.refreshToken
        ? {
            clientId: google.clientId,
            clientSecret: google.clientSecret,
            refreshToken: google.refreshToken,
            gmailAddress: google.gmailAddress,
          }
        : null,
  },
  twilio: {
    label: 'Twilio',
    secretKeys: ['authToken'],
    settingKeys: ['accountSid', 'phoneNumber'],
    defaults: () => ({}),
    fromEnvironment: ({ twilio }) =>
      twilio.accountSid && twilio.authToken
        ? { accountSid: twilio.accountSid, authToken: twilio.authToken, phoneNumber: twilio.phoneNumber }
        : null,
  },
  billy: {
    label: 'Billy',
    secretKeys: ['apiKey'],
    settingKeys: ['organizationId'],
    defaults: () => ({}),
    fromEnvironment: ({ billy }) =>
      billy.apiKey && billy.organizationId
        ? { apiKey: billy.apiKey, organizationId: billy.organizationId }
        : null,
  },
  gemini: {
    label: 'Gemini',
    secretKeys: ['apiKey'],
    settingKeys: ['model'],
    // A tenant that gives no model follows GEMINI_MODEL, so an upgrade of the default reaches it too.
    defaults: ({ gemini }) => ({ model: gemini.model }),
    fromEnvironment: ({ gemini }) => (gemini.apiKey ? { apiKey: gemini.apiKey, model: gemini.model } : null),
  },
};

export function providerDefinition<P extends IntegrationProvider>(provider: P): ProviderDefinition<P> {
  return PROVIDER_DEFINITIONS[provider] as ProviderDefinition<P>;
}

/**
 * The provider's credentials from what was stored (decrypted secrets and settings, defaults under
 * them), when every field the definition names is a non-empty text; null otherwise. The shape of what
 * may be stored is checked once, at the API (the input DTOs); this only finds what went missing since.
 */
export function completeCredentials<P extends IntegrationProvider>(
  definition: ProviderDefinition<P>,
  stored: Record<string, string>,
): ProviderCredentials[P] | null {
  const keys = [...definition.secretKeys, ...definition.settingKeys];
  if (!keys.every((key) => (stored[key]?.length ?? 0) > 0)) return null;
  return Object.fromEntries(keys.map((key) => [key, stored[key]])) as unknown as ProviderCredentials[P];
}

/** Picks the named string fields of `source`; anything else (and any non-string) is dropped. */
export function pickStrings(source: unknown, keys: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return result;
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key];
    if (typeof value === 'string') result[key] = value;
  }
  return result;
}
