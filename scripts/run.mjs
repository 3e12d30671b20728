#!/usr/bin/env node
// Runs a TypeScript entry point of the project (migrator, seed, demo, bench, openapi). It uses the
// compiled file from dist/ when that is up to date, and otherwise compiles the project first, so the
// same command works on a fresh clone and in the production image (where only dist/ exists).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureBuilt } from './build-if-needed.mjs';
import { loadEnvFile } from './env-file.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.mjs <path/to/file.ts> [args…]');
  process.exit(2);
}
loadEnvFile();
ensureBuilt();
const compiled = `dist/${entry.replace(/\.ts$/, '.js')}`;
if (!existsSync(compiled)) {
  console.error(`${compiled} is missing after the build: is ${entry} in tsconfig.build.json?`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--enable-source-maps', compiled, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
