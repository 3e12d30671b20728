#!/usr/bin/env node
// Converts openapi.json (written by `npm run openapi`) into the Postman collection that ships in the
// repo, with Postman's own converter. Requests use {{baseUrl}} and a {{bearerToken}} collection
// variable: log in with "auth / POST /api/auth/login", copy accessToken into bearerToken.
import { readFileSync, writeFileSync } from 'node:fs';

import converter from 'openapi-to-postmanv2';

const input = process.argv[2] ?? 'openapi.json';
const output = process.argv[3] ?? 'renos.postman_collection.json';
const spec = readFileSync(input, 'utf8');

converter.convert(
  { type: 'string', data: spec },
  { folderStrategy: 'Tags', requestParametersResolution: 'Example', optimizeConversion: true },
  (error, result) => {
    if (error || !result.result) {
      console.error(`Could not convert ${input}: ${error?.message ?? result.reason}`);
      process.exit(1);
    }
    const collection = result.output[0].data;
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
