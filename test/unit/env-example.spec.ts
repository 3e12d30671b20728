import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { environmentSchema } from '../../src/core/config/config.schema.js';

describe('.env.example', () => {
  it('documents exactly the variables the app reads', () => {
    const documented = [...readFileSync('.env.example', 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map(
      (m) => m[1],
    );
    expect(new Set(documented)).toEqual(new Set(Object.keys(environmentSchema.shape)));
  });
});
