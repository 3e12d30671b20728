import { randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import {
  CredentialCipher,
  CredentialDecryptionError,
  parseKeyring,
  type CredentialContext,
  type EncryptionKeyring,
} from './credential-cipher.js';

const SECRET = 'twilio-auth-token-5f3a9c0e-very-secret';
const context: CredentialContext = { tenantId: 'tenant-a', provider: 'twilio' };

function keyring(currentKeyId: string, keys: Record<string, Buffer>): EncryptionKeyring {
  return { currentKeyId, keys: new Map(Object.entries(keys)) };
}

/** Flips one bit in the given envelope part (1 = iv, 2 = tag, 3 = ciphertext) and re-encodes it. */
function tamper(envelope: string, partIndex: 1 | 2 | 3): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[partIndex] as string, 'base64url');
  bytes[0] = (bytes[0] as number) ^ 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Replacement callback that sets the lowest (spare) bit of the matched final base64url character. */
function setSpareBit(_match: string, prefix: string, last: string): string {
  return prefix + (BASE64URL_ALPHABET[BASE64URL_ALPHABET.indexOf(last) | 1] as string);
}

/** Runs fn, asserts it throws a CredentialDecryptionError, and returns that error for further checks. */
function decryptionError(fn: () => unknown): CredentialDecryptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialDecryptionError);
    return error as CredentialDecryptionError;
  }
  throw new Error('expected a CredentialDecryptionError');
}

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const cipher = new CredentialCipher(keyring('k1', { k1 }));

