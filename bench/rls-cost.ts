// `npm run bench:rls`: the cost of row-level security on a tenant-scoped read route. Boots the app
// against a scratch database, loads GET /api/integrations (reads integration_accounts through the
// tenant-scoped path) with autocannon, once with the policies forced and once with RLS disabled on
// every table, and prints p50/p95/p99 and throughput side by side. The scratch database is dropped.
import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';

import { PrismaPg } from '@prisma/adapter-pg';
import argon2 from 'argon2';
import autocannon from 'autocannon';
import pg from 'pg';
import winston from 'winston';

import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/core/config/app-config.js';
import { migrate } from '../src/core/database/migrator.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { defaultTenantSettings } from '../src/tenants/tenant-defaults.js';

const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function main(): Promise<void> {
  const database = `renos_bench_${Date.now().toString(36)}`;
  const adminUrl = `${SERVER}/${database}`;
  const appUrl = adminUrl.replace('postgres@', 'renos_app:renos_app@');
  await migrate({ adminUrl, appUrl, migrationsDir: resolve('prisma/migrations') });
  const owner = new PrismaClient({ adapter: new PrismaPg({ connectionString: adminUrl }) });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const password = 'Bench-password-2026';
    const tenant = await owner.tenant.create({
      data: { name: 'Bench', slug: `bench-${randomUUID().slice(0, 8)}`, ...defaultTenantSettings() },
    });
    const user = await owner.user.create({
      data: {
        email: `bench-${randomUUID().slice(0, 8)}@example.dk`,
        name: 'Bench',
        passwordHash: await argon2.hash(password, { type: argon2.argon2id }),
      },
    });
    await owner.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: 'admin' } });

    const config = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: 'http://127.0.0.1',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-1234',
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      DATABASE_URL: appUrl,
      DATABASE_ADMIN_URL: adminUrl,
      QUEUE_PREFIX: database,
      RATE_LIMIT_PER_MINUTE: '0',
      APP_ROLE: 'api',
      PORT: '0',
    });
    const logger = winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
    const app = await createApp(config, { logger });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = await app.getUrl();
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const load = async () =>
      autocannon({
        url: `${url}/api/integrations`,
        connections: CONNECTIONS,
        duration: DURATION_SECONDS,
        headers: { authorization: `Bearer ${accessToken}` },
      });

    const tables = (
      await admin.query<{ relname: string }>(
        `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relrowsecurity`,
      )
    ).rows.map((row) => `"${row.relname}"`);

    await load(); // warm-up: JIT, pools, Prisma's query plan cache
    const on = await load();
    for (const table of tables) await admin.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    const off = await load();
    for (const table of tables) await admin.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
    await app.close();

    const row = (label: string, result: autocannon.Result) =>
      `| ${label.padEnd(14)} | ${String(result.latency.p50).padStart(7)} | ${String(result.latency.p97_5).padStart(9)} | ${String(result.latency.p99).padStart(7)} | ${String(Math.round(result.requests.average)).padStart(9)} | ${String(result.non2xx).padStart(5)} |`;
    console.log(
      `\nGET /api/integrations, ${CONNECTIONS} connections, ${DURATION_SECONDS} s each, tables with RLS: ${tables.length}`,
    );
    console.log('| run            | p50 ms  | p97.5 ms  | p99 ms  | req/s     | non2xx |');
    console.log('|----------------|---------|-----------|---------|-----------|-------|');
    console.log(row('RLS forced', on));
    console.log(row('RLS disabled', off));
  } finally {
    await owner.$disconnect();
    await admin.end();
    const server = new pg.Client({ connectionString: `${SERVER}/postgres` });
    await server.connect();
    await server.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await server.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
