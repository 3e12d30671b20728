// Builds the Postman collection that ships in the repo from the OpenAPI document, with Postman's own
// converter, then makes it usable and the same on every run: ids derived from where an item sits,
// request bodies filled from the DTOs' `example` values, a login request that stores the access token
// in the collection variable `accessToken`, which the collection's bearer auth sends.
import { createHash } from 'node:crypto';

import converter from 'openapi-to-postmanv2';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidFrom(text) {
  const hex = createHash('sha1').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

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

/**
 * A sample value for a schema: its `example`, else the first enum value or the default, else a
 * `<type>` placeholder. Maps without named keys are `{}` (the converter's fake keys changed per run).
 */
function sampleOf(schema, spec, depth = 0) {
  if (!schema || depth > 8) return undefined;
  if (schema.$ref) return sampleOf(resolve(schema.$ref, spec), spec, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.allOf) {
    const parts = schema.allOf.map((part) => sampleOf(part, spec, depth + 1));
    return parts.every((part) => part !== null && typeof part === 'object' && !Array.isArray(part))
      ? Object.assign({}, ...parts)
      : parts[0];
  }
  if (schema.oneOf ?? schema.anyOf) return sampleOf((schema.oneOf ?? schema.anyOf)[0], spec, depth + 1);
  if (schema.type === 'array') {
    const item = sampleOf(schema.items, spec, depth + 1);
    return item === undefined ? [] : [item];
  }
  if (schema.format === 'uuid') return '<uuid>';
  if (schema.type === 'object' || schema.properties) {
    // The required fields and the optional ones with an example: a body that can be sent as it is.
    const properties = Object.entries(schema.properties ?? {});
    const shown = properties.filter(
      ([key, property]) => schema.required?.includes(key) || property.example !== undefined,
    );
    const out = {};
    for (const [key, property] of shown.length > 0 ? shown : properties) {
      const value = sampleOf(property, spec, depth + 1);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  if (schema.type === 'string') return `<${schema.format ?? 'string'}>`;
  return schema.type ? `<${schema.type}>` : undefined;
}

function resolve(ref, spec) {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node, key) => node?.[key], spec);
}

/** Each request's JSON body from the operation's schema, found by method and path. */
function withSampleBodies(items, spec) {
  for (const item of items) {
    if (item.item) {
      withSampleBodies(item.item, spec);
      continue;
    }
    const path = `/${item.request.url.path.join('/')}`.replace(/:(\w+)/g, '{$1}');
    const operation = spec.paths[path]?.[item.request.method.toLowerCase()];
    const schema = operation?.requestBody?.content?.['application/json']?.schema;
    if (!schema || item.request.body?.mode !== 'raw') continue;
    const body = sampleOf(schema, spec);
    // Refreshing and logging out send the refresh token the login stored.
    if (path.startsWith('/api/auth/') && body && typeof body === 'object' && 'refreshToken' in body)
      body.refreshToken = '{{refreshToken}}';
    item.request.body.raw = JSON.stringify(body, null, 2);
  }
  return items;
}

function findRequest(items, method, path) {
  for (const item of items) {
    const found = item.item
      ? findRequest(item.item, method, path)
      : item.request.method === method && `/${item.request.url.path.join('/')}` === path && item;
    if (found) return found;
  }
  return undefined;
}

/** Logging in (or refreshing) stores the tokens; every other request sends `{{accessToken}}`. */
function storesTokens(item) {
  item.request.auth = { type: 'noauth' };
  item.event = [
    {
      listen: 'test',
      script: {
        type: 'text/javascript',
        exec: [
          'if (pm.response.code === 200) {',
          '  const session = pm.response.json();',
          "  pm.collectionVariables.set('accessToken', session.accessToken);",
          "  pm.collectionVariables.set('refreshToken', session.refreshToken);",
          '}',
        ],
      },
    },
  ];
}

function withoutExampleResponses(node) {
  if (Array.isArray(node)) return node.map(withoutExampleResponses);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node))
    out[key] = key === 'response' ? [] : withoutExampleResponses(value);
  return out;
}

/** The collection for an OpenAPI document (an object), as `npm run openapi` writes it. */
export function buildCollection(document) {
  const spec = JSON.parse(JSON.stringify(document));
  return new Promise((resolvePromise, reject) => {
    converter.convert(
      { type: 'json', data: structuredClone(spec) },
      {
        folderStrategy: 'Tags',
        parametersResolution: 'Schema',
        schemaFaker: false,
        optimizeConversion: true,
      },
      (error, result) => {
        if (error || !result.result) {
          reject(new Error(`Could not convert the OpenAPI document: ${error?.message ?? result.reason}`));
          return;
        }
        // Example responses are faked by the converter (random ids on every run) and the Swagger UI
        // shows the real schemas: the collection keeps the requests.
        const collection = stableIds(withoutExampleResponses(result.output[0].data));
        collection.info.name = 'RenOS API';
        withSampleBodies(collection.item, spec);
        for (const path of ['/api/auth/login', '/api/auth/refresh']) {
          const item = findRequest(collection.item, 'POST', path);
          if (!item) {
            reject(new Error(`The collection has no POST ${path}`));
            return;
          }
          storesTokens(item);
        }
        collection.variable = [
          { key: 'baseUrl', value: 'http://localhost:3000', type: 'string' },
          { key: 'accessToken', value: '', type: 'string' },
          { key: 'refreshToken', value: '', type: 'string' },
        ];
        collection.auth = {
          type: 'bearer',
          bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }],
        };
        resolvePromise(collection);
      },
    );
  });
}
