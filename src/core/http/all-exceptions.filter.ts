import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { reportError } from '../logging/error-reporter.js';
import { mapDatabaseError } from './database-errors.js';
import { DomainError, ERROR_STATUS, wireCode } from './domain-error.js';
import { codeForStatus, reasonPhrase, type ErrorEnvelope } from './error-envelope.js';
import { mapInputError } from './input-errors.js';

/** Fastify's own errors (body too large, bad JSON, wrong content type) carry a 4xx statusCode. */
interface FastifyError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** Fastify's refusals that deserve a code of their own beside their status's. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
};

const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body is empty but the content type is JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'Request body is not valid JSON',
};

/**
 * The one place an error becomes an HTTP answer, in one envelope (docs/architecture.md, Wire conventions):
 * `{ statusCode, code, error, message, details?, requestId }`. Domain codes and database refusals map to
 * their 4xx; anything else is a 500 whose body says nothing about the internals (the log and Sentry
 * have the stack, found by the request id).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toEnvelope(exception, String(request.id));

    if (body.statusCode >= 500) {
      this.logger.error({ message: 'Unhandled error', requestId: body.requestId, error: exception });
      reportError(exception, { tags: { requestId: body.requestId } });
    } else if (mapInputError(exception)) {
      // Answered as the sender's 400, but logged: validation should have named the field.
      this.logger.warn({
        message: 'Input refused by the runtime',
        requestId: body.requestId,
        error: exception,
      });
    }
    const retryAfter = (exception as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (body.statusCode === 429 && retryAfter) void reply.header('Retry-After', String(retryAfter));
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  toEnvelope(exception: unknown, requestId: string): ErrorEnvelope {
    const domain =
      exception instanceof DomainError
        ? exception
        : (mapDatabaseError(exception) ?? mapInputError(exception));
    if (domain) {
      const statusCode = ERROR_STATUS[domain.code];
      return envelope(statusCode, domain.message, requestId, domain.details, wireCode(domain));
    }
    // Nest hands Fastify's own refusals on wrapped in an HttpException, the original as its cause.
    const fastify = (exception instanceof HttpException ? exception.cause : exception) as FastifyError;
    if (typeof fastify?.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
      const message = (fastify.code && FASTIFY_MESSAGES[fastify.code]) ?? fastify.message ?? 'Bad request';
      return envelope(
        fastify.statusCode,
        message,
        requestId,
        undefined,
        fastify.code && FASTIFY_CODES[fastify.code],
      );
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : ((response as { message?: unknown }).message ?? exception.message);
      // Nest's own validation answers carry a list of messages; keep them as details.
      if (Array.isArray(message)) return envelope(statusCode, message.join('; '), requestId, message);
      return envelope(statusCode, String(message), requestId);
    }
    return envelope(500, 'Internal server error', requestId);
  }
}

function envelope(
  statusCode: number,
  message: string,
  requestId: string,
  details?: unknown,
  code = codeForStatus(statusCode),
): ErrorEnvelope {
  const body: ErrorEnvelope = { statusCode, code, error: reasonPhrase(statusCode), message, requestId };
  if (details !== undefined) body.details = details;
  return body;
}
