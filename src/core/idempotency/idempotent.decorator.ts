import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

import { IDEMPOTENCY_HEADER, IdempotencyInterceptor } from './idempotency.interceptor.js';

export const IDEMPOTENT = 'renos:idempotent';

/**
 * Marks a POST that creates something: a client may send `Idempotency-Key`, and a retry with the same
 * key and body gets the first response again (`Idempotent-Replayed: true`) instead of a second row.
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: false,
      description:
        'Up to 255 printable ASCII characters, unique per request you mean (a UUID). A retry with the same ' +
        'key and body within 24 hours replays the first 2xx response with `Idempotent-Replayed: true`; ' +
        'the same key with another body answers 422; while the first is still running, 409. A failed ' +
        'attempt (4xx or 5xx) keeps nothing: retrying with the key runs the request again.',
    }),
  );
}
