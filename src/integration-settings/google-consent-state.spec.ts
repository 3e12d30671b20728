import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';

import { pkcePair, signState, stateKey, verifyState } from './google-consent-state.js';

const KEY = stateKey('a-jwt-secret-of-at-least-thirty-two-bytes');
const STATE = {
  tenantId: '0190a000-0000-7000-8000-00000000000a',
  userId: '0190a000-0000-7000-8000-0000000000ff',
  nonce: 'nonce-1',
  expiresAt: 1_900_000_000,
};

describe('the consent state', () => {
  it('reads back what was signed', () => {
    expect(verifyState(signState(STATE, KEY), KEY)).toEqual(STATE);
  });

  it('refuses another key, a changed payload, a cut signature and garbage', () => {
    const signed = signState(STATE, KEY);
    expect(verifyState(signed, stateKey('another-jwt-secret-of-thirty-two-bytes!'))).toBeNull();
    const [version, , signature] = signed.split('.');
    const changed = Buffer.from(JSON.stringify({ t: 'other', u: STATE.userId, n: 'nonce-1', e: 1 })).toString(
      'base64url',
    );
    expect(verifyState(`${version}.${changed}.${signature}`, KEY)).toBeNull();
    expect(verifyState(signed.slice(0, -2), KEY)).toBeNull();
    expect(verifyState('v1.e30.', KEY)).toBeNull();
    expect(verifyState('not a state', KEY)).toBeNull();
  });

  it('is not a token signed with the JWT secret itself', () => {
    expect(KEY.equals(Buffer.from('a-jwt-secret-of-at-least-thirty-two-bytes'))).toBe(false);
  });
});

describe('PKCE', () => {
  it('makes a fresh verifier each time, and its S256 challenge', () => {
    const first = pkcePair();
    expect(first.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(first.challenge).toBe(createHash('sha256').update(first.verifier).digest('base64url'));
    expect(pkcePair().verifier).not.toBe(first.verifier);
  });
});