describe('CredentialCipher', () => {
  it('round-trips a string and reports the current key id', () => {
    const { keyId, envelope } = cipher.encrypt(SECRET, context);
    expect(keyId).toBe('k1');
    expect(envelope).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(envelope).not.toContain(SECRET);
    expect(cipher.decrypt(envelope, keyId, context)).toBe(SECRET);
  });

  it('round-trips empty and non-ASCII plaintexts', () => {
    for (const plaintext of ['', 'Rengøring æøå 🧽']) {
      const { keyId, envelope } = cipher.encrypt(plaintext, context);
      expect(cipher.decrypt(envelope, keyId, context)).toBe(plaintext);
    }
  });

  it('round-trips JSON values', () => {
    const value = { accessToken: 'ya29.abc', refreshToken: '1//xyz', expiresAt: 1_700_000_000 };
    const { keyId, envelope } = cipher.encryptJson(value, context);
    expect(cipher.decryptJson<typeof value>(envelope, keyId, context)).toEqual(value);
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => cipher.encryptJson(undefined, context)).toThrow(/not JSON-serialisable/);
  });

  it('reports non-JSON plaintext without quoting it', () => {
    const { keyId, envelope } = cipher.encrypt(SECRET, context);
    const error = decryptionError(() => cipher.decryptJson(envelope, keyId, context));
    expect(error.reason).toBe('not-json');
    expect(error.message).not.toContain(SECRET);
  });

  it('uses a fresh IV so equal plaintexts give different envelopes', () => {
    const first = cipher.encrypt(SECRET, context).envelope;
    const second = cipher.encrypt(SECRET, context).envelope;
    expect(first).not.toBe(second);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
  });

  it("fails with another tenant's or provider's context", () => {
    const { keyId, envelope } = cipher.encrypt(SECRET, context);
    for (const other of [
      { tenantId: 'tenant-b', provider: 'twilio' },
      { tenantId: 'tenant-a', provider: 'billy' },
    ]) {
      const error = decryptionError(() => cipher.decrypt(envelope, keyId, other));
      expect(error.reason).toBe('authentication-failed');
    }
  });

  it('keeps tenant and provider apart even when they contain separators', () => {
    // With naive "tenant:provider" concatenation both contexts would give the same associated data.
    const { keyId, envelope } = cipher.encrypt(SECRET, { tenantId: 't:a', provider: 'b' });
    const error = decryptionError(() => cipher.decrypt(envelope, keyId, { tenantId: 't', provider: 'a:b' }));
    expect(error.reason).toBe('authentication-failed');
  });

  it.each([
    ['iv', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ] as const)('fails when a byte of the %s is flipped', (_name, partIndex) => {
    const { keyId, envelope } = cipher.encrypt(SECRET, context);
    const error = decryptionError(() => cipher.decrypt(tamper(envelope, partIndex), keyId, context));
    expect(error.reason).toBe('authentication-failed');
    expect(error.message).not.toContain(SECRET);
  });

  it.each([
    ['empty string', () => ''],
    ['wrong version', (envelope: string) => envelope.replace(/^v1\./, 'v2.')],
    ['missing part', (envelope: string) => envelope.split('.').slice(0, 3).join('.')],
    ['extra part', (envelope: string) => `${envelope}.AAAA`],
    ['invalid characters', (envelope: string) => `${envelope}*`],
    ['truncated tag', (envelope: string) => envelope.replace(/^(v1\.[^.]+\.)[^.]{4}/, '$1')],
    // The tag's last base64url character carries 4 spare bits; setting one leaves the decoded bytes unchanged.
    [
      'non-canonical tag',
      (envelope: string) => envelope.replace(/^(v1\.[^.]+\.[^.]{21})([^.])/, setSpareBit),
    ],
  ])('rejects a malformed envelope (%s)', (_name, mangle) => {
    const { keyId, envelope } = cipher.encrypt(SECRET, context);
    const error = decryptionError(() => cipher.decrypt(mangle(envelope), keyId, context));
    expect(error.reason).toBe('malformed-envelope');
  });

  it('fails for an unknown key id', () => {
    const { envelope } = cipher.encrypt(SECRET, context);
    const error = decryptionError(() => cipher.decrypt(envelope, 'k9', context));
    expect(error.reason).toBe('unknown-key');
    expect(error.message).toContain('k9');
  });

  it('fails when the key id names a different key than the one used', () => {
    const both = new CredentialCipher(keyring('k2', { k1, k2 }));
    const { envelope } = cipher.encrypt(SECRET, context);
    expect(decryptionError(() => both.decrypt(envelope, 'k2', context)).reason).toBe('authentication-failed');
  });

  it('keeps old keys readable after a rotation and encrypts with the new key', () => {
    const before = cipher.encrypt(SECRET, context);
    const rotated = new CredentialCipher(keyring('k2', { k2, k1 }));

    expect(rotated.decrypt(before.envelope, before.keyId, context)).toBe(SECRET);
    expect(rotated.needsReencryption(before.keyId)).toBe(true);

    const after = rotated.encrypt(SECRET, context);
    expect(after.keyId).toBe('k2');
    expect(rotated.needsReencryption(after.keyId)).toBe(false);
    expect(rotated.decrypt(after.envelope, after.keyId, context)).toBe(SECRET);
    // The previous deployment cannot read what the new key wrote.
    expect(() => cipher.decrypt(after.envelope, after.keyId, context)).toThrow(CredentialDecryptionError);
  });

  it('never puts the plaintext or key material in error messages', () => {
    const { keyId, envelope } = cipher.encrypt(SECRET, context);
    const failures = [
      () => cipher.decrypt(tamper(envelope, 3), keyId, context),
      () => cipher.decrypt(envelope, keyId, { tenantId: 'tenant-b', provider: 'twilio' }),
      () => cipher.decrypt(envelope, 'nope', context),
      () => cipher.decrypt('garbage', keyId, context),
    ];
    for (const fail of failures) {
      const { message } = decryptionError(fail);
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain(k1.toString('base64'));
      expect(message).not.toContain(k1.toString('base64url'));
      expect(message).not.toContain(envelope);
    }
  });

  it('validates the keyring in the constructor', () => {
    expect(() => new CredentialCipher(keyring('k1', { k1: randomBytes(31) }))).toThrow(
      /"k1" must be exactly 32 bytes/,
    );
    expect(() => new CredentialCipher(keyring('k2', { k1 }))).toThrow(/"k2" is not in the keyring/);
    expect(() => new CredentialCipher(keyring('k1', {}))).toThrow(/no keys/);
  });

  it('is not affected by later changes to the keyring buffers', () => {
    const key = Buffer.from(k1);
    const own = new CredentialCipher(keyring('k1', { k1: key }));
    const { envelope } = own.encrypt(SECRET, context);
    key.fill(0);
    expect(own.decrypt(envelope, 'k1', context)).toBe(SECRET);
  });
});

