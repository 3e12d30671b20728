// `npm run bench [-- --quick] [--app-role all|api] [--duration 5] [--connections 50] [--leads 100000] [--bookings 20000]
//   [--tenants 5] [--intake 2000] [--intake-rate 0] [--repeats 3] [--settle 30] [--only reads,writes,intake,webhook,rls] [--keep]
//   [--cpu-prof [dir]] [--out bench/results/latest.md]`
//
// The standing benchmark (issue 8): a scratch database (created from DATABASE_ADMIN_URL, migrated and
// seeded, dropped at the end; the dev database is never touched) with realistic volume; the app as a
// child process (production mode, rate limiting off, LOG_LEVEL=warn) against the fake cloud; beside it
// a plain node:http + pg server answering the same SQL with the same JSON (bench/baseline-server.ts).
// Measures reads, writes, the Twilio webhook, the Gmail intake pipeline, row-level security on vs
// off and the app's memory. The machine is shared, so each figure has the app and its baseline take
// turns (A, B, A, B … `--repeats` times) and reports the medians and the ratio app ÷ baseline; prints
// the table (figure | app | baseline | ratio, then the targets) and writes it to
// bench/results/latest.md. `--quick` (20 000 leads, 1 s runs, 100 mails) finishes in about two
// minutes on a quiet machine; compare ratios, not absolute figures, between runs. Every flag
// also reads BENCH_<NAME> from the environment (BENCH_DURATION=3). Exits 1 when the intake loses or
// doubles anything.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { Redis } from 'ioredis';
import pg from 'pg';

import { loadConfig } from '../src/core/config/app-config.js';
import { MIGRATIONS_DIR } from '../src/core/database/migrations-dir.js';
import { migrate } from '../src/core/database/migrator.js';
import { QUEUE_NAMES } from '../src/core/queue/jobs.js';
import { FAKE_CLOUD, FakeCloud } from '../test/fakes/cloud.js';
import { runIntake, type IntakeResult } from './lib/intake.js';
import { load, type LoadOptions, type LoadResult } from './lib/load.js';
import { freePort, memoryOf, startNode, waitUntil, type Child } from './lib/processes.js';
import { BENCH_PASSWORD, seedVolume, type SeededTenant } from './lib/seed.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(here, '..');

// Flags ---------------------------------------------------------------------------------------------

function flags(argv: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
    const inline = equals < 0 ? undefined : arg.slice(equals + 1);
    if (inline !== undefined) map.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) map.set(name, argv[++i]!);
    else map.set(name, 'true');
  }
  return map;
}

const given = flags(process.argv.slice(2));
const quick = given.has('quick') || process.env.BENCH_QUICK === '1';
function option(name: string, full: number, quickValue: number): number {
  const raw = given.get(name) ?? process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  return raw !== undefined ? Number(raw) : quick ? quickValue : full;
}
const OPTIONS = {
  duration: option('duration', 5, 1),
  warmup: option('warmup', 2, 0.5),
  /** App and baseline take turns (A, B, A, B …) this many times; the table shows the medians. */
  repeats: option('repeats', 3, 2),
  connections: option('connections', 50, 50),
  leads: option('leads', 100_000, 20_000),
  bookings: option('bookings', 20_000, 4_000),
  tenants: option('tenants', 5, 5),
  intake: option('intake', 2_000, 100),
  intakeRate: option('intake-rate', 0, 0),
  intakeConcurrency: option('intake-concurrency', 8, 8),
  intakeTimeout: option('intake-timeout', 240, 30),
  poolSize: option('pool-size', 10, 10),
  /** Seconds of a second, one-connection run per route (0 turns it off). */
  single: option('single', 2, 0.5),
  /** Longest wait, in seconds, for the app's job queues to empty before a measured run (0: no wait). */
  settle: option('settle', 30, 15),
};
/**
 * The app runs with the Node options of the image (the Dockerfile's `NODE_OPTIONS`: the heap of a small
 * instance), so the memory figures are the deployed ones; `--app-node-args` replaces them.
 */
function imageNodeOptions(): string {
  const dockerfile = readFileSync(resolve(DIST, '..', 'Dockerfile'), 'utf8');
  const match = /NODE_OPTIONS="([^"]*)"/.exec(dockerfile);
  if (!match) throw new Error('the Dockerfile sets no NODE_OPTIONS="…" for the bench to run the app with');
  return match[1]!;
}
const APP_NODE_ARGS = given.get('app-node-args') ?? imageNodeOptions();
const KEEP = given.has('keep');
/**
 * `--app-role api`: the app serves HTTP only and runs no job (APP_ROLE=api), to tell a route's own cost
 * from the cost of the jobs it writes, which `all` (the default) runs in the same process.
 */
/**
 * Scale-out: `--workers N` runs N more instances with APP_ROLE=worker beside the app, which then serves
 * HTTP only (APP_ROLE=api); `--apis N` runs the HTTP side as N instances and the intake's pushes go to
 * them in turn (the other figures load the first). All share the database, Redis and queues.
 */
