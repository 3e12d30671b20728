import { readFileSync } from 'node:fs';

import type { OpenAPIObject } from '@nestjs/swagger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildCollection } from '../../scripts/postman-collection.mjs';
import { buildOpenApiDocument, checkOperations, operationIdOf } from '../../src/openapi.js';
import { bootTestApp, type TestApp } from '../support/app.js';

interface Operation {
  operationId?: string;
  summary?: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface PostmanRequest {
  method: string;
  url: {
    path: string[];
    variable?: { key: string; value: string }[];
    query?: { key: string; value: string; disabled?: boolean }[];
  };
  header?: { key: string; value: string }[];
}
interface PostmanItem {
  item?: PostmanItem[];
  request: PostmanRequest;
}
interface PostmanCollection {
  item: PostmanItem[];
  variable: { key: string; value: string }[];
}

/** Every request of a collection, however deep its folders. */
const requests = (node: { item: PostmanItem[] }): PostmanItem[] =>
  node.item.flatMap((item) => (item.item ? requests({ item: item.item }) : [item]));
const pathOf = (request: PostmanRequest) => request.url.path.join('/');

describe('OpenAPI document for client generators', () => {
  let test: TestApp;
  let document: OpenAPIObject;
  let operations: { where: string; operation: Operation }[];

  beforeAll(async () => {
    test = await bootTestApp();
    document = buildOpenApiDocument(test.app);
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({
          where: `${method.toUpperCase()} ${path}`,
          operation,
        })),
    );
  });
  afterAll(async () => {
    await test?.close();
  });

  it('names every operation with a unique camelCase operationId and gives it a summary', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { where, operation } of operations) {
      expect(operation.operationId, where).toMatch(/^[a-z][a-zA-Z]*$/);
      expect(operation.summary?.trim(), where).toBeTruthy();
    }
    const idOf = (where: string) => operations.find((entry) => entry.where === where)?.operation.operationId;
    expect(idOf('POST /api/auth/login')).toBe('login');
    expect(idOf('GET /api/leads')).toBe('listLeads');
    expect(idOf('GET /api/leads/{id}')).toBe('getLead');
    expect(idOf('POST /api/bookings')).toBe('createBooking');
    expect(idOf('DELETE /api/leads/{id}')).toBe('deleteLead');
  });

  it('derives ids from the controller and method names', () => {
    expect(operationIdOf('ActivitiesController', 'list')).toBe('listActivities');
    expect(operationIdOf('InvoicesController', 'recordPayment')).toBe('recordPayment');
    expect(operationIdOf('AuthController', 'login')).toBe('login');
  });

  it('refuses a document with an operationId used twice', () => {
    const twice = {
      openapi: '3.0.0',
      info: { title: 'x', version: '1' },
      paths: {
        '/api/a': { get: { operationId: 'listLeads', responses: {} } },
        '/api/b': { get: { operationId: 'listLeads', responses: {} } },
      },
    } as OpenAPIObject;
    expect(() => checkOperations(twice)).toThrow(
      'OpenAPI operationId "listLeads" is used by GET /api/a and GET /api/b',
    );
  });

  it('describes the body of every successful answer but 204', () => {
    // 202 with an empty body on purpose: the answer must not tell whether the e-mail has an account.
    const bodiless = ['POST /api/auth/forgot-password'];
    const untyped = operations
      .filter(({ where }) => !bodiless.includes(where))
      .filter(({ operation }) => {
        const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
        if (successes.length === 0) return true;
        return !successes.every(
          ([status, response]) =>
            status === '204' || Object.values(response.content ?? {}).some((media) => media.schema),
        );
      })
      .map(({ where }) => where);
    expect(untyped).toEqual([]);
  });

  it('ships the Postman collection `npm run openapi` writes: bodies from the examples, login storing the token', async () => {
    const built = await buildCollection(document);
    const committed = JSON.parse(readFileSync('renos.postman_collection.json', 'utf8')) as unknown;
    expect(committed, 'renos.postman_collection.json is stale: run `npm run openapi`').toEqual(built);

    const text = JSON.stringify(built);
    expect(text).toContain("pm.collectionVariables.set('accessToken', session.accessToken);");
    expect(built.auth).toEqual({
      type: 'bearer',
      bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }],
    });
    expect(text).toContain('\\"customerName\\": \\"Mette Jensen\\"');
    expect(text).not.toMatch(/key_\d/);
  });

  it('gives every Postman request values it can be sent with: no <type> placeholders, ids as declared variables', async () => {
    const built = (await buildCollection(document)) as unknown as PostmanCollection;
    const text = JSON.stringify(built.item);
    expect(text.match(/<(string|uuid|number|integer|boolean|date-time|date)>/g) ?? []).toEqual([]);

    const declared = new Set(built.variable.map(({ key }) => key));
    const used = [...text.matchAll(/\{\{([$\w]+)\}\}/g)].map((match) => match[1]!);
    // Template texts carry their own {{placeholders}} in bodies; every id and token outside them is declared.
    const outsideBodies = JSON.stringify(requests(built).map(({ request }) => request.url));
    const fromUrls = [...outsideBodies.matchAll(/\{\{([$\w]+)\}\}/g)].map((match) => match[1]!);
    expect(fromUrls.filter((name) => !declared.has(name))).toEqual([]);
    expect(used).toContain('leadId');

    const lead = requests(built).find(
      ({ request }) => request.method === 'GET' && pathOf(request) === 'api/leads/:id',
    );
    expect(lead?.request.url.variable).toEqual([expect.objectContaining({ key: 'id', value: '{{leadId}}' })]);
    // A filter nobody set is not sent: `status=` alone would be a 400.
    const list = requests(built).find(
      ({ request }) => request.method === 'GET' && pathOf(request) === 'api/leads',
    );
    const status = list?.request.url.query?.find(({ key }) => key === 'status');
    expect(status).toMatchObject({ value: 'new', disabled: true });
    // Each send is a new request as far as idempotency goes; a header nobody documents is not asked for.
    const create = requests(built).find(
      ({ request }) => request.method === 'POST' && pathOf(request) === 'api/leads',
    );
    expect(create?.request.header).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'Idempotency-Key', value: '{{$guid}}' })]),
    );
    expect(text).not.toMatch(/"key":"user-agent"/i);
  });

  it('answers one shape per route: no success body is a choice between schemas', () => {
    const choices = operations
      .filter(({ operation }) =>
        Object.entries(operation.responses).some(
          ([status, response]) => status.startsWith('2') && /"(oneOf|anyOf)"/.test(JSON.stringify(response)),
        ),
      )
      .map(({ where }) => where);
    expect(choices).toEqual([]);
  });
});
