import { parseKeyring, type EncryptionKeyring } from '../crypto/credential-cipher.js';
import { developmentDefaults, environmentSchema, type Environment } from './config.schema.js';

export type AppRole = 'all' | 'api' | 'worker';

/** Thrown when the environment cannot start the app; the message lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The typed configuration, built once from the environment (docs/architecture.md, Configuration). It is also
 * the injection token: services ask for `AppConfig` and never read process.env.
 */
export class AppConfig {
  readonly nodeEnv: Environment['NODE_ENV'];
  readonly isProduction: boolean;
  readonly role: AppRole;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly globalPrefix: 'api';
    readonly corsOrigins: readonly string[];
    /** Proxies trusted to report the client's IP (rate limits, audit); none by default. */
    readonly trustProxy: boolean | number | string;
    readonly bodyLimitBytes: number;
    readonly rateLimitPerMinute: number;
    /** What Twilio signs: the public origin the app is reached at. */
    readonly publicBaseUrl: string;
  };
  readonly database: {
    readonly url: string;
    readonly adminUrl: string;
    readonly poolSize: number;
    readonly migrateOnStart: boolean;
  };
  readonly redis: { readonly url: string; readonly queuePrefix: string };
  /** How often each instance sweeps outbox rows that were not relayed at commit (0 turns it off). */
  readonly outbox: { readonly sweepIntervalMs: number };
  /**
   * Crash recovery: a running job's lock is renewed every half `lockDurationMs`; once a dead process's
   * lock has expired, the next stalled check (every `stalledIntervalMs`) hands the job back to run again.
   */
  readonly jobs: { readonly stalledIntervalMs: number; readonly lockDurationMs: number };
  /**
   * The graceful shutdown: readiness answers 503 for `drainDelayMs` before the server stops taking
   * connections (time for a load balancer to notice), and the whole sequence gets `timeoutMs`.
   */
  readonly shutdown: { readonly drainDelayMs: number; readonly timeoutMs: number };
  readonly auth: {
    readonly jwtSecret: string;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlDays: number;
  };
  readonly encryption: EncryptionKeyring;
  readonly observability: {
    readonly logLevel: Environment['LOG_LEVEL'];
    readonly sentryDsn?: string;
    readonly metricsToken?: string;
  };
  readonly google: {
    readonly clientId?: string;
    readonly clientSecret?: string;
    readonly refreshToken?: string;
    readonly gmailAddress: string;
    readonly pubsubAudience?: string;
    readonly pubsubServiceAccount?: string;
    readonly pubsubToken?: string;
    readonly pubsubTopic?: string;
    readonly apiBaseUrl?: string;
    readonly oauthTokenUrl?: string;
    readonly certsUrl?: string;
    /** Google's consent page (GOOGLE_OAUTH_AUTH_URL). */
    readonly oauthAuthUrl: string;
    /** Google's token revocation endpoint (GOOGLE_OAUTH_REVOKE_URL). */
    readonly oauthRevokeUrl: string;
    /**
     * Where Google sends the admin back after consent: PUBLIC_BASE_URL + /api/integrations/google/callback.
     * Register exactly this URL as an authorised redirect URI of the OAuth client.
     */
    readonly oauthRedirectUri: string;
  };
  readonly twilio: {
    readonly accountSid?: string;
    readonly authToken?: string;
    readonly phoneNumber: string;
    readonly apiBaseUrl: string;
  };
  readonly billy: { readonly apiKey?: string; readonly organizationId?: string; readonly apiBaseUrl: string };
  readonly gemini: { readonly apiKey?: string; readonly model: string; readonly apiBaseUrl: string };
  readonly seed: { readonly adminEmail: string; readonly adminPassword?: string };

  constructor(env: Environment, encryption: EncryptionKeyring, jwtSecret: string) {
    this.nodeEnv = env.NODE_ENV;
    this.isProduction = env.NODE_ENV === 'production';
    this.role = env.APP_ROLE;
    this.http = {
      host: env.HOST,
      port: env.PORT,
      globalPrefix: 'api',
      corsOrigins: env.CORS_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
      trustProxy: env.TRUST_PROXY,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    };
    this.database = {
      url: env.DATABASE_URL,
      adminUrl: env.DATABASE_ADMIN_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      migrateOnStart: env.MIGRATE_ON_START ?? !this.isProduction,
    };
    this.redis = { url: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX };
    this.outbox = { sweepIntervalMs: env.OUTBOX_SWEEP_INTERVAL_MS };
    this.jobs = {
      stalledIntervalMs: env.JOB_STALLED_INTERVAL_MS,
      lockDurationMs: env.JOB_LOCK_DURATION_MS,
    };
    this.shutdown = { drainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS, timeoutMs: env.SHUTDOWN_TIMEOUT_MS };
    this.auth = {
      jwtSecret,
      issuer: 'renos',
      audience: 'renos-api',
      accessTokenTtlSeconds: 15 * 60,
      refreshTokenTtlDays: 30,
    };
    this.encryption = encryption;
    this.observability = {
      logLevel: env.LOG_LEVEL,
      sentryDsn: env.SENTRY_DSN,
      metricsToken: env.METRICS_TOKEN,
    };
    this.google = {
      clientId: env.GOOGLE_CLIENT_ID,
      clientSecret: env.GOOGLE_CLIENT_SECRET,
      refreshToken: env.GOOGLE_REFRESH_TOKEN,
      gmailAddress: env.GMAIL_ADDRESS,
      pubsubAudience: env.GOOGLE_PUBSUB_AUDIENCE,
      pubsubServiceAccount: env.GOOGLE_PUBSUB_SERVICE_ACCOUNT,
      pubsubToken: env.GOOGLE_PUBSUB_TOKEN,
      pubsubTopic: env.PUBSUB_TOPIC,
      apiBaseUrl: env.GOOGLE_API_BASE_URL,
      oauthTokenUrl: env.GOOGLE_OAUTH_TOKEN_URL,
      certsUrl: env.GOOGLE_CERTS_URL,
      oauthAuthUrl: env.GOOGLE_OAUTH_AUTH_URL,
      oauthRevokeUrl: env.GOOGLE_OAUTH_REVOKE_URL,
      oauthRedirectUri: `${this.http.publicBaseUrl}/${this.http.globalPrefix}/integrations/google/callback`,
    };
    this.twilio = {
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      phoneNumber: env.TWILIO_PHONE_NUMBER,
      apiBaseUrl: env.TWILIO_API_BASE_URL.replace(/\/+$/, ''),
    };
    this.billy = {
      apiKey: env.BILLY_API_KEY,
      organizationId: env.BILLY_ORGANIZATION_ID,
      apiBaseUrl: env.BILLY_API_BASE_URL.replace(/\/+$/, ''),
    };
    this.gemini = {
      apiKey: env.GEMINI_API_KEY,
      model: env.GEMINI_MODEL,
      apiBaseUrl: env.GEMINI_API_BASE_URL.replace(/\/+$/, ''),
    };
    this.seed = {
      adminEmail: env.SEED_ADMIN_EMAIL,
      adminPassword:
        env.SEED_ADMIN_PASSWORD ?? (this.isProduction ? undefined : developmentDefaults.adminPassword),
    };
  }

  get runsApi(): boolean {
    return this.role !== 'worker';
  }

  get runsWorkers(): boolean {
    return this.role !== 'api';
  }
}

