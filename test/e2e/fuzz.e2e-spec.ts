import { randomUUID } from 'node:crypto';

import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { buildOpenApiDocument } from '../../src/openapi.js';
import { bootTestApp, type TestApp } from '../support/app.js';
import {
  createTenant,
  createUser,
  login,
  ownerDb,
  type Session,
  type TenantFixture,
  type UserFixture,
} from '../support/fixtures.js';
import { newPhone } from '../support/http.js';

/**
 * Property-based fuzzing of the whole API, driven by its OpenAPI document (a route added later is
 * fuzzed without editing this file). Every operation is called, as every role and without a token,
 * with generated hostile values in its path, query and body: lone surrogates, NUL, huge and negative
 * numbers, NaN, dates in year 0000/9999/275760, very long strings, wrong types, deep nesting,
 * __proto__ keys, SQL and LIKE metacharacters. Whatever arrives, the API must answer below 500, never
 * show a stack or SQL, and leave another tenant's rows exactly as they were.
 *
 * Deterministic: one fixed seed (printed), a fixed number of samples per operation and role. The
 * webhooks are fuzzed like the rest but cannot be signed by an attacker, so their signature checks
 * answer first; what they parse after the check has its own unit tests.
 */

const SEED = 20_261_206;
/** Samples per operation and role: about 3 500 requests in all, under a minute here. */
const SAMPLES = 10;

/**
 * 5xx answers that do not come from the input: the route's documented answer while the tenant has not
 * connected the integration it drives. Anything else at 500 or above fails the test.
 */
const STATE_ANSWERS: Array<{ route: string; status: number; message: RegExp }> = [
  { route: 'POST /api/integrations/google/watch', status: 503, message: /is not configured/ },
];
const ROLES = ['admin', 'manager', 'staff', 'viewer', 'superadmin', 'anonymous'] as const;
type RoleName = (typeof ROLES)[number];

/** What an error body must never show: a stack frame, a source location, SQL or the ORM's words. */
const LEAK =
  /\bat [\w$.<>]+ \(|\.(ts|js|mjs):\d+|\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|\bUPDATE\b.+\bSET\b|syntax error at|violates .*constraint|relation "|prisma|driverAdapter|SQLSTATE/i;

interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  allOf?: OpenApiSchema[];
}

interface OpenApiOperation {
  parameters?: Array<{
    name: string;
    in: 'path' | 'query' | 'header';
    required?: boolean;
    schema?: OpenApiSchema;
  }>;
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
}

interface Operation {
  method: string;
  /** The path as the router has it, e.g. /api/leads/{id}. */
  path: string;
  operation: OpenApiOperation;
}

/** A string written into a URL byte by byte: a lone surrogate as its three WTF-8 bytes, as an attacker would send it. */
function percentEncode(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    const bytes =
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        : [...Buffer.from(char, 'utf8')];
    for (const byte of bytes) {
      const ch = String.fromCharCode(byte);
      out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** JSON text a generator wants sent as it is (nesting too deep to build as an object, or a fragment). */
class RawJson {
  constructor(readonly text: string) {}
}

const nested = (depth: number, open: string, close: string, inner = '1') =>
  new RawJson(`${open.repeat(depth)}${inner}${close.repeat(depth)}`);

/** The catalogue of values known to break parsers, drivers and validators. */
const hostileConstant = fc.constantFrom(
  '\ud800',
  'a\udfffb@example.dk',
  '\udbff\udbff',
  '\u0000',
  'x\u0000y',
  'NaN',
  '-Infinity',
  '1e309',
  '-1',
  '0x1F',
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:30:00Z',
  '+275760-09-13T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  '2026-02-30',
  "'; DROP TABLE leads; --",
  "' OR '1'='1",
  '%',
  '_',
  '\\',
  '%_\\%',
  '[a-z]*',
  '(?:a+)+$',
  '../../etc/passwd',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  '\u202eRTL',
  '𝕏😀👩‍👩‍👧',
  'ﷺ',
  ' ',
  '',
  'true',
  'null',
  '[]',
  '{}',
  '__proto__',
  'constructor',
);

/** Dates a date field or filter may be sent: edges of what JavaScript and PostgreSQL can hold. */
const hostileDate = fc.constantFrom(
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:59:59Z',
  '1969-12-31T23:59:59Z',
  '1999-12-31',
  '2100-01-02',
  '9999-12-31',
  '9999-12-31T23:30:00Z',
  '9999-12-31T23:59:59-14:00',
  '+275760-09-13T00:00:00Z',
  '275760-09-13',
  '2026-02-30T09:00:00Z',
  '2026-13-01',
  '2026-01-01T25:61:00Z',
  'yesterday',
);

/** E-mail addresses with text no address can hold. */
const hostileEmail = fc.constantFrom(
  'a\ud800@example.dk',
  '\udfff@example.dk',
  'mette\ud83d@example.dk',
  'x\u0000@example.dk',
  `${'a'.repeat(300)}@example.dk`,
  '"@"@example.dk',
  'a@[127.0.0.1]',
);

const hostileString = fc.oneof(
  { weight: 6, arbitrary: hostileConstant },
  { weight: 2, arbitrary: hostileDate },
  { weight: 1, arbitrary: hostileEmail },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(10_000), 'æ'.repeat(70_000), '%'.repeat(5_000)) },
);

