import { z } from 'zod';

/**
 * The environment RenOS reads, validated once (docs/architecture.md, Configuration; .env.example documents
 * each variable). Nothing outside src/core/config reads process.env.
 */

const DEFAULT_DATABASE_URL = 'postgresql://renos_app:renos_app@127.0.0.1:5432/renos';
const DEFAULT_DATABASE_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/renos';
/** Outside production a fixed secret keeps local tokens valid across restarts; production must set one. */
const DEVELOPMENT_JWT_SECRET = 'renos-development-secret-change-me-0123456789';
/** 32 zero-free bytes, base64: only for development and tests (production refuses to start without one). */
const DEVELOPMENT_ENCRYPTION_KEY = 'cmVub3MtZGV2ZWxvcG1lbnQta2V5LTMyLWJ5dGVzISE=';
export const DEVELOPMENT_ADMIN_PASSWORD = 'RenOS-demo-2026!';

const emptyToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const booleanFlag = (fallback: boolean | undefined) =>
  z
    .preprocess(
      emptyToUndefined,
      z
        .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
        .transform((value) => value === 'true' || value === '1' || value === 'yes')
        .optional(),
    )
    .transform((value) => value ?? fallback);

const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' });
const redisUrl = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' });
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' });
const optionalHttpUrl = z.preprocess(emptyToUndefined, httpUrl.optional());

const integer = (fallback: number, min: number, max: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a whole number' })
      .int({ error: 'must be a whole number' })
      .min(min)
      .max(max)
      .default(fallback),
  );

export const environmentSchema = z.object({
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(['development', 'test', 'production']).default('development'),
  ),
  PORT: integer(3000, 0, 65535),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  APP_ROLE: z.preprocess(emptyToUndefined, z.enum(['all', 'api', 'worker']).default('all')),
  DATABASE_URL: z.preprocess(emptyToUndefined, postgresUrl.default(DEFAULT_DATABASE_URL)),
  DATABASE_ADMIN_URL: z.preprocess(emptyToUndefined, postgresUrl.default(DEFAULT_DATABASE_ADMIN_URL)),
  DATABASE_POOL_SIZE: integer(10, 1, 200),
  REDIS_URL: z.preprocess(emptyToUndefined, redisUrl.default('redis://127.0.0.1:6379')),
  QUEUE_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, { error: 'letters, digits, _ and - only' })
      .default('renos'),
  ),
  OUTBOX_SWEEP_INTERVAL_MS: integer(5_000, 0, 3_600_000),
  /** How often BullMQ looks for jobs whose worker died mid-run (its own default is 30 s). */
  JOB_STALLED_INTERVAL_MS: integer(30_000, 100, 3_600_000),
  /** How long a running job's lock lasts without renewal (BullMQ's default is 30 s). */
  JOB_LOCK_DURATION_MS: integer(30_000, 1_000, 3_600_000),
  /** After SIGTERM: how long readiness answers 503 while the server still takes requests. */
  SHUTDOWN_DRAIN_DELAY_MS: integer(0, 0, 60_000),
  /** After SIGTERM: the whole shutdown's budget before the process exits with 1 regardless. */
  SHUTDOWN_TIMEOUT_MS: integer(25_000, 1_000, 600_000),
  JWT_SECRET: optionalString,
  ENCRYPTION_KEY: optionalString,
  ENCRYPTION_KEY_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, { error: 'letters, digits, _ and - only' })
      .default('k1'),
  ),
  ENCRYPTION_OLD_KEYS: z.preprocess(emptyToUndefined, z.string().default('')),
  MIGRATE_ON_START: booleanFlag(undefined),
  PUBLIC_BASE_URL: z.preprocess(emptyToUndefined, httpUrl.optional()),
  CORS_ORIGINS: z.preprocess(emptyToUndefined, z.string().default('')),
  /** Which proxies may set X-Forwarded-For: false (default), true, a hop count, or IPs/CIDRs. */
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/, {
        error: 'must be true, false, a hop count or a comma-separated list of IPs/CIDRs',
      })
      .default('false')
      .transform((value): boolean | number | string =>
        value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value,
      ),
  ),
  RATE_LIMIT_PER_MINUTE: integer(300, 0, 1_000_000),
  BODY_LIMIT_BYTES: integer(1_048_576, 1024, 50 * 1_048_576),
  METRICS_TOKEN: optionalString,
  SENTRY_DSN: z.preprocess(emptyToUndefined, httpUrl.optional()),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly', 'silent']).default('info'),
  ),
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  GOOGLE_REFRESH_TOKEN: optionalString,
  GMAIL_ADDRESS: z.preprocess(
    emptyToUndefined,
    z.email({ error: 'must be an e-mail address' }).default('info@rendetalje.dk'),
  ),
  GOOGLE_PUBSUB_AUDIENCE: optionalString,
  GOOGLE_PUBSUB_SERVICE_ACCOUNT: z.preprocess(
    emptyToUndefined,
    z.email({ error: 'must be an e-mail address' }).optional(),
  ),
  GOOGLE_PUBSUB_TOKEN: optionalString,
  PUBSUB_TOPIC: optionalString,
  GEMINI_API_KEY: optionalString,
  GEMINI_MODEL: z.preprocess(emptyToUndefined, z.string().default('gemini-2.5-flash')),
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_PHONE_NUMBER: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, { error: 'must be an E.164 number such as +4570000000' })
      .default('+4570000000'),
  ),
  BILLY_API_KEY: optionalString,
  BILLY_ORGANIZATION_ID: optionalString,
  SEED_ADMIN_EMAIL: z.preprocess(
    emptyToUndefined,
    z.email({ error: 'must be an e-mail address' }).default('admin@rendetalje.dk'),
  ),
  SEED_ADMIN_PASSWORD: optionalString,
  GOOGLE_API_BASE_URL: optionalHttpUrl,
  GOOGLE_OAUTH_TOKEN_URL: optionalHttpUrl,
  /** Google's consent page, where GET /integrations/google/connect sends the admin. */
  GOOGLE_OAUTH_AUTH_URL: z.preprocess(
    emptyToUndefined,
    httpUrl.default('https://accounts.google.com/o/oauth2/v2/auth'),
  ),
  /** Where DELETE /integrations/google revokes the grant. */
  GOOGLE_OAUTH_REVOKE_URL: z.preprocess(
    emptyToUndefined,
    httpUrl.default('https://oauth2.googleapis.com/revoke'),
  ),
  GOOGLE_CERTS_URL: optionalHttpUrl,
  TWILIO_API_BASE_URL: z.preprocess(emptyToUndefined, httpUrl.default('https://api.twilio.com')),
  BILLY_API_BASE_URL: z.preprocess(emptyToUndefined, httpUrl.default('https://api.billysbilling.com/v2')),
  GEMINI_API_BASE_URL: z.preprocess(
    emptyToUndefined,
    httpUrl.default('https://generativelanguage.googleapis.com'),
  ),
});

export type Environment = z.infer<typeof environmentSchema>;

export const developmentDefaults = {
  jwtSecret: DEVELOPMENT_JWT_SECRET,
  encryptionKey: DEVELOPMENT_ENCRYPTION_KEY,
  adminPassword: DEVELOPMENT_ADMIN_PASSWORD,
} as const;
