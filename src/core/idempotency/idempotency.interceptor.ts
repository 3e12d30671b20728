import { createHash } from 'node:crypto';

import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defer, from, lastValueFrom, type Observable } from 'rxjs';

import { DomainError } from '../http/domain-error.js';
import { Clock } from '../time/clock.js';
import { IdempotencyRepository } from './idempotency.repository.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** How long a stored response is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/**
 * A claim still in_flight after this long was left by a process that died mid-request (a request's
 * transaction times out after 15 s): a retry may take it over rather than get 409 for a day.
 */
const ABANDONED_AFTER_MS = 60_000;
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/** The part of the authenticated caller a key belongs to (the guard sets `request.principal`). */
interface Caller {
  userId: string;
}

/**
 * Runs a request once per Idempotency-Key (per tenant and user). The key is claimed with one INSERT …
 * ON CONFLICT before the handler runs, so of two concurrent requests exactly one runs. Only a 2xx
 * response is kept: a failed attempt changed nothing (its transaction rolled back), so the claim is
 * released and the retry runs the request again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly clock: Clock,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Caller }>();
    const raw = request.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    if (raw === undefined) return next.handle();
    const key = Array.isArray(raw) ? raw.join(',') : raw;
    if (!VALID_KEY.test(key) || key.trim() === '') {
      throw new DomainError(
        'validation_failed',
        `${IDEMPOTENCY_HEADER} must be 1 to 255 printable ASCII characters`,
        [{ field: IDEMPOTENCY_HEADER, message: 'must be 1 to 255 printable ASCII characters' }],
      );
    }
    const principal = request.principal;
    // Routes marked @Idempotent() are authenticated; without a principal there is no one to key by.
    if (!principal) return next.handle();
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    const reply = http.getResponse<FastifyReply>();
    return defer(() => from(this.run(key, principal, request, reply, status, next)));
  }

  private async run(
    key: string,
    principal: Caller,
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    next: CallHandler,
  ): Promise<unknown> {
    const requestHash = createHash('sha256')
      .update(JSON.stringify([request.method, request.url, request.body ?? null]))
      .digest('hex');
    const now = this.clock.now();
    const outcome = await this.keys.claim({
      userId: principal.userId,
      key,
      requestHash,
      now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      abandonedBefore: new Date(now.getTime() - ABANDONED_AFTER_MS),
    });
    if ('held' in outcome) {
      const held = outcome.held;
      if (held.requestHash !== requestHash) {
        throw new DomainError(
          'unprocessable',
          `${IDEMPOTENCY_HEADER} was already used for a different request; send a new key`,
          [{ field: IDEMPOTENCY_HEADER, message: 'already used for a different request' }],
        );
      }
      if (held.state === 'in_flight') {
        throw new DomainError(
          'conflict',
          `A request with this ${IDEMPOTENCY_HEADER} is still running; retry once it has answered`,
          [{ field: IDEMPOTENCY_HEADER, message: 'a request with this key is still running' }],
        );
      }
      void reply.status(held.status ?? status).header(REPLAYED_HEADER, 'true');
      return held.body;
    }

    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      await this.keys.release(outcome.claimed);
      throw error;
    }
    // Stored as the client will see it (JSON), so a replay is byte for byte the same data.
    const stored = body === undefined ? null : (JSON.parse(JSON.stringify(body)) as unknown);
    await this.keys.complete(outcome.claimed, status, stored);
    return body;
  }
}
