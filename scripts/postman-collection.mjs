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
    // The required fields and the optional ones with an example: a body that can be sent as it is
    // (`{}` when every field is optional and none has one, e.g. a preview of the stored text).
    const shown = Object.entries(schema.properties ?? {}).filter(
      ([key, property]) => schema.required?.includes(key) || property.example !== undefined,
    );
    const out = {};
    for (const [key, property] of shown) {
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

/** Every request of the collection with the OpenAPI operation it came from and its OpenAPI path. */
function* requestsOf(items, spec) {
  for (const item of items) {
    if (item.item) {
      yield* requestsOf(item.item, spec);
      continue;
    }
    const path = `/${item.request.url.path.join('/')}`.replace(/:(\w+)/g, '{$1}');
    yield { item, path, operation: spec.paths[path]?.[item.request.method.toLowerCase()] };
  }
}

/**
 * The collection variable an id in a path or body stands for: `leadId` for the `:id` of
 * /api/leads/:id, the field's own name for `leadId` in a body. Set it once (or from a response) and
 * every request that needs that lead finds it.
 */
function idVariable(name, path) {
  if (name !== 'id') return name;
  const resource = path.split('/')[2] ?? 'item';
  const camel = resource.replace(/-(\w)/g, (_, letter) => letter.toUpperCase());
  return `${camel.endsWith('series') ? camel : camel.replace(/s$/, '')}Id`;
}

/** Uuid fields of a sample body as `{{variables}}`, the way the path ids are. */
function withIdVariables(body, used) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  for (const [key, value] of Object.entries(body)) {
    if (value !== '<uuid>') continue;
    body[key] = `{{${key}}}`;
    used.add(key);
  }
  return body;
}

/** Each request's JSON body from the operation's schema, found by method and path. */
function withSampleBodies(items, spec, used) {
  for (const { item, path, operation } of requestsOf(items, spec)) {
    const schema = operation?.requestBody?.content?.['application/json']?.schema;
    if (!schema || item.request.body?.mode !== 'raw') continue;
    const body = withIdVariables(sampleOf(schema, spec), used);
    // Refreshing and logging out (where it is optional) send the refresh token the login stored.
    const fields = (schema.$ref ? resolve(schema.$ref, spec) : schema).properties ?? {};
    if (path.startsWith('/api/auth/') && body && typeof body === 'object' && 'refreshToken' in fields)
      body.refreshToken = '{{refreshToken}}';
    item.request.body.raw = JSON.stringify(body, null, 2);
  }
  return items;
}

/**
 * Path, query and header parameters a request can be sent with as it is: ids as collection variables,
 * enums and examples as their first value, optional filters switched off (a `status=<string>` would
 * be a 400), and an Idempotency-Key that Postman makes fresh for every send.
 */
function withSampleParameters(items, spec, used) {
  for (const { item, path, operation } of requestsOf(items, spec)) {
    const parameters = (operation?.parameters ?? []).map((parameter) =>
      parameter.$ref ? resolve(parameter.$ref, spec) : parameter,
    );
    const find = (where, name) =>
      parameters.find(
        (parameter) => parameter.in === where && parameter.name.toLowerCase() === name.toLowerCase(),
      );
    const valueOf = (parameter) => {
      const sample = sampleOf(parameter?.schema, spec);
      return typeof sample === 'string' && sample.startsWith('<') ? undefined : sample;
    };
    for (const variable of item.request.url.variable ?? []) {
      const value = valueOf(find('path', variable.key));
      const name = idVariable(variable.key, path);
      if (value === undefined) used.add(name);
      variable.value = value === undefined ? `{{${name}}}` : String(value);
      variable.type = 'string';
    }
    for (const query of item.request.url.query ?? []) {
      const parameter = find('query', query.key);
      const value = valueOf(parameter);
      query.value = value === undefined ? '' : String(value);
      query.disabled = !parameter?.required;
    }
    for (const header of item.request.header ?? []) {
      if (header.key === 'Idempotency-Key') header.value = '{{$guid}}';
    }
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
        // The ids the requests take from collection variables (template texts' own {{placeholders}} are
        // not among them: Postman leaves a name it does not know as it is).
        const used = new Set();
        withSampleBodies(collection.item, spec, used);
        for (const path of ['/api/auth/login', '/api/auth/refresh']) {
          const item = findRequest(collection.item, 'POST', path);
          if (!item) {
            reject(new Error(`The collection has no POST ${path}`));
            return;
          }
          storesTokens(item);
        }
        withSampleParameters(collection.item, spec, used);
        collection.variable = [
          { key: 'baseUrl', value: 'http://localhost:3000', type: 'string' },
          { key: 'accessToken', value: '', type: 'string' },
          { key: 'refreshToken', value: '', type: 'string' },
          ...[...used].sort().map((key) => ({ key, value: '', type: 'string' })),
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
