import { createHash } from 'node:crypto';

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { TooManyAttemptsError } from '../auth/auth.errors.js';
import { AuthService, type OperatorGrant } from '../auth/auth.service.js';
import { QueueService } from '../core/queue/queue.service.js';

const REALM = 'Basic realm="RenOS queues", charset="UTF-8"';
/**
 * The board polls its API every few seconds: a verified login is remembered this long instead of being
 * hashed again, but only while the account's stamp (password, active, superadmin) is unchanged.
 */
const VERIFIED_FOR_MS = 60_000;

function basicCredentials(header: string | undefined): { email: string; password: string } | null {
  const encoded = /^Basic\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : null;
}

/**
 * Bull Board at `/api/admin/queues`, the operator's view: every queue's jobs, their data and
 * failure reasons, for superadmins only. A browser opens it with HTTP Basic (a superadmin's e-mail and
 * password, throttled like a login); everything else gets 401 and the browser's login prompt.
 */
export async function registerQueueBoard(app: NestFastifyApplication, basePath: string): Promise<void> {
  const auth = app.get(AuthService);
  const queues = app.get(QueueService);
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.all().map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'RenOS queues' } },
  });

  // Keyed by a hash of the header, never the password itself; bounded by pruning expired entries.
  // Each request still reads the account (one primary-key lookup, not an argon2 hash): a remembered
  // check ends at once when the password changes or the user is deactivated, on every instance.
  const verified = new Map<string, { until: number; grant: OperatorGrant }>();
  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const credentials = basicCredentials(header);
    const key = header ? createHash('sha256').update(header).digest('hex') : '';
    const now = Date.now();
    const remembered = credentials ? verified.get(key) : undefined;
    if (remembered && remembered.until > now) {
      if ((await auth.currentOperatorStamp(remembered.grant.userId)) === remembered.grant.stamp) return;
      verified.delete(key);
    }
    let grant: OperatorGrant | null = null;
    if (credentials) {
      try {
        grant = await auth.verifySuperadmin(credentials.email, credentials.password, {
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
      } catch (error) {
        if (!(error instanceof TooManyAttemptsError)) throw error;
        await reply
          .code(429)
          .header('Retry-After', String(error.retryAfterSeconds))
          .send({
            statusCode: 429,
            error: 'Too Many Requests',
            message: error.message,
            requestId: String(request.id),
          });
        return reply;
      }
    }
    if (grant) {
      for (const [entry, { until }] of verified) if (until <= now) verified.delete(entry);
      verified.set(key, { until: now + VERIFIED_FOR_MS, grant });
      return;
    }
    await reply
      .code(401)
      .header('WWW-Authenticate', REALM)
      .send({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Superadmin login required',
        requestId: String(request.id),
      });
    return reply;
  };

  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', guard);
    await scope.register(serverAdapter.registerPlugin(), { prefix: basePath });
  });
}
