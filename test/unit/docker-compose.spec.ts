import { readFileSync } from 'node:fs';

import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { describe, expect, it } from 'vitest';

import { environmentSchema } from '../../src/core/config/config.schema.js';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  env_file?: string | string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  stop_grace_period?: string;
  init?: boolean;
}

const text = readFileSync('docker-compose.yml', 'utf8');
// Compose resolves YAML merge keys (<<: *app), which js-yaml leaves off unless asked.
const compose = load(text, { schema: CORE_SCHEMA.withTags(mergeTag) }) as {
  services: Record<string, Service>;
};
const { app, seed, redis } = compose.services as Record<'app' | 'seed' | 'redis', Service>;

/** Compose durations as the file writes them: 35s, 1m30s. */
function milliseconds(duration: string): number {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!match || duration === '') throw new Error(`unreadable duration ${duration}`);
  return (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 1000;
}

describe('docker-compose.yml', () => {
  it('hands every variable of .env to the app and the seed (env_file), overriding only the network addresses', () => {
    for (const service of [app, seed]) {
      expect([service!.env_file].flat()).toEqual(['.env']);
      expect(service!.environment?.NODE_ENV).toBe('production');
    }
    expect(Object.keys(app!.environment!).sort()).toEqual([
      'DATABASE_ADMIN_URL',
      'DATABASE_URL',
      'HOST',
      'MIGRATE_ON_START',
      'NODE_ENV',
      'PORT',
      'REDIS_URL',
    ]);
    // Each of them is a variable the app reads.
    for (const name of Object.keys(app!.environment!)) expect(environmentSchema.shape).toHaveProperty(name);
  });

  it('takes the secrets from .env, never from a value made on the command line of each up', () => {
    expect(text).not.toMatch(/\$\{(JWT_SECRET|ENCRYPTION_KEY|SEED_ADMIN_PASSWORD)/);
    for (const service of [app, seed]) {
      for (const secret of ['JWT_SECRET', 'ENCRYPTION_KEY', 'SEED_ADMIN_PASSWORD']) {
        expect(service!.environment).not.toHaveProperty(secret);
      }
    }
  });

  it("gives the app more time to stop than its own shutdown budget, so Docker's SIGKILL never cuts a drain", () => {
    const budget = environmentSchema.parse({}).SHUTDOWN_TIMEOUT_MS;
    expect(app!.init).toBe(true);
    expect(milliseconds(app!.stop_grace_period!)).toBeGreaterThanOrEqual(budget + 5_000);
  });

  it('seeds once per up in a one-shot service the app waits for', () => {
    expect(seed!.command).toEqual(['node', 'dist/prisma/seed.js']);
    expect(seed!.restart).toBe('no');
    expect(seed!.image).toBe(app!.image);
    expect(app!.depends_on?.seed).toEqual({ condition: 'service_completed_successfully' });
    expect(app!.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
  });

  it('keeps Redis on the append-only file with noeviction (BullMQ loses jobs otherwise)', () => {
    const command = redis!.command!.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const nodeOptions = /NODE_OPTIONS="([^"]*)"/.exec(dockerfile)?.[1];

  it('caps the heap for a small instance, as the setup guide says (the bench runs the app with it)', () => {
    expect(nodeOptions).toMatch(/--max-old-space-size=\d+/);
    expect(readFileSync('docs/going-live.md', 'utf8')).toContain(`NODE_OPTIONS="${nodeOptions}"`);
    expect(readFileSync('.env.example', 'utf8')).toContain(`NODE_OPTIONS="${nodeOptions}"`);
  });
});
