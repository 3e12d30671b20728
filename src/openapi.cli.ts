// `npm run openapi`: writes the OpenAPI document to openapi.json (the Postman collection is generated from it).
import 'reflect-metadata';

import { writeFile } from 'node:fs/promises';

import winston from 'winston';

import { createApp } from './app.factory.js';
import { loadConfig } from './core/config/app-config.js';
import { buildOpenApiDocument } from './openapi.js';

const output = process.argv[2] ?? 'openapi.json';
const config = loadConfig({ ...process.env, APP_ROLE: 'api', OUTBOX_SWEEP_INTERVAL_MS: '0' });
const logger = winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
// The app is built but never started: no port, no workers, no migrations.
const app = await createApp(config, { logger });
await writeFile(output, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
await app.close();
console.log(`Wrote ${output}`);