describe('parseKeyring', () => {
  const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
  const current = b64(32);

  it('parses the current key alone', () => {
    const ring = parseKeyring(current, 'k2', '');
    expect(ring.currentKeyId).toBe('k2');
    expect([...ring.keys.keys()]).toEqual(['k2']);
    expect(ring.keys.get('k2')?.toString('base64')).toBe(current);
  });

  it('parses old keys into a keyring the cipher accepts', () => {
    const old1 = b64(32);
    const old0 = b64(32);
    const ring = parseKeyring(current, 'k2', `k1:${old1},k_0-a:${old0}`);
    expect([...ring.keys.keys()]).toEqual(['k2', 'k1', 'k_0-a']);
    expect(ring.keys.get('k1')?.toString('base64')).toBe(old1);
    expect(new CredentialCipher(ring).needsReencryption('k1')).toBe(true);
  });

  it.each([31, 33, 16, 0])('rejects a current key of %i bytes', (bytes) => {
    expect(() => parseKeyring(b64(bytes), 'k1', '')).toThrow('ENCRYPTION_KEY: not base64 of 32 bytes');
  });

  it.each([
    // 0xfb bytes encode to "+/v7..." in standard base64, so the URL-safe form really differs.
    ['the base64url alphabet', `${Buffer.alloc(32, 0xfb).toString('base64url')}=`],
    ['missing padding', current.slice(0, -1)],
    ['extra padding', `${current}=`],
    ['surrounding whitespace', ` ${current}`],
    ['a trailing newline', `${current}\n`],
    // "A".repeat(43) + "=" is 32 zero bytes; "B" sets spare bits Buffer.from ignores, so only the round trip notices.
    ['non-zero spare bits', `${'A'.repeat(42)}B=`],
    ['no base64 at all', 'this is definitely not a key!!!!!!!!!!!!!!!'],
  ])('rejects a current key with %s', (_name, value) => {
    expect(() => parseKeyring(value, 'k1', '')).toThrow('ENCRYPTION_KEY: not base64 of 32 bytes');
  });

  it.each(['', 'k 1', 'k:1', 'k.1', 'ключ'])('rejects the current key id %j', (id) => {
    expect(() => parseKeyring(current, id, '')).toThrow(/^ENCRYPTION_KEY_ID: must be non-empty/);
  });

  it('names the old-key entry whose key is wrong without echoing the key', () => {
    const short = b64(31);
    const long = b64(33);
    expect(() => parseKeyring(current, 'k2', `k1:${b64(32)},k0:${short}`)).toThrow(
      'ENCRYPTION_OLD_KEYS entry 2 ("k0"): not base64 of 32 bytes',
    );
    expect(() => parseKeyring(current, 'k2', `k0:${long}`)).toThrow(
      'ENCRYPTION_OLD_KEYS entry 1 ("k0"): not base64 of 32 bytes',
    );
    expect(() => parseKeyring(current, 'k2', 'k0:%%%%')).toThrow(
      'ENCRYPTION_OLD_KEYS entry 1 ("k0"): not base64 of 32 bytes',
    );
    try {
      parseKeyring(current, 'k2', `k0:${short}`);
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });

  it.each([
    ['missing separator', (key: string) => key, 'ENCRYPTION_OLD_KEYS entry 1: expected "id:base64"'],
    [
      'too many separators',
      (key: string) => `a:b:${key}`,
      'ENCRYPTION_OLD_KEYS entry 1: expected "id:base64"',
    ],
    ['empty entry', (key: string) => `k1:${key},`, 'ENCRYPTION_OLD_KEYS entry 2: expected "id:base64"'],
    ['empty id', (key: string) => `:${key}`, 'ENCRYPTION_OLD_KEYS entry 1: id must be non-empty'],
    ['bad id characters', (key: string) => `k/1:${key}`, 'ENCRYPTION_OLD_KEYS entry 1: id must be non-empty'],
    ['space after comma', (key: string) => `k1:${key}, k0:${key}`, 'ENCRYPTION_OLD_KEYS entry 2: id must be'],
  ])('rejects an old-keys list with %s', (_name, build, message) => {
    const key = b64(32);
    let thrown: unknown;
    try {
      parseKeyring(current, 'k2', build(key));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toContain(message);
    // An entry that fails before its id is validated may be a pasted key, so nothing of it is echoed.
    expect((thrown as Error).message).not.toContain(key);
  });

  it('rejects duplicate ids', () => {
    expect(() => parseKeyring(current, 'k2', `k1:${b64(32)},k1:${b64(32)}`)).toThrow(
      'ENCRYPTION_OLD_KEYS entry 2 ("k1"): duplicate id',
    );
    expect(() => parseKeyring(current, 'k2', `k2:${b64(32)}`)).toThrow(
      'ENCRYPTION_OLD_KEYS entry 1 ("k2"): duplicates ENCRYPTION_KEY_ID',
    );
  });
});
