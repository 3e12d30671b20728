import { describe, expect, it } from 'vitest';

import { toGeminiError } from './gemini/gemini.client.js';
import { IntegrationError, isIntegrationError } from './integration-error.js';

const error = (init: Partial<ConstructorParameters<typeof IntegrationError>[0]>) =>
  new IntegrationError({ provider: 'Billy', kind: 'retry', message: 'x', ...init });

describe('IntegrationError', () => {
  it('is retryable for passing trouble only', () => {
    expect(error({ kind: 'retry' }).retryable).toBe(true);
    for (const kind of [
      'give_up',
      'needs_attention',
      'not_found',
      'conflict',
      'opted_out',
      'not_configured',
    ] as const)
      expect(error({ kind }).retryable).toBe(false);
  });

  it('reads passing trouble from the status unless the adapter says how it reads', () => {
    expect(error({ httpStatus: null }).trouble).toBe('unreachable');
    expect(error({ httpStatus: 408 }).trouble).toBe('unreachable');
    expect(error({ httpStatus: 429, retryAfterSeconds: 3 })).toMatchObject({
      trouble: 'rate_limited',
      retryAfterSeconds: 3,
    });
    expect(error({ httpStatus: 403 }).trouble).toBe('rate_limited');
    expect(error({ httpStatus: 502 }).trouble).toBe('unavailable');
    expect(error({ httpStatus: null, trouble: 'unavailable' }).trouble).toBe('unavailable');
    // Detail of one kind does not leak into another.
    expect(error({ kind: 'give_up', httpStatus: 400, trouble: 'unavailable' }).trouble).toBeNull();
    expect(error({ kind: 'give_up', accessDenied: true, gone: true })).toMatchObject({
      accessDenied: false,
      gone: false,
    });
  });

  it('is told apart by provider', () => {
    const billy = error({});
    expect(isIntegrationError(billy)).toBe(true);
    expect(isIntegrationError(billy, 'Billy')).toBe(true);
    expect(isIntegrationError(billy, 'Gmail', 'Google')).toBe(false);
    expect(isIntegrationError(new Error('x'), 'Billy')).toBe(false);
  });
});

describe('Gemini failures', () => {
  it.each([
    [new Error('fetch failed'), 'retry'],
    [Object.assign(new Error('quota'), { status: 429 }), 'retry'],
    [Object.assign(new Error('internal'), { status: 500 }), 'retry'],
    // Gemini answers a dead key with 400 API_KEY_INVALID: only an admin can fix that.
    [
      Object.assign(new Error('API key not valid. Please pass a valid API key.'), { status: 400 }),
      'needs_attention',
    ],
    [Object.assign(new Error('{"reason":"API_KEY_INVALID"}'), { status: 400 }), 'needs_attention'],
    [Object.assign(new Error('Invalid JSON payload received.'), { status: 400 }), 'give_up'],
    [Object.assign(new Error('permission denied'), { status: 403 }), 'needs_attention'],
  ] as const)('%s → %s', (cause, kind) => {
    const mapped = toGeminiError(cause);
    expect(mapped).toMatchObject({ provider: 'Gemini', kind });
    expect(mapped.message).toBe(`Gemini call failed: ${cause.message}`);
  });
});
