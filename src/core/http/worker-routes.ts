import type { FastifyReply, FastifyRequest } from 'fastify';

import { codeForStatus, reasonPhrase, type ErrorEnvelope } from './error-envelope.js';

/** What an `APP_ROLE=worker` instance still answers: liveness, readiness and metrics. */
export function isOperationalPath(path: string, prefix: string): boolean {
  return path === `/${prefix}/health` || path === `/${prefix}/health/ready` || path === `/${prefix}/metrics`;
}

/**
 * The onRequest hook of a worker-only instance: it listens for its health checks and metrics, and
 * answers every other route (the API, the webhooks, the docs, Bull Board) with the same 404 as an
 * unknown route, so a load balancer pointed at it by mistake cannot reach the API through it.
 */
export function onlyOperationalRoutes(prefix: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = request.url.split('?', 1)[0]!.replace(/\/+$/, '');
    if (isOperationalPath(path, prefix)) return;
    const body: ErrorEnvelope = {
      statusCode: 404,
      code: codeForStatus(404),
      error: reasonPhrase(404),
      message: `Cannot ${request.method} ${path || '/'}`,
      requestId: String(request.id),
    };
    await reply.code(404).send(body);
  };
}
