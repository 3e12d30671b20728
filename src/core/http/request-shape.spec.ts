import { describe, expect, it } from 'vitest';

import { findUnstorableText, jsonNestsDeeperThan } from './request-shape.js';

const json = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonNestsDeeperThan', () => {
  it('counts objects and arrays alike, up to the limit inclusive', () => {
    expect(jsonNestsDeeperThan(json(nested(32)), 32)).toBe(false);
    expect(jsonNestsDeeperThan(json(nested(33)), 32)).toBe(true);
    expect(jsonNestsDeeperThan(json(`${'{"a":'.repeat(33)}1${'}'.repeat(33)}`), 32)).toBe(true);
    expect(jsonNestsDeeperThan(json('{"a":[1,{"b":[]}],"c":{}}'), 2)).toBe(true);
    expect(jsonNestsDeeperThan(json('{"a":[1,{"b":2}],"c":{}}'), 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(json(`{"a":"${'['.repeat(100)}"}`), 2)).toBe(false);
    expect(jsonNestsDeeperThan(json(`{"a":"\\"${'{'.repeat(100)}"}`), 2)).toBe(false);
    expect(jsonNestsDeeperThan(json(`{"a\\\\":[[[[1]]]]}`), 2)).toBe(true);
  });

  it('reads multi-byte UTF-8 text without miscounting', () => {
    expect(jsonNestsDeeperThan(json('{"navn":"Søren Ærø 😀 [[[["}'), 1)).toBe(false);
  });

  it('walks a body of a million levels without recursion', () => {
    expect(jsonNestsDeeperThan(json(nested(1_000_000)), 32)).toBe(true);
  });
});

describe('findUnstorableText', () => {
  it('names the field of a lone surrogate or a NUL, in values and keys', () => {
    expect(findUnstorableText({ email: 'a\ud800@b.dk' })).toEqual({ field: 'email', reason: 'surrogate' });
    expect(findUnstorableText({ lines: [{ name: 'ok' }, { name: 'x\u0000' }] })).toEqual({
      field: 'lines.1.name',
      reason: 'nul',
    });
    expect(findUnstorableText({ ['k\udc00']: 1 })).toEqual({ field: 'k\udc00', reason: 'surrogate' });
  });

  it('lets well-formed text through, surrogate pairs (emoji) included', () => {
    expect(findUnstorableText({ note: 'Rengøring 😀', n: 3, list: ['æøå', null] })).toBeUndefined();
    expect(findUnstorableText(undefined)).toBeUndefined();
  });
});
