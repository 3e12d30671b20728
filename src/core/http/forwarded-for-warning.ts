import type { FastifyRequest } from 'fastify';

/**
 * The onRequest hook of an app with TRUST_PROXY off: the first request that carries X-Forwarded-For
 * means a proxy stands in front, and without TRUST_PROXY every user behind it shares the proxy's IP for
 * rate limits, login throttling and the audit log. It says so once per process, naming the variable.
 */
export function warnOnceAboutUntrustedForwardedFor(warn: (message: string) => void) {
  let warned = false;
  return async (request: FastifyRequest): Promise<void> => {
    if (warned || request.headers['x-forwarded-for'] === undefined) return;
    warned = true;
    warn(
      'X-Forwarded-For arrived but TRUST_PROXY is off: the client IP is the socket address (the proxy), ' +
        'so every user behind it shares one IP for rate limits, login throttling and the audit log. ' +
        'Set TRUST_PROXY to the hop count or addresses of your proxies (see docs/going-live.md).',
    );
  };
}
