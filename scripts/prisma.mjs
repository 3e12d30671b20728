#!/usr/bin/env node
// Runs the Prisma CLI. The CLI downloads its schema-engine binary before every command, which fails on
// machines without internet. `generate`, `validate` and `format` never start that engine, so when no
// engine is installed we point PRISMA_SCHEMA_ENGINE_BINARY at an existing file to skip the download.
// Migrations are applied by our own migrator (npm run db:migrate), never by `prisma migrate`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadEnvFile } from './env-file.mjs';

const require = createRequire(import.meta.url);
loadEnvFile();
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const enginesDir = dirname(require.resolve('@prisma/engines/package.json'));
  const installed = readdirSync(enginesDir).find((file) => file.startsWith('schema-engine'));
  env.PRISMA_SCHEMA_ENGINE_BINARY = installed ? join(enginesDir, installed) : process.execPath;
}
const cli = require.resolve('prisma/build/index.js');
if (!existsSync(cli)) throw new Error('prisma CLI not found: run npm ci');
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
