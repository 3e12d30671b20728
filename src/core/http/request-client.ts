import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who is calling, as the session and the audit log record it. */
export interface RequestClientInfo {
  ip: string;
  userAgent?: string;
}

/**
 * The caller's address (as TRUST_PROXY resolves it) and the user agent it names. A decorator of its
 * own rather than `@Headers('user-agent')`, which OpenAPI would list as a required header.
 */
export const RequestClient = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestClientInfo => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const userAgent = request.headers['user-agent'];
    return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined };
  },
);