const WORKERS = option('workers', 0, 0);
const APIS = Math.max(1, option('apis', 1, 1));
const APP_ROLE = given.get('app-role') ?? (WORKERS > 0 ? 'api' : 'all');
/** `--only reads,writes,intake,webhook,rls`: run just these parts. */
const ONLY = given.get('only')?.split(',');
const phase = (name: string) => !ONLY || ONLY.includes(name);
const OUT = resolve(given.get('out') ?? 'bench/results/latest.md');
/** The machine's 1-minute load average when the run started: above the core count, read ratios only. */
const LOAD_AT_START = loadavg()[0]!;

// Targets (issue 14) ------------------------------------------------------------------------------

const TARGET = {
  /** Throughput as a share of the baseline's, every read and write route. */
  share: 0.5,
  /** One connection: p95 within the baseline's plus this much. */
  readP95Over: 3,
  writeP95Over: 5,
  cachedStatsRps: 5_000,
  bookingP95: 20,
  webhookP99: 10,
  webhookRps: 1_000,
  intakeRate: 50,
  rlsCost: 0.1,
  memoryMb: 350,
  idleMb: 200,
};

/** One side of a figure measured over the repeats: medians of each repeat's figures. */
type Measured = Omit<LoadResult, 'label' | 'requests' | 'single'> & {
  single?: { p50: number; p95: number; p99: number };
};

interface Row {
  figure: string;
  app: string;
  baseline: string;
  ratio: string;
  target: string;
  pass: boolean | null;
}

const ms = (value: number) =>
  Number.isFinite(value) ? (value < 10 ? value.toFixed(1) : value.toFixed(0)) : '—';
const rate = (value: number) => Math.round(value).toLocaleString('en-US');
const describe = (r: Measured) =>
  `${rate(r.rps)} req/s · p50 ${ms(r.p50)} / p95 ${ms(r.p95)} / p99 ${ms(r.p99)} ms${
    r.single
      ? ` (1 conn: p50 ${ms(r.single.p50)} / p95 ${ms(r.single.p95)} / p99 ${ms(r.single.p99)} ms)`
      : ''
  }${
    r.non2xx + r.errors > 0
      ? ` · **${r.non2xx} non-2xx ${JSON.stringify(r.statuses)}, ${r.errors} errors**`
      : ''
  }`;
/** app ÷ baseline throughput, and how much longer one request takes alone (p95). */
const ratioOf = (app: Measured, base: Measured) =>
  `${Math.round((app.rps / base.rps) * 100)} %${
    app.single && base.single
      ? ` · 1 conn p95 ${app.single.p95 >= base.single.p95 ? '+' : ''}${ms(app.single.p95 - base.single.p95)} ms`
      : ''
  }`;
