import { describe, expect, it } from 'vitest';

import { AllExceptionsFilter } from './all-exceptions.filter.js';

describe('AllExceptionsFilter', () => {
  const filter = new AllExceptionsFilter();

  it.each([
    ['a URIError from encoding a lone surrogate', new URIError('URI malformed')],
    ['a RangeError from an invalid date', new RangeError('Invalid time value')],
    ['a RangeError from a structure too deep to walk', new RangeError('Maximum call stack size exceeded')],
  ])('answers 400, not 500, to %s, without its message or stack', (_case, error) => {
    const body = filter.toEnvelope(error, 'req-1');
    expect(body.statusCode).toBe(400);
    const text = JSON.stringify(body);
    expect(text).not.toContain(error.message);
    expect(text).not.toContain('at ');
    expect(body.requestId).toBe('req-1');
  });

  it('still answers 500 to an error that says nothing about the input', () => {
    expect(filter.toEnvelope(new TypeError('x is undefined'), 'req-2')).toMatchObject({
      statusCode: 500,
      message: 'Internal server error',
    });
  });
});
