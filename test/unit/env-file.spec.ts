import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/core/config/app-config.js';

const INIT_ENV = resolve('scripts/init-env.mjs');
const ENV_FILE_HELPER = resolve('scripts/env-file.mjs');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'renos-env-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, args, {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The variables a .env file sets, as process.loadEnvFile reads them. */
function parsed(file: string): Record<string, string> {
  const result = run([
    '-e',
    `const before = new Set(Object.keys(process.env)); process.loadEnvFile(${JSON.stringify(file)});` +
      'console.log(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => !before.has(k)))))',
  ]);
  return JSON.parse(result.stdout) as Record<string, string>;
}

describe('npm run env:init (scripts/init-env.mjs)', () => {
  it('creates .env from .env.example with secrets the production config accepts, readable by the owner only', () => {
    copyFileSync('.env.example', join(dir, '.env.example'));
    const result = run([INIT_ENV]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('JWT_SECRET, ENCRYPTION_KEY, SEED_ADMIN_PASSWORD');

    const env = parsed(join(dir, '.env'));
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    // No value is printed.
    for (const name of ['JWT_SECRET', 'ENCRYPTION_KEY', 'SEED_ADMIN_PASSWORD']) {
      expect(env[name]).toBeTruthy();
      expect(result.stdout).not.toContain(env[name]);
    }
    const config = loadConfig({
      ...env,
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: 'https://renos.example.dk',
    });
    expect(config.auth.jwtSecret).toBe(env.JWT_SECRET);
    expect(config.encryption.keys.get(config.encryption.currentKeyId)).toEqual(
      Buffer.from(env.ENCRYPTION_KEY!, 'base64'),
    );
    expect(config.seed.adminPassword).toBe(env.SEED_ADMIN_PASSWORD);
  });

  it('changes nothing on a second run, and never replaces a value that is set', () => {
    writeFileSync(
      join(dir, '.env'),
      'NODE_ENV=production\nJWT_SECRET="kept-secret-kept-secret-kept-secret!"\nENCRYPTION_KEY=\n',
    );
    expect(run([INIT_ENV]).status).toBe(0);
    const first = readFileSync(join(dir, '.env'), 'utf8');
    expect(first).toContain('JWT_SECRET="kept-secret-kept-secret-kept-secret!"');
    expect(parsed(join(dir, '.env'))).toMatchObject({
      NODE_ENV: 'production',
      ENCRYPTION_KEY: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      SEED_ADMIN_PASSWORD: expect.any(String),
    });

    const second = run([INIT_ENV]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('nothing changed');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(first);
  });

  it('refuses to run where there is neither .env nor .env.example', () => {
    const result = run([INIT_ENV]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("repository's root");
  });
});

describe('.env loading of the npm scripts (scripts/env-file.mjs)', () => {
  const probe = (variable: string) =>
    `import(${JSON.stringify(ENV_FILE_HELPER)}).then(({ loadEnvFile }) => ` +
    `console.log(JSON.stringify({ loaded: loadEnvFile(), value: process.env.${variable} ?? null })))`;

  it('loads .env from the working directory, and a variable set in the environment wins', () => {
    writeFileSync(join(dir, '.env'), 'PUBLIC_BASE_URL=https://from-file.example.dk\nLOG_LEVEL=debug\n');
    expect(JSON.parse(run(['-e', probe('PUBLIC_BASE_URL')]).stdout)).toEqual({
      loaded: true,
      value: 'https://from-file.example.dk',
    });
    expect(JSON.parse(run(['-e', probe('LOG_LEVEL')], { LOG_LEVEL: 'warn' }).stdout)).toEqual({
      loaded: true,
      value: 'warn',
    });
  });

  it('does nothing without a .env', () => {
    expect(JSON.parse(run(['-e', probe('PUBLIC_BASE_URL')]).stdout)).toEqual({ loaded: false, value: null });
  });

  it('is called by the wrappers every npm entry point goes through, before they read the environment', () => {
    const firstUse: Record<string, string> = {
      'scripts/start.mjs': 'ensureBuilt();',
      'scripts/run.mjs': 'ensureBuilt();',
      'scripts/prisma.mjs': 'const env = { ...process.env };',
    };
    for (const [script, use] of Object.entries(firstUse)) {
      const source = readFileSync(script, 'utf8');
      expect(source, script).toContain("import { loadEnvFile } from './env-file.mjs';");
      const loads = source.indexOf('loadEnvFile();');
      expect(loads, script).toBeGreaterThan(-1);
      expect(loads, script).toBeLessThan(source.indexOf(use));
    }
    // `npm run start:prod` runs main.js directly, which loads .env itself.
    expect(readFileSync('src/main.ts', 'utf8')).toMatch(
      /loadEnvFileIfPresent\(\);\s+const config = loadConfig\(process\.env\)/,
    );
  });
});