/** A hostile value for a named field: dates and e-mails get their own kind more often. */
const hostileFor = (name: string): fc.Arbitrary<unknown> =>
  /(At|^from|^to|[dD]ate|[dD]ates)$/.test(name)
    ? fc.oneof({ weight: 3, arbitrary: hostileDate }, { weight: 1, arbitrary: hostileValue })
    : /email/i.test(name)
      ? fc.oneof({ weight: 3, arbitrary: hostileEmail }, { weight: 1, arbitrary: hostileValue })
      : hostileValue;

const hostileNumber = fc.oneof(
  fc.constantFrom(
    -1,
    0,
    -0,
    0.1,
    0.25,
    1e308,
    -1e308,
    5e-324,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    99_999_999_999,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** A value that is not JSON-representable as such: its raw text instead (NaN and Infinity become strings or fragments). */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 5_000 }, (_, i) => i)) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 4 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      nested(31, '[', ']'),
      nested(40, '[', ']'),
      nested(5_000, '{"a":', '}'),
      new RawJson('{"__proto__":{"isSuperadmin":true,"role":"admin"}}'),
      new RawJson('{"constructor":{"prototype":{"polluted":true}}}'),
    ),
  },
);

/** Serialises a generated value; RawJson pieces are spliced in as they are. */
function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof RawJson) {
      raws.push(item.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return item;
  });
  return (text ?? 'null').replace(/"\\u0001RAW(\d+)\\u0001"/g, (_, index: string) => raws[Number(index)]!);
}

