import autocannon from 'autocannon';

/** What one load run measured: throughput and exact latency percentiles over every answer. */
export interface LoadResult {
  label: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** A few non-2xx status codes seen, for the report. */
  statuses: Record<string, number>;
  /** The same route with one connection: the time a request takes when nothing queues. */
  single?: { p50: number; p95: number };
}

export interface LoadOptions {
  label: string;
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** Paths picked round-robin per request (each relative to `url`'s origin). */
  paths?: string[];
  /** Builds each request (a fresh body, a path); wins over `paths`. */
  build?: (n: number) => { path: string; body?: string; headers?: Record<string, string> };
  /** Called before each request is sent (e.g. to drop a cache entry). */
  beforeEach?: () => void;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * Runs autocannon and records each response's time itself: autocannon's summary has p97.5 and p99
 * but no p95.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let n = 0;
  const base = new URL(options.url);
  let finish!: (value: autocannon.Result) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      duration: options.durationSeconds,
      method: options.method ?? 'GET',
      headers: options.headers,
      requests: [
        {
          setupRequest: (request) => {
            options.beforeEach?.();
            const index = n++;
            if (options.build) {
              const built = options.build(index);
              return {
                ...request,
                path: built.path,
                ...(built.body !== undefined ? { body: built.body } : {}),
                headers: { ...request.headers, ...built.headers },
              };
            }
            if (options.paths) return { ...request, path: options.paths[index % options.paths.length]! };
            return { ...request, path: `${base.pathname}${base.search}` };
          },
        },
      ],
    },
    (error, result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    if (statusCode < 200 || statusCode >= 300) statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await done;
  latencies.sort((a, b) => a - b);
  return {
    label: options.label,
    requests: latencies.length,
    rps: latencies.length / options.durationSeconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses,
  };
}
