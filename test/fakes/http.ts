import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Shared plumbing for the fake vendor servers: a node:http server on 127.0.0.1, an ephemeral port,
 * buffered request bodies, JSON answers, and Google's error envelope. Dependency-free on purpose.
 */

export interface RunningFake {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

export interface FakeRequest {
  method: string;
  /** Path without the query string, percent-decoding left to the route. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  /** The body parsed as JSON; `undefined` for an empty body; throws on invalid JSON. */
  json(): unknown;
}

export type FakeHandler = (req: FakeRequest, res: ServerResponse) => Promise<void> | void;

export class FakeHttpServer {
  private server: Server | undefined;
  private baseUrl: string | undefined;

  constructor(
    private readonly name: string,
    private readonly handler: FakeHandler,
  ) {}

  get url(): string {
    if (this.baseUrl === undefined) throw new Error(`${this.name} fake is not started`);
    return this.baseUrl;
  }

  get started(): boolean {
    return this.baseUrl !== undefined;
  }

  async start(): Promise<RunningFake> {
    if (this.server) throw new Error(`${this.name} fake is already started`);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = Buffer.concat(chunks);
        const request: FakeRequest = {
          method: (req.method ?? 'GET').toUpperCase(),
          path: parsed.pathname,
          query: parsed.searchParams,
          headers: req.headers,
          body,
          text: () => body.toString('utf8'),
          json: () => (body.length === 0 ? undefined : (JSON.parse(body.toString('utf8')) as unknown)),
        };
        Promise.resolve()
          .then(() => this.handler(request, res))
          .catch((error: unknown) => {
            if (!res.headersSent) {
              sendJson(res, 500, {
                error: { code: 500, message: `fake ${this.name}: ${String(error)}`, status: 'INTERNAL' },
              });
            } else {
              res.destroy();
            }
          });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return { url: this.baseUrl, close: () => this.close() };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': 0, ...headers });
  res.end();
}

const STATUS_TEXT: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  410: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_MESSAGE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  409: 'The requested identifier already exists.',
  410: 'Resource has been deleted',
  429: 'Resource has been exhausted (e.g. check quota).',
  500: 'Internal error encountered.',
  502: 'Bad Gateway',
  503: 'The service is currently unavailable.',
  504: 'Deadline exceeded.',
};

const REASON: Record<number, string> = {
  400: 'invalidArgument',
  401: 'authError',
  403: 'forbidden',
  404: 'notFound',
  409: 'duplicate',
  410: 'deleted',
  429: 'rateLimitExceeded',
  500: 'backendError',
  503: 'backendError',
};

export function googleStatusName(code: number): string {
  return STATUS_TEXT[code] ?? (code >= 500 ? 'INTERNAL' : 'UNKNOWN');
}

/**
 * Google's JSON error envelope (googleapis.com REST APIs):
 * `{ error: { code, message, errors: [{ message, domain: 'global', reason }], status } }`.
 */
export function googleError(
  code: number,
  message: string = DEFAULT_MESSAGE[code] ?? 'Error',
  reason: string = REASON[code] ?? 'unknown',
  status: string | undefined = googleStatusName(code),
): {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string }[];
    status?: string;
  };
} {
  return {
    error: {
      code,
      message,
      errors: [{ message, domain: 'global', reason }],
      ...(status === undefined ? {} : { status }),
    },
  };
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match?.[1];
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface InjectedFailure {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  remaining: number;
}

/** Queue of injected failures per method name (`'*'` matches any method). */
export class FailureQueue<M extends string> {
  private readonly queue: { method: M | '*'; failure: InjectedFailure }[] = [];

  add(method: M | '*', failure: InjectedFailure): void {
    this.queue.push({ method, failure });
  }

  take(method: M): InjectedFailure | undefined {
    const index = this.queue.findIndex((entry) => entry.method === method || entry.method === '*');
    if (index < 0) return undefined;
    const entry = this.queue[index];
    entry.failure.remaining -= 1;
    if (entry.failure.remaining <= 0) this.queue.splice(index, 1);
    return entry.failure;
  }

  clear(): void {
    this.queue.length = 0;
  }
}

/** Per-method artificial latency (`'*'` for every method). */
export class Delays<M extends string> {
  private readonly delays = new Map<M | '*', number>();

  set(ms: number, method: M | '*' = '*'): void {
    if (ms <= 0) this.delays.delete(method);
    else this.delays.set(method, ms);
  }

  async wait(method: M): Promise<void> {
    const ms = this.delays.get(method) ?? this.delays.get('*') ?? 0;
    if (ms > 0) await sleep(ms);
  }

  clear(): void {
    this.delays.clear();
  }
}
