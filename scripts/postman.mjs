#!/usr/bin/env node
// Converts openapi.json (written by `npm run openapi`) into the Postman collection that ships in the
// repo (see postman-collection.mjs). Import it, run "auth / Log in": the token is stored in the
// collection variable `accessToken`, which every other request sends as its bearer token.
import { readFileSync, writeFileSync } from 'node:fs';

import { buildCollection } from './postman-collection.mjs';

const input = process.argv[2] ?? 'openapi.json';
const output = process.argv[3] ?? 'renos.postman_collection.json';

try {
  const collection = await buildCollection(JSON.parse(readFileSync(input, 'utf8')));
  writeFileSync(output, `${JSON.stringify(collection, null, 2)}\n`);
  console.log(`Wrote ${output}`);
} catch (error) {
  console.error(`Could not convert ${input}: ${error.message}`);
  process.exit(1);
}