describe('fuzz: every operation, every role, hostile input', () => {
  let test: TestApp;
  let operations: Operation[];
  let schemas: Record<string, OpenApiSchema>;
  let home: TenantFixture;
  let victim: TenantFixture;
  const sessions = new Map<RoleName, Session | undefined>();
  const users = new Map<RoleName, UserFixture>();
  /** Ids in the attacker's own tenant, so generated requests get past lookups into the services. */
  const own: Record<string, string> = {};
  /** The victim tenant's ids, tried in paths and bodies as an attacker would. */
  const theirs: Record<string, string> = {};
  let admin: pg.Client;

  beforeAll(async () => {
    // Every outside service points at a closed loopback port: a generated body may well be valid
    // credentials, and no request of this test may leave the machine.
    const nowhere = 'http://127.0.0.1:9';
    test = await bootTestApp({
      env: {
        PUBSUB_TOPIC: 'projects/fuzz/topics/gmail',
        // An OAuth client, so connecting Google is set up and its routes are fuzzed past "not set up".
        GOOGLE_CLIENT_ID: 'fuzz-client',
        GOOGLE_CLIENT_SECRET: 'fuzz-secret',
        GOOGLE_API_BASE_URL: nowhere,
        GOOGLE_OAUTH_TOKEN_URL: nowhere,
        GOOGLE_OAUTH_AUTH_URL: nowhere,
        GOOGLE_OAUTH_REVOKE_URL: nowhere,
        GOOGLE_CERTS_URL: nowhere,
        TWILIO_API_BASE_URL: nowhere,
        BILLY_API_BASE_URL: nowhere,
        GEMINI_API_BASE_URL: nowhere,
      },
    });
    const document = buildOpenApiDocument(test.app);
    schemas = (document.components?.schemas ?? {}) as Record<string, OpenApiSchema>;
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, OpenApiOperation>)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
    );

    home = await createTenant('Fuzzfirma');
    victim = await createTenant('Offerfirma');
    for (const role of ROLES) {
      if (role === 'anonymous') sessions.set(role, undefined);
      else {
        const user =
          role === 'superadmin'
            ? await createUser(home.id, 'admin', { superadmin: true })
            : await createUser(home.id, role);
        users.set(role, user);
        sessions.set(role, await login(test.app, user));
      }
    }
    Object.assign(own, await seedRows(home));
    Object.assign(theirs, await seedRows(victim));
    // The victim's booking link is its customer's key: whoever holds it may confirm, cancel and move
    // that booking (customer self-service), by design. Another tenant's user does not hold it; they get
    // a token of the same shape that names nothing.
    theirs.meetingToken = randomUUID();
    admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await test?.close();
  });

  /**
   * Logs a role in again when a generated request ended its session (a valid logout of all devices
   * is an input like any other), so each operation is fuzzed as every role, not as a stranger.
   */
  async function revive(): Promise<void> {
    for (const [role, user] of users) {
      const me = await test.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: sessions.get(role)!.auth,
      });
      if (me.statusCode === 401) sessions.set(role, await login(test.app, user));
    }
  }

  /** A customer, lead, booking, invoice and spare user in a tenant; their ids by the names the API uses. */
  async function seedRows(tenant: TenantFixture): Promise<Record<string, string>> {
    const phone = newPhone().e164;
    const customer = await ownerDb().customer.create({
      data: {
        tenantId: tenant.id,
        name: 'Fuzz Kunde',
        email: `k-${randomUUID().slice(0, 8)}@example.dk`,
        phone,
      },
    });
    const lead = await ownerDb().lead.create({
      data: {
        tenantId: tenant.id,
        customerId: customer.id,
        customerName: 'Fuzz Kunde',
        customerPhone: phone,
        address: 'Fuzzvej 1',
        city: 'Aarhus',
        postalCode: '8000',
        serviceType: 'Flytterengøring',
        estimatedHours: '3.0',
        status: 'contacted',
      },
    });
    const booking = await ownerDb().booking.create({
      data: {
        tenantId: tenant.id,
        leadId: lead.id,
        customerId: customer.id,
        teamId: tenant.teamId,
        startsAt: new Date('2030-01-07T09:00:00Z'),
        endsAt: new Date('2030-01-07T12:00:00Z'),
        durationHours: '3.00',
        hourlyRate: '349.00',
        totalAmount: '1047.00',
        meetingToken: randomUUID(),
      },
    });
    const invoice = await ownerDb().invoice.create({
      data: {
        tenantId: tenant.id,
        bookingId: booking.id,
        customerId: customer.id,
        customerName: 'Fuzz Kunde',
        reference: `R-${randomUUID().slice(0, 8)}`,
        subtotal: '1047.00',
        vatAmount: '261.75',
        total: '1308.75',
      },
    });
    const spare = await createUser(tenant.id, 'staff');
    return {
      tenants: tenant.id,
      tenantId: tenant.id,
      teams: tenant.teamId,
      teamId: tenant.teamId,
      customers: customer.id,
      customerId: customer.id,
      leads: lead.id,
      leadId: lead.id,
      bookings: booking.id,
      bookingId: booking.id,
      invoices: invoice.id,
      invoiceId: invoice.id,
      users: spare.id,
      assignedUserId: spare.id,
      userId: spare.id,
      meetingToken: booking.meetingToken,
    };
  }

  /** Every row of a tenant, in every table with a tenant column, plus the tenant and its members' users. */
  async function snapshot(tenantId: string): Promise<Record<string, string[]>> {
    const { rows: tables } = await admin.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`,
    );
    const result: Record<string, string[]> = {};
    for (const { table_name: table } of tables) {
      const { rows } = await admin.query<{ row: string }>(
        `SELECT to_jsonb(t)::text AS row FROM ${admin.escapeIdentifier(table)} t WHERE tenant_id = $1 ORDER BY 1`,
        [tenantId],
      );
      result[table] = rows.map((row) => row.row);
    }
    const tenant = await admin.query<{ row: string }>(
      'SELECT to_jsonb(t)::text AS row FROM tenants t WHERE id = $1',
      [tenantId],
    );
    const users = await admin.query<{ row: string }>(
      `SELECT to_jsonb(u)::text AS row FROM users u
        WHERE id IN (SELECT user_id FROM memberships WHERE tenant_id = $1) ORDER BY 1`,
      [tenantId],
    );
    result.tenants = tenant.rows.map((row) => row.row);
    result.users = users.rows.map((row) => row.row);
    return result;
  }

  const resolve = (schema: OpenApiSchema | undefined): OpenApiSchema | undefined => {
    if (!schema) return undefined;
    if (schema.$ref) return resolve(schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf?.length) return resolve(schema.allOf[0]);
    return schema;
  };

  /** A value the schema would accept (or close to it), so mutations of one field reach deep code. */
  function plausible(name: string, raw: OpenApiSchema | undefined, depth = 0): unknown {
    const schema = resolve(raw);
    if (!schema || depth > 4) return undefined;
    if (name === 'from') return '2030-01-01';
    if (name === 'to') return '2030-01-20';
    if (schema.enum?.length) return schema.enum[0];
    if (schema.example !== undefined) return schema.example;
    switch (schema.type) {
      case 'integer':
      case 'number':
        return schema.minimum ?? 1;
      case 'boolean':
        return true;
      case 'array':
        return [plausible(name, schema.items, depth + 1)].filter((item) => item !== undefined);
      case 'object':
        return Object.fromEntries(
          Object.entries(schema.properties ?? {}).map(([key, property]) => [
            key,
            plausible(key, property, depth + 1),
          ]),
        );
      default:
        if (schema.format === 'uuid') return own[name] ?? randomUUID();
        if (schema.format === 'date-time') return '2030-02-04T09:00:00Z';
        if (schema.format === 'date') return '2030-02-04';
        if (/email/i.test(name)) return `fuzz-${name}@example.dk`;
        if (/phone/i.test(name)) return '+4526112233';
        return 'Fuzz';
    }
  }

  /** The generated parts of one request to an operation. */
  const requestArbitrary = (operation: Operation) => {
    const params = operation.operation.parameters ?? [];
    const pathParams = params.filter((param) => param.in === 'path');
    const queryParams = params.filter((param) => param.in === 'query');
    const bodySchema = resolve(operation.operation.requestBody?.content?.['application/json']?.schema);

    const pathValue = (name: string, segment: string) =>
      fc.oneof(
        fc.constant(own[segment] ?? own[name] ?? randomUUID()),
        fc.constant(theirs[segment] ?? theirs[name] ?? randomUUID()),
        fc.constantFrom('twilio', 'billy', 'gmail', 'google', 'lead_response'),
        hostileString.filter((value) => value.length > 0 && value.length < 2_000),
      );
    const path = fc.record(
      Object.fromEntries(
        pathParams.map((param) => {
          const segment = new RegExp(`/([a-z-]+)/\\{${param.name}\\}`).exec(operation.path)?.[1] ?? '';
          return [param.name, pathValue(param.name, segment)];
        }),
      ) as Record<string, fc.Arbitrary<string>>,
    );
    const queryValue = (name: string, schema: OpenApiSchema | undefined) =>
      fc.oneof(
        fc.constant(String(plausible(name, schema) ?? '')),
        hostileFor(name).map((value) => (typeof value === 'string' ? value : toJsonText(value))),
        hostileString.filter((value) => value.length < 2_000),
        hostileNumber.map(String),
        fc.array(
          hostileString.filter((value) => value.length < 100),
          { minLength: 2, maxLength: 3 },
        ),
      );
    // One or two parameters hostile, the others sensible or absent: a bad value must reach the code
    // behind validation of the rest (a year-0000 `from` only broke the query when all else was valid).
    const names = queryParams.map((param) => param.name);
    const query = names.length
      ? fc.uniqueArray(fc.constantFrom(...names), { maxLength: 2 }).chain((hostile) =>
          fc.record(
            Object.fromEntries(
              queryParams.map((param) => {
                const sensible = fc.constant(String(plausible(param.name, param.schema) ?? ''));
                if (hostile.includes(param.name)) return [param.name, queryValue(param.name, param.schema)];
                return [param.name, param.required ? sensible : fc.option(sensible, { nil: undefined })];
              }),
            ),
          ),
        )
      : fc.constant({});
    const baseline = bodySchema ? (plausible('body', bodySchema) as Record<string, unknown>) : undefined;
    const fields = Object.keys(bodySchema?.properties ?? {});
    const mutatedBody = fc
      .uniqueArray(fc.constantFrom(...(fields.length ? fields : ['x'])), { minLength: 1, maxLength: 3 })
      .chain((replace) =>
        fc.record({
          replace: fc.constant(replace),
          values: fc.tuple(...replace.map(hostileFor)),
          drop: fc.boolean(),
          extraKey: fc.option(
            fc.constantFrom('tenantId', '__proto__', 'constructor', 'id', 'status', 'x\u0000'),
          ),
        }),
      )
      .map(({ replace, values, drop, extraKey }) => {
        const body: Record<string, unknown> = { ...(baseline ?? {}) };
        replace.forEach((field, index) => {
          if (drop && index === 0 && replace.length > 1) delete body[field];
          else body[field] = values[index];
        });
        if (extraKey) body[extraKey] = values[0];
        return toJsonText(body);
      });
    const wholeBody = hostileValue.map(toJsonText);
    const body = fc.oneof(
      { weight: 4, arbitrary: mutatedBody },
      { weight: 1, arbitrary: wholeBody },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    return fc.record({ path, query, body });
  };

  function urlFor(
    operation: Operation,
    path: Record<string, string>,
    query: Record<string, unknown>,
  ): string {
    const filled = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => percentEncode(path[name] ?? ''));
    const pairs = Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .flatMap(([key, value]) =>
        (Array.isArray(value) ? value : [value]).map((item) => `${key}=${percentEncode(String(item))}`),
      );
    return pairs.length ? `${filled}?${pairs.join('&')}` : filled;
  }

  it(
    'never answers 5xx, never leaks a stack or SQL, never touches another tenant',
    { timeout: 240_000 },
    async () => {
      const before = await snapshot(victim.id);
      const failures: string[] = [];
      let requests = 0;
      const statuses = new Map<string, number>();
      let stateAnswers = 0;
      const started = Date.now();

      for (const [operationIndex, operation] of operations.entries()) {
        await revive();
        const arbitrary = requestArbitrary(operation);
        for (const [roleIndex, role] of ROLES.entries()) {
          const session = sessions.get(role);
          // Each role gets samples of its own, so an operation sees SAMPLES × roles distinct inputs.
          const seed = SEED + operationIndex * ROLES.length + roleIndex;
          for (const sample of fc.sample(arbitrary, { seed, numRuns: SAMPLES })) {
            const url = urlFor(operation, sample.path, sample.query);
            const response = await test.app.inject({
              method: operation.method as 'GET',
              url,
              headers: {
                ...(session?.auth ?? {}),
                ...(sample.body !== undefined ? { 'content-type': 'application/json' } : {}),
              },
              payload: sample.body,
            });
            requests += 1;
            const kind = `${Math.floor(response.statusCode / 100)}xx`;
            statuses.set(kind, (statuses.get(kind) ?? 0) + 1);
            const leak = response.statusCode >= 400 && LEAK.test(response.body);
            const stateAnswer = STATE_ANSWERS.some(
              (allowed) =>
                allowed.route === `${operation.method} ${operation.path}` &&
                allowed.status === response.statusCode &&
                allowed.message.test(response.body),
            );
            if (stateAnswer) stateAnswers += 1;
            if ((response.statusCode >= 500 && !stateAnswer) || leak) {
              failures.push(
                `${operation.method} ${url.slice(0, 200)} as ${role} → ${response.statusCode} ${response.body.slice(0, 300)}` +
                  `\n    body: ${(sample.body ?? '').slice(0, 300)}`,
              );
            }
          }
        }
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const serverErrors = failures.length;
      const grouped = (n: number) => n.toLocaleString('en-US').replace(/,/g, ' ');
      console.log(
        `fuzz: ${grouped(requests)} requests over ${operations.length} operations × ${ROLES.length} roles, ` +
          `${serverErrors} server errors or leaks (${stateAnswers} allowed state answers), ${seconds} s (seed ${SEED}); ` +
          [...statuses]
            .sort()
            .map(([kind, count]) => `${kind} ${count}`)
            .join(', '),
      );

      expect(failures).toEqual([]);
      expect(await snapshot(victim.id)).toEqual(before);
    },
  );
});
