import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The `state` of the Google consent round trip: which tenant and admin started it, a nonce naming the
 * server-side record (PKCE verifier, single use) and when it expires, signed with a key derived from the
 * app's JWT secret. It travels through the browser and Google, so it holds nothing secret; the
 * signature makes it impossible to point a consent at another tenant.
 */
export interface ConsentState {
  tenantId: string;
  userId: string;
  nonce: string;
  /** Seconds since the epoch, by the app's clock. */
  expiresAt: number;
}

const VERSION = 'v1';

/** A key for this one purpose, so a state can never be mistaken for a token signed with the JWT secret. */
export function stateKey(jwtSecret: string): Buffer {
  return createHmac('sha256', jwtSecret).update('renos:google-consent-state').digest();
}

export function signState(state: ConsentState, key: Buffer): string {
  const payload = Buffer.from(
    JSON.stringify({ t: state.tenantId, u: state.userId, n: state.nonce, e: state.expiresAt }),
  ).toString('base64url');
  const signature = createHmac('sha256', key).update(`${VERSION}.${payload}`).digest('base64url');
  return `${VERSION}.${payload}.${signature}`;
}

/** The state, or null when it is malformed or its signature does not hold (expiry is the caller's). */
export function verifyState(value: string, key: Buffer): ConsentState | null {
  const parts = value.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  const [, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', key).update(`${VERSION}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { t, u, n, e } = parsed;
    if (typeof t !== 'string' || typeof u !== 'string' || typeof n !== 'string' || typeof e !== 'number')
      return null;
    return { tenantId: t, userId: u, nonce: n, expiresAt: e };
  } catch {
    return null;
  }
}

/** A PKCE pair (RFC 7636, S256): the verifier stays on the server, the challenge goes to Google. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}
