import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

import { testEnvironment } from './app.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const LOCK = resolve(ROOT, 'node_modules', '.cache', 'renos-build.lock');
const STALE_LOCK_MS = 5 * 60_000;
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Builds dist/ when the sources are newer (scripts/build-if-needed.mjs), once: test files run in
 * parallel forks, so a lock directory (mkdir is atomic) lets the first build while the others wait.
 */
export async function buildOnce(): Promise<void> {
  mkdirSync(resolve(LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run would block every later one.
      const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > STALE_LOCK_MS) rmdirSync(LOCK);
      await sleep(250);
    }
  }
  try {
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "(await import('./scripts/build-if-needed.mjs')).ensureBuilt()"],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmdirSync(LOCK);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * What a child process takes from the test's own environment: PATH, and the machine's time as the test
 * process sees it (TZ, and libfaketime's variables when scripts/test-at.sh runs the suite at another
 * hour), so the app and the test agree on the time as processes on one machine do. Without it a child
 * started under a moved clock checked the test's signed Pub/Sub tokens against the real time.
 */
export function inheritedEnvironment(): Record<string, string> {
  const names = ['PATH', 'TZ', 'LD_PRELOAD', 'FAKETIME', 'DONT_FAKE_MONOTONIC', 'FAKETIME_NO_CACHE'];
  return Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The built app (`node dist/src/main.js`, as the image runs it) as a child process, on the run's
 * database and Redis prefix unless `env` says otherwise. Tests send it real signals.
 */
export class AppProcess {
  static readonly ROOT = ROOT;
  private output = '';
  readonly exited: Promise<Exit>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  }

  /** A port nothing listens on now, for an app whose URL the fakes must know before it starts. */
  static freePort(): Promise<number> {
    return freePort();
  }

  /** Starts the app and resolves once readiness answers 200 (rejects with its output if it dies first). */
  static async start(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<AppProcess> {
    const port = env.PORT ? Number(env.PORT) : await freePort();
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: ROOT,
      env: {
        ...inheritedEnvironment(),
        ...testEnvironment({ LOG_LEVEL: 'info', MIGRATE_ON_START: 'false', ...env }),
        HOST: '127.0.0.1',
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void app.exited.then(() => (exited = true));
    for (;;) {
      if (exited) throw new Error(`the app exited while starting:\n${app.logs()}`);
      const status = await fetch(`${app.url}/api/health/ready`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return app;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the app did not become ready in ${timeoutMs} ms:\n${app.logs()}`);
      }
      await sleep(100);
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** The last lines the app wrote (JSON logs), for a failing test's message. */
  logs(lines = 40): string {
    return this.output.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Ends the process if it is still running (after a test that failed halfway). */
  async stop(): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }
}