/** Integrations whose variables only make sense together: setting one without the others is a mistake. */
const INTEGRATION_GROUPS: ReadonlyArray<{ name: string; keys: ReadonlyArray<keyof Environment> }> = [
  // The OAuth client alone is enough: tenants connect their own mailbox by consent with it.
  { name: 'Google', keys: ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'] },
  { name: 'Twilio', keys: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'] },
  { name: 'Billy', keys: ['BILLY_API_KEY', 'BILLY_ORGANIZATION_ID'] },
];

const MIN_JWT_SECRET_BYTES = 32;

/**
 * In production the public origin cannot be guessed: outside it defaults to localhost, which in
 * production would make every Twilio signature check fail without a word. Twilio signs the https URL
 * it was given, and its webhooks must not travel in clear, so with Twilio configured it must be https.
 * A TWILIO_API_BASE_URL pointed at a local fake (the benchmark runs in production mode) is not Twilio.
 */
function publicBaseUrlProblems(env: Environment, isProduction: boolean): string[] {
  if (!isProduction) return [];
  if (env.PUBLIC_BASE_URL === undefined) {
    return ['PUBLIC_BASE_URL: required in production (the https:// origin the app is reached at)'];
  }
  const realTwilio =
    env.TWILIO_ACCOUNT_SID !== undefined &&
    /(^|\.)twilio\.com$/.test(new URL(env.TWILIO_API_BASE_URL).hostname);
  if (realTwilio && new URL(env.PUBLIC_BASE_URL).protocol !== 'https:') {
    return [
      'PUBLIC_BASE_URL: must be an https:// URL in production when Twilio is configured (TWILIO_ACCOUNT_SID): Twilio signs and calls that URL',
    ];
  }
  return [];
}

/**
 * Builds the configuration from an environment map, or throws a ConfigError naming every variable that
 * is missing or malformed. Called once, by ConfigModule and the command-line entry points.
 */
export function loadConfig(source: Readonly<Record<string, string | undefined>>): AppConfig {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  const isProduction = env.NODE_ENV === 'production';
  const problems: string[] = [];

  const jwtSecret = env.JWT_SECRET ?? (isProduction ? undefined : developmentDefaults.jwtSecret);
  if (!jwtSecret) problems.push('JWT_SECRET: required in production (at least 32 bytes)');
  else if (Buffer.byteLength(jwtSecret, 'utf8') < MIN_JWT_SECRET_BYTES) {
    problems.push(`JWT_SECRET: must be at least ${MIN_JWT_SECRET_BYTES} bytes`);
  }

  const encryptionKey = env.ENCRYPTION_KEY ?? (isProduction ? undefined : developmentDefaults.encryptionKey);
  let keyring: EncryptionKeyring | undefined;
  if (!encryptionKey) problems.push('ENCRYPTION_KEY: required in production (base64 of 32 bytes)');
  else {
    try {
      keyring = parseKeyring(encryptionKey, env.ENCRYPTION_KEY_ID, env.ENCRYPTION_OLD_KEYS);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  for (const group of INTEGRATION_GROUPS) {
    const present = group.keys.filter((key) => env[key] !== undefined);
    if (present.length > 0 && present.length < group.keys.length) {
      const missing = group.keys.filter((key) => env[key] === undefined);
      problems.push(`${missing.join(', ')}: required when ${present.join(', ')} is set (${group.name})`);
    }
  }

  if (
    env.GOOGLE_REFRESH_TOKEN !== undefined &&
    env.GOOGLE_CLIENT_ID === undefined &&
    env.GOOGLE_CLIENT_SECRET === undefined
  ) {
    // (Only one of the two missing is the group's message above.)
    problems.push(
      'GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET: required when GOOGLE_REFRESH_TOKEN is set (Google)',
    );
  }

  problems.push(...publicBaseUrlProblems(env, isProduction));

  if (problems.length > 0 || !keyring || !jwtSecret) throw new ConfigError(problems);
  return new AppConfig(env, keyring, jwtSecret);
}