const clean = (r: Measured) => r.non2xx + r.errors === 0;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianOf(runs: LoadResult[], singles: LoadResult[]): Measured {
  const statuses: Record<string, number> = {};
  for (const run of [...runs, ...singles])
    for (const [code, n] of Object.entries(run.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p95: median(runs.map((r) => r.p95)),
    p99: median(runs.map((r) => r.p99)),
    non2xx: [...runs, ...singles].reduce((n, r) => n + r.non2xx, 0),
    errors: [...runs, ...singles].reduce((n, r) => n + r.errors, 0),
    statuses,
    ...(singles.length > 0
      ? {
          single: {
            p50: median(singles.map((r) => r.p50)),
            p95: median(singles.map((r) => r.p95)),
            p99: median(singles.map((r) => r.p99)),
          },
        }
      : {}),
  };
}

function log(line: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

// Main ----------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const started = Date.now();
  const env = loadConfig(process.env);
  const database = `renos_bench_${Date.now().toString(36)}`;
  const adminUrl = withDatabase(env.database.adminUrl, database);
  const appUrl = withDatabase(env.database.url, database);
  const queuePrefix = database;
  const children: Child[] = [];
  let cloud: FakeCloud | undefined;
  let owner: pg.Client | undefined;
  const redis = new Redis(env.redis.url, { maxRetriesPerRequest: 1 });
  const rows: Row[] = [];
  const details: string[] = [];
  let exitCode = 0;

  try {
    // 1. The scratch database: migrated by the project's migrator, seeded by prisma/seed.ts, then volume.
    log(`scratch database ${database}`);
    await migrate({ adminUrl, appUrl, migrationsDir: MIGRATIONS_DIR });
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    cloud = new FakeCloud({ appUrl: publicUrl, startHistoryId: Math.floor(Date.now() / 1000) });
    await cloud.start();
    const fakeEnv = cloud.environment();
    const appEnv: Record<string, string> = {
      NODE_ENV: 'production',
      APP_ROLE,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: appUrl,
      DATABASE_ADMIN_URL: adminUrl,
      DATABASE_POOL_SIZE: String(OPTIONS.poolSize),
      MIGRATE_ON_START: 'false',
      REDIS_URL: env.redis.url,
      QUEUE_PREFIX: queuePrefix,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      JWT_SECRET: `bench-${randomUUID()}-${randomUUID()}`,
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      SEED_ADMIN_EMAIL: 'admin@bench.renos.dk',
      SEED_ADMIN_PASSWORD: BENCH_PASSWORD,
      ...fakeEnv,
    };
    const seed = spawnSync(process.execPath, [resolve(DIST, 'prisma/seed.js')], {
      env: { PATH: process.env.PATH ?? '', ...appEnv },
      encoding: 'utf8',
    });
    if (seed.status !== 0) throw new Error(`prisma/seed failed:\n${seed.stdout}${seed.stderr}`);
    owner = new pg.Client({ connectionString: adminUrl });
    await owner.connect();
    const seededAt = Date.now();
    const tenants = await seedVolume(owner, {
      leads: OPTIONS.leads,
      bookings: OPTIONS.bookings,
      tenants: OPTIONS.tenants,
    });
    log(
      `seeded ${rate(OPTIONS.leads)} leads, ${rate(OPTIONS.bookings)} bookings, ${OPTIONS.tenants} tenants in ${((Date.now() - seededAt) / 1000).toFixed(1)} s`,
    );
    const intakeTenantId = await prepareIntakeTenant(owner);
    const tenant = tenants[0]!;

    // 2. The app and the baseline, each its own process.
    const profileDir = given.get('cpu-prof');
    const app = startNode(resolve(DIST, 'src/main.js'), appEnv, [
      ...APP_NODE_ARGS.split(' ').filter(Boolean),
      ...(profileDir
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${resolve(profileDir === 'true' ? '/tmp/renos-bench-profiles' : profileDir)}`,
          ]
        : []),
    ]);
    children.push(app);
    await waitUntil('the app', app, async () => (await fetch(`${publicUrl}/api/health`)).ok, 90_000);
    const idle = memoryOf(app.process.pid!);
    log(`app idle: ${JSON.stringify(idle)}`);
    // The other instances of a scale-out run: more APIs on ports of their own, and the workers.
    const apiUrls = [publicUrl];
    const roles = [...Array<'api'>(APIS - 1).fill('api'), ...Array<'worker'>(WORKERS).fill('worker')];
    for (const role of roles) {
      const instancePort = await freePort();
      const url = `http://127.0.0.1:${instancePort}`;
      const child = startNode(
        resolve(DIST, 'src/main.js'),
        { ...appEnv, APP_ROLE: role, PORT: String(instancePort) },
        APP_NODE_ARGS.split(' ').filter(Boolean),
      );
      children.push(child);
      await waitUntil(
        `an ${role} instance`,
        child,
        async () => (await fetch(`${url}/api/health`)).ok,
        90_000,
      );
      if (role === 'api') apiUrls.push(url);
    }
    if (roles.length > 0) log(`scale-out: ${APIS} API instance(s), ${WORKERS} worker(s)`);
    const memory = new MemorySampler(app.process.pid!);
    const baselinePortHolder = { port: 0 };
    const baseline = startNode(resolve(here, 'baseline-server.js'), {
      BASELINE_DATABASE_URL: adminUrl,
      BASELINE_POOL_SIZE: String(OPTIONS.poolSize),
      REDIS_URL: env.redis.url,
      BASELINE_CACHE_PREFIX: `${queuePrefix}-baseline`,
      BASELINE_TWILIO_AUTH_TOKEN: FAKE_CLOUD.twilioAuthToken,
    });
    children.push(baseline);
    baseline.process.stdout!.on('data', (chunk: Buffer) => {
      const match = /\{"port":(\d+)\}/.exec(chunk.toString('utf8'));
      if (match) baselinePortHolder.port = Number(match[1]);
    });
    await waitUntil('the baseline server', baseline, async () => baselinePortHolder.port > 0, 30_000);
    const baselineUrl = `http://127.0.0.1:${baselinePortHolder.port}`;
    log(`app at ${publicUrl} (pid ${app.process.pid}), baseline at ${baselineUrl}`);

    /**
     * Waits (at most `--settle` seconds) until no job of the app is waiting, delayed for a retry or
     * running; logs how long it waited when it had to.
     */
    const settled = async (): Promise<void> => {
      // Without workers (`--app-role api`) nothing takes the jobs: there is nothing to wait for.
      if (OPTIONS.settle <= 0 || (APP_ROLE === 'api' && WORKERS === 0)) return;
      const since = Date.now();
      const pending = async () => {
        let n = 0;
        for (const queue of QUEUE_NAMES) {
          const key = `${queuePrefix}:${queue}`;
          const [wait, active, prioritized, delayed] = await Promise.all([
            redis.llen(`${key}:wait`),
            redis.llen(`${key}:active`),
            redis.zcard(`${key}:prioritized`),
            redis.zcount(`${key}:delayed`, 0, (Date.now() + 60_000) * 4096),
          ]);
          n += wait + active + prioritized + delayed;
        }
        return n;
      };
      let left = await pending();
      while (left > 0 && Date.now() - since < OPTIONS.settle * 1000) {
        await new Promise((done) => setTimeout(done, 100));
        left = await pending();
      }
      if (Date.now() - since > 200)
        log(`waited ${((Date.now() - since) / 1000).toFixed(1)} s for the app's jobs (${left} left)`);
    };
    const auth = async () => ({ authorization: `Bearer ${await login(publicUrl, tenant.adminEmail)}` });
    const baselineHeaders = { 'x-tenant': tenant.id };
    const common = { connections: OPTIONS.connections, durationSeconds: OPTIONS.duration };
    /**
     * One figure: the app and its baseline take turns on the same machine (warm-up of each, then A, B,
     * A, B … at 50 connections, then the same at one connection), so a neighbour's burst of CPU falls
     * on both sides; each side's figures are the medians of its repeats. `before` runs before each of
     * that side's runs (the RLS figure switches row-level security with it).
     */
    interface Side {
      options: LoadOptions;
      before?: () => Promise<void>;
    }
    const compare = async (a: Side, b?: Side): Promise<{ app: Measured; base?: Measured }> => {
      const sides = b ? [a, b] : [a];
      for (const side of sides) {
        await side.before?.();
        await probe(side.options);
        if (OPTIONS.warmup > 0) await load({ ...side.options, durationSeconds: OPTIONS.warmup });
      }
      const runs = sides.map((): LoadResult[] => []);
      const singles = sides.map((): LoadResult[] => []);
      // Each run starts once the server has answered a probe: requests still queued from the run
      // before (50 connections' worth on a slow server) would otherwise eat into the next window.
      // Each run also starts once the app's job queues are empty: the jobs a 50-connection write run
      // leaves behind (a calendar sync and a text per booking, an inbound job per webhook) run in the
      // app's process (APP_ROLE=all) and would otherwise be what the next run, above all the
      // one-connection run, measures. The baseline has no workers, so it has nothing to wait for.
      for (let r = 0; r < OPTIONS.repeats; r++) {
        for (const [i, side] of sides.entries()) {
          await side.before?.();
          await settled();
          await probe(side.options);
          runs[i]!.push(await load(side.options));
        }
      }
      if (OPTIONS.single > 0) {
        for (let r = 0; r < OPTIONS.repeats; r++) {
          for (const [i, side] of sides.entries()) {
            await side.before?.();
            await settled();
            await probe(side.options);
            singles[i]!.push(
              await load({ ...side.options, connections: 1, durationSeconds: OPTIONS.single }),
            );
          }
        }
      }
      const [app, base] = sides.map((_, i) => medianOf(runs[i]!, singles[i]!));
      const rss = memory.sample();
      log(`${a.options.label}: ${describe(app!)} (app RSS ${rss.rssMb.toFixed(0)} MB)`);
      if (b && base) log(`${b.options.label}: ${describe(base)} → ${ratioOf(app!, base)}`);
      return { app: app!, base };
    };
    const pairRow = (
      figure: string,
      app: Measured,
      base: Measured,
      kind: 'read' | 'write',
      extra?: { target: string; pass: boolean },
    ): Row => {
      const over = kind === 'read' ? TARGET.readP95Over : TARGET.writeP95Over;
      const share = app.rps / base.rps;
      const p95Ok = !app.single || !base.single || app.single.p95 <= base.single.p95 + over;
      return {
        figure,
        app: describe(app),
        baseline: describe(base),
        ratio: ratioOf(app, base),
        target: `≥ ${TARGET.share * 100} % of baseline req/s; 1 conn p95 ≤ baseline + ${over} ms${extra ? `; ${extra.target}` : ''}`,
        pass: share >= TARGET.share && p95Ok && clean(app) && (extra?.pass ?? true),
      };
    };

    // 3. Reads, each beside its baseline.
    const sample = await sampleLeads(owner, tenant);
    const listPaths = [1, 2, 3, 4, 5].flatMap((page) => [
      `/api/leads?status=contacted&sort=createdAt:desc&page=${page}&pageSize=50`,
      `/api/leads?source=leadpoint&sort=customerName:asc&page=${page}&pageSize=50`,
    ]);
    const searchPaths = ['hansen 12', 'vestergade 1', '+45210012', 'kunde777', 'søren', 'odense'].map(
      (term) => `/api/leads?search=${encodeURIComponent(term)}&pageSize=50`,
    );
    const detailPaths = sample.detail.map((id) => `/api/leads/${id}`);
    const generationKey = `${queuePrefix}:cache:${tenant.id}:generation`;
    const reads: Array<{ key: string; figure: string; app: LoadOptions; base: LoadOptions }> = [
      {
        key: 'list',
        figure: 'GET /api/leads (filter, sort, page of 50)',
        app: { label: 'leads list', url: `${publicUrl}/api/leads`, paths: listPaths, ...common },
        base: {
          label: 'leads list (baseline)',
          url: `${baselineUrl}/api/leads`,
          paths: listPaths,
          ...common,
        },
      },
      {
        key: 'search',
        figure: 'GET /api/leads?search=…',
        app: { label: 'leads search', url: `${publicUrl}/api/leads`, paths: searchPaths, ...common },
        base: {
          label: 'leads search (baseline)',
          url: `${baselineUrl}/api/leads`,
          paths: searchPaths,
          ...common,
        },
      },
      {
        key: 'detail',
        figure: 'GET /api/leads/:id (detail)',
        app: { label: 'lead detail', url: `${publicUrl}/api/leads`, paths: detailPaths, ...common },
        base: {
          label: 'lead detail (baseline)',
          url: `${baselineUrl}/api/leads`,
          paths: detailPaths,
          ...common,
        },
      },
      {
        key: 'cached',
        figure: 'GET /api/leads/stats (cached)',
        app: { label: 'stats cached', url: `${publicUrl}/api/leads/stats`, ...common },
        base: { label: 'stats cached (baseline)', url: `${baselineUrl}/api/leads/stats?cached=1`, ...common },
      },
      {
        key: 'uncached',
        figure: 'GET /api/leads/stats (not cached)',
        app: {
          label: 'stats uncached',
          url: `${publicUrl}/api/leads/stats`,
          // Every request finds a new cache generation, as after a write.
          beforeEach: () => void redis.incr(generationKey),
          ...common,
        },
        base: {
          label: 'stats uncached (baseline)',
          url: `${baselineUrl}/api/leads/stats?cached=0`,
          ...common,
        },
      },
    ];
    // `--reads list,search,detail,cached,uncached`: only these read figures.
    const readKeys = given.get('reads')?.split(',');
    for (const read of phase('reads') ? reads.filter((r) => !readKeys || readKeys.includes(r.key)) : []) {
      const headers = await auth();
      const { app, base } = await compare(
        { options: { ...read.app, headers } },
        { options: { ...read.base, headers: baselineHeaders } },
      );
      rows.push(
        pairRow(
          read.figure,
          app,
          base!,
          'read',
          read.key === 'cached'
            ? { target: `≥ ${rate(TARGET.cachedStatsRps)} req/s`, pass: app.rps >= TARGET.cachedStatsRps }
            : undefined,
        ),
      );
    }

    // 4. Writes. App and baseline write to the same database, so each side has its own leads (and
    // its own years for bookings).
    if (phase('writes')) {
      const headers = { ...(await auth()), 'content-type': 'application/json' };
      const jsonBaseline = { ...baselineHeaders, 'content-type': 'application/json' };
      const leadBody = (n: number, prefix: string) =>
        JSON.stringify({
          customerName: `Bench Kunde ${n}`,
          customerPhone: `${prefix}${String(n).padStart(6, '0')}`,
          customerEmail: `bench.${prefix}.${n}@example.dk`,
          serviceType: 'Hovedrengøring',
          address: `Vestergade ${1 + (n % 120)}`,
          postalCode: '8000',
          city: 'Aarhus C',
          estimatedHours: 3.5,
        });
      let appLeads = 0;
      let baseLeads = 0;
      const created = await compare(
        {
          options: {
            label: 'POST /api/leads',
            url: `${publicUrl}/api/leads`,
            method: 'POST',
            headers,
            build: () => ({ path: '/api/leads', body: leadBody(appLeads++, '26') }),
            ...common,
          },
        },
        {
          options: {
            label: 'POST /api/leads (baseline)',
            url: `${baselineUrl}/api/leads`,
            method: 'POST',
            headers: jsonBaseline,
            build: () => ({ path: '/api/leads', body: leadBody(baseLeads++, '27') }),
            ...common,
          },
        },
      );
      rows.push(pairRow('POST /api/leads', created.app, created.base!, 'write'));

      // Bookings 2 and 3 years ahead (the seeded ones fill the months after today), 3 hours apart.
      const year = new Date().getUTCFullYear();
      const bookable = sample.bookable;
      const halfBookable = Math.floor(bookable.length / 2);
      const bookingBuilder = (first: number, offset: number) => {
        let n = 0;
        return () => {
          const k = n++;
          return {
            path: '/api/bookings',
            body: JSON.stringify({
              leadId: bookable[offset + (k % halfBookable)],
              startsAt: new Date(first + k * 3 * 3600_000).toISOString(),
              durationHours: 2,
            }),
          };
        };
      };
      const booked = await compare(
        {
          options: {
            label: 'POST /api/bookings',
            url: `${publicUrl}/api/bookings`,
            method: 'POST',
            headers,
            build: bookingBuilder(Date.UTC(year + 2, 0, 5, 8), 0),
            ...common,
          },
        },
        {
          options: {
            label: 'POST /api/bookings (baseline)',
            url: `${baselineUrl}/api/bookings`,
            method: 'POST',
            headers: jsonBaseline,
            build: bookingBuilder(Date.UTC(year + 4, 0, 5, 8), halfBookable),
            ...common,
          },
        },
      );
      rows.push(
        pairRow('POST /api/bookings', booked.app, booked.base!, 'write', {
          target: `1 conn p95 ≤ ${TARGET.bookingP95} ms`,
          pass: (booked.app.single?.p95 ?? Infinity) <= TARGET.bookingP95,
        }),
      );

      // Each side has its own leads and goes round them: all to lost, then back to new, then lost…
      let appMoves = 0;
      let baseMoves = 0;
      const half = Math.floor(sample.movable.length / 2);
      const moveBody = (k: number) =>
        JSON.stringify({ status: Math.floor(k / half) % 2 === 0 ? 'lost' : 'new' });
      const moved = await compare(
        {
          options: {
            label: 'POST /api/leads/:id/status',
            url: `${publicUrl}/api/leads`,
            method: 'POST',
            headers,
            build: () => {
              const k = appMoves++;
              return { path: `/api/leads/${sample.movable[k % half]}/status`, body: moveBody(k) };
            },
            ...common,
          },
        },
        {
          options: {
            label: 'POST /api/leads/:id/status (baseline)',
            url: `${baselineUrl}/api/leads`,
            method: 'POST',
            headers: jsonBaseline,
            build: () => {
              const k = baseMoves++;
              return { path: `/api/leads/${sample.movable[half + (k % half)]}/status`, body: moveBody(k) };
            },
            ...common,
          },
        },
      );
      rows.push(pairRow('POST /api/leads/:id/status', moved.app, moved.base!, 'write'));
    }

    // 5. The Twilio webhook under load: signed inbound texts, each a new MessageSid. The baseline
    // finds the same tenant by the same number and records the same rows.
    if (phase('webhook')) {
      const to = appEnv.TWILIO_PHONE_NUMBER!;
      let n = 0;
      const signed = (origin: string) => {
        const url = `${origin}/api/webhooks/twilio/sms`;
        return {
          label: '',
          url,
          method: 'POST' as const,
          build: () => {
            const webhook = cloud!.twilio.inboundSms(url, {
              accountSid: FAKE_CLOUD.twilioAccountSid,
              from: `+4550${String(n++ % 1_000_000).padStart(6, '0')}`,
              to,
              body: 'Hej, hvornår kommer I?',
            });
            return { path: webhook.path, body: webhook.payload, headers: webhook.headers };
          },
          ...common,
        };
      };
      const { app, base } = await compare(
        { options: { ...signed(publicUrl), label: 'POST /api/webhooks/twilio/sms' } },
        { options: { ...signed(baselineUrl), label: 'POST /api/webhooks/twilio/sms (baseline)' } },
      );
      rows.push(
        pairRow('POST /api/webhooks/twilio/sms (signed)', app, base!, 'write', {
          target: `1 conn p99 ≤ ${TARGET.webhookP99} ms, ≥ ${rate(TARGET.webhookRps)} req/s`,
          pass: (app.single?.p99 ?? Infinity) <= TARGET.webhookP99 && app.rps >= TARGET.webhookRps,
        }),
      );
    }

    // 6. Row-level security on vs off, on the list route, taking turns like the others.
    if (phase('rls')) {
      const headers = await auth();
      const tables = (
        await owner.query<{ relname: string }>(
          `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relrowsecurity`,
        )
      ).rows.map((row) => `"${row.relname}"`);
      const setRls = (on: boolean) => async () => {
        for (const table of tables)
          await owner!.query(`ALTER TABLE ${table} ${on ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`);
      };
      const options: LoadOptions = {
        label: 'leads list, RLS on',
        url: `${publicUrl}/api/leads`,
        paths: listPaths,
        headers,
        ...common,
      };
      let on: Measured;
      let off: Measured;
      try {
        const measured = await compare(
          { options, before: setRls(true) },
          { options: { ...options, label: 'leads list, RLS off' }, before: setRls(false) },
        );
        on = measured.app;
        off = measured.base!;
      } finally {
        await setRls(true)();
      }
      const cost = 1 - on.rps / off.rps;
      rows.push({
        figure: `Row-level security on vs off (GET /api/leads, ${tables.length} tables; baseline = RLS off)`,
        app: `on: ${describe(on)}`,
        baseline: `off: ${describe(off)}`,
        ratio: ratioOf(on, off),
        target: `RLS costs ≤ ${TARGET.rlsCost * 100} % of throughput (${Math.round(cost * 100)} %)`,
        pass: cost <= TARGET.rlsCost,
      });
    }

    // 7. The intake, last: it leaves thousands of jobs' worth of rows and Redis keys behind.
    let intake: IntakeResult | undefined;
    if (OPTIONS.intake > 0 && phase('intake')) {
      const adminToken = await login(publicUrl, appEnv.SEED_ADMIN_EMAIL!);
      const watched = await fetch(`${publicUrl}/api/integrations/google/watch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      if (!watched.ok) throw new Error(`Gmail watch: ${watched.status} ${await watched.text()}`);
      log(`intake: ${OPTIONS.intake} mails${OPTIONS.intakeRate > 0 ? ` at ${OPTIONS.intakeRate}/s` : ''}`);
      intake = await runIntake({
        cloud,
        owner,
        tenantId: intakeTenantId,
        pushTo: apiUrls,
        count: OPTIONS.intake,
        rate: OPTIONS.intakeRate,
        concurrency: OPTIONS.intakeConcurrency,
        timeoutMs: OPTIONS.intakeTimeout * 1000,
        onProgress: log,
      });
      memory.sample();
      const complete =
        intake.leads === OPTIONS.intake &&
        intake.replies === OPTIONS.intake &&
        intake.texts === OPTIONS.intake;
      log(
        `intake: ${intake.leads} leads, ${intake.replies} replies, ${intake.texts} texts for ${intake.mails} mails; ${intake.leadsPerSecond.toFixed(1)} leads/s; push→SMS p50 ${ms(intake.p50Ms)} / p95 ${ms(intake.p95Ms)} ms`,
      );
      rows.push({
        figure: `Intake: ${OPTIONS.intake} pushed e-mails → lead + reply + SMS offer`,
        app: `${intake.leadsPerSecond.toFixed(1)} leads/s · first lead after ${ms(intake.firstLeadMs)} ms · push→SMS p50 ${ms(intake.p50Ms)} / p95 ${ms(intake.p95Ms)} ms · leads ${intake.leads}, replies ${intake.replies}, texts ${intake.texts}${intake.timedOut ? ' · **timed out**' : ''}`,
        baseline: '—',
        ratio: '—',
        target: `≥ ${TARGET.intakeRate} leads/s, first lead ≤ 2 s, push→SMS p95 ≤ 60 s, each count = ${OPTIONS.intake}`,
        pass:
          complete &&
          intake.leadsPerSecond >= TARGET.intakeRate &&
          intake.firstLeadMs <= 2_000 &&
          intake.p95Ms <= 60_000,
      });
      if (!complete) {
        exitCode = 1;
        console.error(
          `\n*** INTAKE LOST OR DOUBLED WORK: ${OPTIONS.intake} mails gave ${intake.leads} leads, ${intake.replies} replies, ${intake.texts} texts ***\n`,
        );
      }
    }

    // 8. Memory of the app process: idle after start, and the peak over the whole run.
    const peak = memory.sample();
    rows.push({
      figure: 'App memory (RSS): idle after start · peak over the run',
      app: `${idle ? idle.rssMb.toFixed(0) : '—'} MB idle · ${peak.peakMb.toFixed(0)} MB peak (now ${peak.rssMb.toFixed(0)} MB)`,
      baseline: '—',
      ratio: '—',
      target: `idle ≤ ${TARGET.idleMb} MB, peak ≤ ${TARGET.memoryMb} MB`,
      pass: (idle?.rssMb ?? Infinity) <= TARGET.idleMb && peak.peakMb <= TARGET.memoryMb,
    });

    const report = render(rows, details, (Date.now() - started) / 1000);
    console.log(`\n${report}`);
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, report);
    log(`written to ${OUT}`);
    return exitCode;
  } finally {
    for (const child of children) {
      if (child.output.length > 0) {
        console.error(`\n--- last output of ${child.process.spawnargs.at(-1)} ---`);
        console.error(child.output.slice(-(process.env.BENCH_VERBOSE === '1' ? 60 : 8)).join('\n'));
      }
    }
    for (const child of children.reverse()) await child.stop();
    await cloud?.close().catch(() => undefined);
    await owner?.end().catch(() => undefined);
    await clearRedis(redis, queuePrefix).catch(() => undefined);
    redis.disconnect();
    if (!KEEP)
      await dropDatabase(env.database.adminUrl, database).catch((error: unknown) => console.error(error));
    else log(`kept ${database}`);
  }
}

// Helpers -------------------------------------------------------------------------------------------

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const server = new pg.Client({ connectionString: withDatabase(adminUrl, 'postgres') });
  await server.connect();
  try {
    await server.query(`DROP DATABASE IF EXISTS ${server.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await server.end();
  }
}

async function clearRedis(redis: Redis, prefix: string): Promise<void> {
  for (const pattern of [`${prefix}:*`, `bull:${prefix}:*`, `${prefix}-baseline:*`]) {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
}

async function login(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** The seeded tenant (the one the fake cloud's credentials configure) ready for 2 000 offers. */
async function prepareIntakeTenant(owner: pg.Client): Promise<string> {
  const tenant = await owner.query<{
    id: string;
    slot_rules: Record<string, unknown>;
    sms_rules: Record<string, unknown>;
  }>(`SELECT id, slot_rules, sms_rules FROM tenants WHERE slug = 'rendetalje'`);
  const row = tenant.rows[0];
  if (!row) throw new Error('the seeded tenant is missing');
  await owner.query(`UPDATE tenants SET slot_rules = $2, sms_rules = $3 WHERE id = $1`, [
    row.id,
    { ...row.slot_rules, holdMinutes: 0 },
    // Quiet hours off and no daily cap, so every offer goes out now whatever the hour.
    { ...row.sms_rules, quietHoursStart: '00:00', quietHoursEnd: '00:00', dailyCap: 1_000_000 },
  ]);
  await owner.query(
    `INSERT INTO teams (id, tenant_id, name, updated_at)
     SELECT gen_random_uuid(), $1, 'Hold ' || n, now() FROM generate_series(2, 6) AS n
     ON CONFLICT DO NOTHING`,
    [row.id],
  );
  return row.id;
}

/** Lead ids of the measured tenant for the detail reads, bookings and status changes. */
async function sampleLeads(
  owner: pg.Client,
  tenant: SeededTenant,
): Promise<{ detail: string[]; bookable: string[]; movable: string[] }> {
  const ids = async (sql: string) =>
    (await owner.query<{ id: string }>(sql, [tenant.id])).rows.map((row) => row.id);
  return {
    detail: await ids(`SELECT id FROM leads WHERE tenant_id = $1 ORDER BY random() LIMIT 500`),
    bookable: await ids(
      `SELECT l.id FROM leads l WHERE l.tenant_id = $1 AND l.status IN ('new', 'contacted')
          AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.lead_id = l.id) ORDER BY random() LIMIT 5000`,
    ),
    movable: await ids(
      `SELECT id FROM leads WHERE tenant_id = $1 AND status IN ('booked', 'completed') ORDER BY random() LIMIT 6000`,
    ),
  };
}

/** One request before the load, so a route that only answers errors says why in the output. */
async function probe(options: LoadOptions): Promise<void> {
  const origin = new URL(options.url).origin;
  const built = options.build?.(-1);
  const path =
    built?.path ?? options.paths?.[0] ?? new URL(options.url).pathname + new URL(options.url).search;
  const started = Date.now();
  const response = await fetch(`${origin}${path}`, {
    method: options.method ?? 'GET',
    headers: { ...options.headers, ...built?.headers },
    ...(built?.body !== undefined ? { body: built.body } : {}),
  });
  const text = await response.text();
  if (!response.ok || process.env.BENCH_VERBOSE === '1') {
    log(`probe ${options.label}: ${response.status} in ${Date.now() - started} ms: ${text.slice(0, 300)}`);
  }
}

class MemorySampler {
  private peak = { rssMb: 0, peakMb: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 500);
    this.timer.unref();
  }

  sample(): { rssMb: number; peakMb: number } {
    const now = memoryOf(this.pid);
    if (now) this.peak = { rssMb: now.rssMb, peakMb: Math.max(this.peak.peakMb, now.peakMb, now.rssMb) };
    return this.peak;
  }
}

function render(rows: Row[], details: string[], seconds: number): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    `# RenOS benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GB RAM, Node ${process.version}; ` +
      `${rate(OPTIONS.leads)} leads, ${rate(OPTIONS.bookings)} bookings over ${OPTIONS.tenants} tenants (+ the seeded intake tenant); ` +
      `${OPTIONS.connections} connections; app and baseline take turns (A, B, A, B) ${OPTIONS.repeats} times, ${OPTIONS.duration} s a run ` +
      `after ${OPTIONS.warmup} s warm-up, then ${OPTIONS.repeats} × ${OPTIONS.single} s at 1 connection; medians of the repeats; each app run starts once its job queues are empty. App in production mode (APP_ROLE=${APP_ROLE}${WORKERS > 0 || APIS > 1 ? `; ${APIS} API instance(s) and ${WORKERS} worker(s), the intake's pushes to the APIs in turn, memory of the first API` : ''}, Node options \`${APP_NODE_ARGS}\`), ` +
      `rate limiting off, LOG_LEVEL=warn, pool ${OPTIONS.poolSize}. Baseline: node:http + pg, same SQL and JSON, no auth, no RLS.${quick ? ' **Quick run.**' : ''}`,
    '',
    `Each route is loaded by ${OPTIONS.connections} connections that send the next request as soon as the last is answered, so ` +
      `latency there is mostly queueing (p50 ≈ ${OPTIONS.connections} ÷ throughput); the "1 connection" figures are the time one ` +
      'request takes when nothing queues. Ratio: app ÷ baseline throughput, and the extra time of one request alone (p95).',
    '',
    '| figure | app | baseline | ratio |',
    '|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${escape(row.figure)} | ${escape(row.app)} | ${escape(row.baseline)} | ${escape(row.ratio)} |`,
    ),
    '',
    '| figure | target (issue 14) | result |',
    '|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${escape(row.figure)} | ${escape(row.target)} | ${row.pass === null ? '—' : row.pass ? 'pass' : '**miss**'} |`,
    ),
    '',
    ...details.map((line) => `- ${line}`),
    ...(details.length > 0 ? [''] : []),
    `Total run ${seconds.toFixed(0)} s. Load average (1 min) ${LOAD_AT_START.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end, on ${cpus().length} cores.`,
    '',
  ];
  return lines.join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
