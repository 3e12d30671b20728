#!/usr/bin/env node
// Converts openapi.json (written by `npm run openapi`) into the Postman collection that ships in the
// repo, with Postman's own converter. Requests use {{baseUrl}} and a {{bearerToken}} collection
// variable: log in with "auth / POST /api/auth/login", copy accessToken into bearerToken.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

import converter from 'openapi-to-postmanv2';

const input = process.argv[2] ?? 'openapi.json';
const output = process.argv[3] ?? 'renos.postman_collection.json';
const spec = readFileSync(input, 'utf8');

/**
 * The converter gives every item a random UUID; ids derived from where the item sits keep the
 * committed collection unchanged when the API is, so a diff shows only real changes.
 */
function stableIds(node, path = 'collection') {
  if (Array.isArray(node)) return node.map((child, index) => stableIds(child, `${path}/${index}`));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    const here = `${path}/${key}`;
    out[key] =
      (key === 'id' || key === '_postman_id') && typeof value === 'string' && UUID.test(value)
        ? uuidFrom(`${here}:${node.name ?? ''}`)
        : stableIds(value, here);
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidFrom(text) {
  const hex = createHash('sha1').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function withoutExampleResponses(node) {
  if (Array.isArray(node)) return node.map(withoutExampleResponses);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node))
    out[key] = key === 'response' ? [] : withoutExampleResponses(value);
  return out;
}

converter.convert(
  { type: 'string', data: spec },
  { folderStrategy: 'Tags', parametersResolution: 'Schema', schemaFaker: false, optimizeConversion: true },
  (error, result) => {
    if (error || !result.result) {
      console.error(`Could not convert ${input}: ${error?.message ?? result.reason}`);
      process.exit(1);
    }
    // Example responses are faked by the converter (random ids on every run) and the Swagger UI shows
    // the real schemas: the collection keeps the requests.
    const collection = stableIds(withoutExampleResponses(result.output[0].data));
    collection.info.name = 'RenOS API';
    collection.variable = [
      { key: 'baseUrl', value: 'http://localhost:3000', type: 'string' },
      { key: 'bearerToken', value: '', type: 'string' },
    ];
    collection.auth = {
      type: 'bearer',
      bearer: [{ key: 'token', value: '{{bearerToken}}', type: 'string' }],
    };
    writeFileSync(output, `${JSON.stringify(collection, null, 2)}\n`);
    console.log(`Wrote ${output}`);
  },
);
