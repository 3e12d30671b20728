#!/usr/bin/env node
// `npm start`: loads .env when present, builds when the sources changed since the last build, then
// serves. The app applies pending migrations itself when MIGRATE_ON_START is true (the default outside
// production).
import { spawn } from 'node:child_process';
import { ensureBuilt } from './build-if-needed.mjs';
import { loadEnvFile } from './env-file.mjs';

loadEnvFile();
ensureBuilt();
const child = spawn(process.execPath, ['--enable-source-maps', 'dist/src/main.js'], { stdio: 'inherit' });
// Pass signals on, so SIGTERM reaches the app and it can shut down gracefully.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
