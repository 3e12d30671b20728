import { describe, expect, it } from 'vitest';

import { phoneDigits } from './customers.repository.js';

describe('phoneDigits (search terms that look like phone numbers)', () => {
  it.each([
    ['22 33 44 55', '22334455'],
    ['+45 2233', '452233'],
    ['0045 22 33 44 55', '4522334455'],
    // Regression: a fragment starting with 00 (from 26 00 12 34) was turned into "+1234" and missed.
    ['00 12 34', '001234'],
    ['(26) 00-12', '260012'],
  ])('reads %s as the digits %s', (search, digits) => {
    expect(phoneDigits(search)).toBe(digits);
  });

  it.each(['Vejle', 'kunde12@example.dk', '2'])('leaves %s to the text search', (search) => {
    expect(phoneDigits(search)).toBeNull();
  });
});
