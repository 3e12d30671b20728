import { randomBytes } from 'node:crypto';

import { describe, it, expect } from 'vitest';

import { AppConfig, ConfigError, loadConfig } from './app-config.js';

const PRODUCTION_SECRET = 'p'.repeat(40);
const productionKey = () => randomBytes(32).toString('base64');

function productionEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    NODE_ENV: 'production',
    JWT_SECRET: PRODUCTION_SECRET,
    ENCRYPTION_KEY: productionKey(),
    PUBLIC_BASE_URL: 'https://renos.example.dk',
    ...overrides,
  };
}

/** Runs loadConfig and returns the ConfigError it throws (fails the test when it does not throw one). */
function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** The variable names the problems start with. */
function namedVariables(error: ConfigError): string[] {
  return error.problems.map((problem) => /^[A-Z0-9_]+/.exec(problem)?.[0] ?? problem);
}

describe('loadConfig', () => {
  describe('with an empty environment', () => {
    it('starts a development app with working defaults', () => {
      const config = loadConfig({});
      expect(config).toBeInstanceOf(AppConfig);
      expect(config.nodeEnv).toBe('development');
      expect(config.isProduction).toBe(false);
      expect(config.http.port).toBe(3000);
      expect(config.role).toBe('all');
      expect(config.runsApi).toBe(true);
      expect(config.runsWorkers).toBe(true);
      expect(config.database.url).toMatch(/^postgresql:\/\/renos_app:renos_app@/);
      expect(config.database.migrateOnStart).toBe(true);
      expect(config.redis.url).toBe('redis://127.0.0.1:6379');
      expect(Buffer.byteLength(config.auth.jwtSecret)).toBeGreaterThanOrEqual(32);
      expect(config.encryption.keys.get(config.encryption.currentKeyId)?.length).toBe(32);
    });
  });

  describe('shutdown and stalled jobs', () => {
    it("default to BullMQ's 30 s stalled check, no drain delay and a 25 s shutdown budget", () => {
      const config = loadConfig({});
      expect(config.jobs).toEqual({ stalledIntervalMs: 30_000, lockDurationMs: 30_000 });
      expect(config.shutdown).toEqual({ drainDelayMs: 0, timeoutMs: 25_000 });
    });

    it('take shorter values for tests and load balancers', () => {
      const config = loadConfig({
        JOB_STALLED_INTERVAL_MS: '500',
        JOB_LOCK_DURATION_MS: '5000',
        SHUTDOWN_DRAIN_DELAY_MS: '3000',
        SHUTDOWN_TIMEOUT_MS: '10000',
      });
      expect(config.jobs).toEqual({ stalledIntervalMs: 500, lockDurationMs: 5_000 });
      expect(config.shutdown).toEqual({ drainDelayMs: 3_000, timeoutMs: 10_000 });
    });

    it('refuse a stalled check of 0 (it would never recover a job) and a shutdown budget under 1 s', () => {
      expect(
        namedVariables(refusal({ JOB_STALLED_INTERVAL_MS: '0', SHUTDOWN_TIMEOUT_MS: '10' })).sort(),
      ).toEqual(['JOB_STALLED_INTERVAL_MS', 'SHUTDOWN_TIMEOUT_MS']);
    });
  });

  describe('MIGRATE_ON_START', () => {
    it('defaults to false in production', () => {
      expect(loadConfig(productionEnv()).database.migrateOnStart).toBe(false);
    });

    it('can be turned on in production and off in development', () => {
      expect(loadConfig(productionEnv({ MIGRATE_ON_START: 'true' })).database.migrateOnStart).toBe(true);
      expect(loadConfig({ MIGRATE_ON_START: 'false' }).database.migrateOnStart).toBe(false);
    });

    it('refuses a value that is not a boolean', () => {
      expect(namedVariables(refusal({ MIGRATE_ON_START: 'maybe' }))).toEqual(['MIGRATE_ON_START']);
    });
  });

  describe('refuses each bad value, naming the variable', () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ['DATABASE_URL that is not a URL', { DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
      [
        'DATABASE_URL with another scheme',
        { DATABASE_URL: 'mysql://u:p@localhost:3306/renos' },
        'DATABASE_URL',
      ],
      ['REDIS_URL with another scheme', { REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
      ['PORT that is not a number', { PORT: 'eighty' }, 'PORT'],
      ['an unknown APP_ROLE', { APP_ROLE: 'scheduler' }, 'APP_ROLE'],
      ['a JWT_SECRET shorter than 32 bytes outside production', { JWT_SECRET: 'x'.repeat(31) }, 'JWT_SECRET'],
      [
        'a JWT_SECRET shorter than 32 bytes in production',
        productionEnv({ JWT_SECRET: 'x'.repeat(31) }) as Record<string, string>,
        'JWT_SECRET',
      ],
      [
        'no JWT_SECRET in production',
        productionEnv({ JWT_SECRET: undefined }) as Record<string, string>,
        'JWT_SECRET',
      ],
      [
        'an ENCRYPTION_KEY that is not base64 of 32 bytes',
        { ENCRYPTION_KEY: randomBytes(16).toString('base64') },
        'ENCRYPTION_KEY',
      ],
      ['an ENCRYPTION_KEY that is not base64 at all', { ENCRYPTION_KEY: 'not*base64!' }, 'ENCRYPTION_KEY'],
      [
        'no ENCRYPTION_KEY in production',
        productionEnv({ ENCRYPTION_KEY: undefined }) as Record<string, string>,
        'ENCRYPTION_KEY',
      ],
      ['malformed ENCRYPTION_OLD_KEYS', { ENCRYPTION_OLD_KEYS: 'just-some-text' }, 'ENCRYPTION_OLD_KEYS'],
      [
        'ENCRYPTION_OLD_KEYS with a key of the wrong length',
        { ENCRYPTION_OLD_KEYS: `k0:${randomBytes(8).toString('base64')}` },
        'ENCRYPTION_OLD_KEYS',
      ],
      ['TWILIO_ACCOUNT_SID without TWILIO_AUTH_TOKEN', { TWILIO_ACCOUNT_SID: 'AC123' }, 'TWILIO_AUTH_TOKEN'],
      ['GOOGLE_CLIENT_ID without GOOGLE_CLIENT_SECRET', { GOOGLE_CLIENT_ID: 'id' }, 'GOOGLE_CLIENT_SECRET'],
      ['GOOGLE_REFRESH_TOKEN without the OAuth client', { GOOGLE_REFRESH_TOKEN: '1//r' }, 'GOOGLE_CLIENT_ID'],
      [
        'a GOOGLE_OAUTH_AUTH_URL that is not http(s)',
        { GOOGLE_OAUTH_AUTH_URL: 'ftp://x' },
        'GOOGLE_OAUTH_AUTH_URL',
      ],
      [
        'a GOOGLE_OAUTH_REVOKE_URL that is not a URL',
        { GOOGLE_OAUTH_REVOKE_URL: 'revoke' },
        'GOOGLE_OAUTH_REVOKE_URL',
      ],
    ];

    it.each(cases)('%s', (_label, env, variable) => {
      const error = refusal(env);
      expect(error.problems.length).toBeGreaterThan(0);
      expect(namedVariables(error)).toContain(variable);
      expect(error.message).toContain(variable);
    });

    it('treats an empty variable as unset (and so refuses an empty JWT_SECRET in production)', () => {
      expect(namedVariables(refusal(productionEnv({ JWT_SECRET: '' })))).toEqual(['JWT_SECRET']);
    });
  });

  it('lists every bad variable at once', () => {
    const error = refusal({ DATABASE_URL: 'nope', PORT: 'x', APP_ROLE: 'boss', MIGRATE_ON_START: 'maybe' });
    expect(namedVariables(error).sort()).toEqual(['APP_ROLE', 'DATABASE_URL', 'MIGRATE_ON_START', 'PORT']);
  });

  it('lists every bad secret at once in production', () => {
    const error = refusal({ NODE_ENV: 'production', TWILIO_AUTH_TOKEN: 'token' });
    expect(namedVariables(error).sort()).toEqual([
      'ENCRYPTION_KEY',
      'JWT_SECRET',
      'PUBLIC_BASE_URL',
      'TWILIO_ACCOUNT_SID',
    ]);
  });

  it('never repeats a secret value in the error', () => {
    const shortSecret = 'short-secret-value';
    const badKey = Buffer.from('sixteen-byte-key').toString('base64');
    const badOldKey = 'old:' + Buffer.from('another-short-key').toString('base64');
    const error = refusal(
      productionEnv({
        JWT_SECRET: shortSecret,
        ENCRYPTION_KEY: badKey,
        TWILIO_AUTH_TOKEN: 'twilio-token-value',
      }),
    );
    expect(namedVariables(error)).toEqual(expect.arrayContaining(['JWT_SECRET', 'ENCRYPTION_KEY']));
    expect(error.message).not.toContain(shortSecret);
    expect(error.message).not.toContain(badKey);
    expect(error.message).not.toContain('twilio-token-value');
    expect(JSON.stringify(error.problems)).not.toContain(shortSecret);

    const oldKeyError = refusal({ ENCRYPTION_OLD_KEYS: badOldKey });
    expect(oldKeyError.message).not.toContain(badOldKey.slice(4));
  });

  describe('PUBLIC_BASE_URL in production', () => {
    const twilio = { TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32), TWILIO_AUTH_TOKEN: 'twilio-token' };

    it('is required instead of defaulting to localhost', () => {
      const error = refusal(productionEnv({ PUBLIC_BASE_URL: undefined }));
      expect(namedVariables(error)).toEqual(['PUBLIC_BASE_URL']);
      expect(error.message).toContain('required in production');
    });

    it('still defaults to localhost outside production', () => {
      expect(loadConfig({ PORT: '4000' }).http.publicBaseUrl).toBe('http://localhost:4000');
    });

    it('must be https when Twilio is configured, naming the variable and why', () => {
      const error = refusal(productionEnv({ ...twilio, PUBLIC_BASE_URL: 'http://renos.example.dk' }));
      expect(namedVariables(error)).toEqual(['PUBLIC_BASE_URL']);
      expect(error.message).toMatch(/PUBLIC_BASE_URL: must be an https:\/\/ URL .*Twilio/);
    });

    it('takes https with Twilio (a trailing slash dropped), and plain http without Twilio', () => {
      expect(
        loadConfig(productionEnv({ ...twilio, PUBLIC_BASE_URL: 'https://renos.example.dk/' })).http
          .publicBaseUrl,
      ).toBe('https://renos.example.dk');
      expect(loadConfig(productionEnv({ PUBLIC_BASE_URL: 'http://10.0.0.5:3000' })).http.publicBaseUrl).toBe(
        'http://10.0.0.5:3000',
      );
    });

    it('accepts http when Twilio is a local fake (the benchmark runs in production mode)', () => {
      const fake = { ...twilio, TWILIO_API_BASE_URL: 'http://127.0.0.1:4010' };
      expect(
        loadConfig(productionEnv({ ...fake, PUBLIC_BASE_URL: 'http://127.0.0.1:3000' })).http.publicBaseUrl,
      ).toBe('http://127.0.0.1:3000');
      // Twilio's own API under another of its host names is still Twilio.
      expect(
        namedVariables(
          refusal(
            productionEnv({
              ...twilio,
              TWILIO_API_BASE_URL: 'https://api.dublin.ie1.twilio.com',
              PUBLIC_BASE_URL: 'http://renos.example.dk',
            }),
          ),
        ),
      ).toEqual(['PUBLIC_BASE_URL']);
    });

    it('accepts http with Twilio outside production (the demo and the tests run on localhost)', () => {
      expect(loadConfig({ ...twilio }).http.publicBaseUrl).toBe('http://localhost:3000');
    });
  });

  describe('Google consent', () => {
    it("defaults to Google's own consent and revoke endpoints", () => {
      const { google } = loadConfig({});
      expect(google.oauthAuthUrl).toBe('https://accounts.google.com/o/oauth2/v2/auth');
      expect(google.oauthRevokeUrl).toBe('https://oauth2.googleapis.com/revoke');
    });

    it('takes the endpoints of a local fake', () => {
      const { google } = loadConfig({
        GOOGLE_OAUTH_AUTH_URL: 'http://127.0.0.1:4000/auth',
        GOOGLE_OAUTH_REVOKE_URL: 'http://127.0.0.1:4000/revoke',
      });
      expect(google.oauthAuthUrl).toBe('http://127.0.0.1:4000/auth');
      expect(google.oauthRevokeUrl).toBe('http://127.0.0.1:4000/revoke');
    });

    it('builds the redirect URI from PUBLIC_BASE_URL', () => {
      const config = loadConfig(productionEnv({ PUBLIC_BASE_URL: 'https://renos.example.dk/' }));
      expect(config.google.oauthRedirectUri).toBe(
        'https://renos.example.dk/api/integrations/google/callback',
      );
    });

    it('accepts the OAuth client without a refresh token (tenants connect by consent)', () => {
      const { google } = loadConfig({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' });
      expect(google).toMatchObject({ clientId: 'id', clientSecret: 'secret', refreshToken: undefined });
    });
  });

  describe('a valid production environment', () => {
    it('loads with the given secrets', () => {
      const env = productionEnv();
      const config = loadConfig(env);
      expect(config.isProduction).toBe(true);
      expect(config.auth.jwtSecret).toBe(PRODUCTION_SECRET);
      expect(config.encryption.keys.get(config.encryption.currentKeyId)).toEqual(
        Buffer.from(env.ENCRYPTION_KEY!, 'base64'),
      );
    });

    it('has no seed admin password unless SEED_ADMIN_PASSWORD is set', () => {
      expect(loadConfig(productionEnv()).seed.adminPassword).toBeUndefined();
      expect(
        loadConfig(productionEnv({ SEED_ADMIN_PASSWORD: 'a-chosen-admin-password' })).seed.adminPassword,
      ).toBe('a-chosen-admin-password');
    });
  });
});
