import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for the integration credentials (Twilio, Google, Billy, Gemini) each tenant stores
 * in the database.
 *
 * Envelope format, version 1 (all parts base64url without padding, joined by '.'):
 *
 *   v1.<iv: 12 bytes>.<tag: 16 bytes>.<ciphertext: same length as the UTF-8 plaintext>
 *
 * The cipher is AES-256-GCM with a fresh random 96-bit IV per encryption. The key id is stored beside the
 * envelope (not inside it) so rows can be found and re-encrypted after a key rotation without decrypting.
 * The associated data binds each envelope to its tenant and provider, so an envelope copied to another
 * tenant's row, or to another provider's column, fails authentication instead of being used there.
 */

/** Key ids end up in database rows and log lines, so they are restricted to a plain, unambiguous alphabet. */
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
/** Canonical, padded standard base64; the decode/re-encode round trip below rejects non-zero spare bits. */
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE_VERSION = 'v1';

export interface EncryptionKeyring {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Which tenant and integration a credential belongs to; it is authenticated but not stored in the envelope. */
export interface CredentialContext {
  tenantId: string;
  provider: string;
}

export interface EncryptedCredential {
  keyId: string;
  envelope: string;
}

export type CredentialDecryptionReason =
  'unknown-key' | 'malformed-envelope' | 'authentication-failed' | 'not-json';

/**
 * Thrown for every way a stored credential can fail to decrypt. The message names only the reason and the key
 * id, never the plaintext, the key or the envelope, because these errors end up in logs and error trackers.
 */
export class CredentialDecryptionError extends Error {
  override readonly name = 'CredentialDecryptionError';

  constructor(
    readonly reason: CredentialDecryptionReason,
    message: string,
  ) {
    super(message);
  }
}

export class CredentialCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;

  constructor(keyring: EncryptionKeyring) {
    if (keyring.keys.size === 0) throw new Error('Encryption keyring has no keys');
    const keys = new Map<string, Buffer>();
    for (const [keyId, key] of keyring.keys) {
      if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
        throw new Error(`Encryption key "${keyId}" must be exactly ${KEY_BYTES} bytes`);
      }
      // Copying keeps the cipher immune to later changes of the caller's buffers or map.
      keys.set(keyId, Buffer.from(key));
    }
    if (!keys.has(keyring.currentKeyId)) {
      throw new Error(`Current encryption key id "${keyring.currentKeyId}" is not in the keyring`);
    }
    this.keys = keys;
    this.currentKeyId = keyring.currentKeyId;
  }

  encrypt(plaintext: string, context: CredentialContext): EncryptedCredential {
    if (context.tenantId === '' || context.provider === '') {
      throw new Error('Credential context needs a non-empty tenantId and provider');
    }
    const key = this.keys.get(this.currentKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    const envelope = [ENVELOPE_VERSION, iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
    return { keyId: this.currentKeyId, envelope };
  }

  decrypt(envelope: string, keyId: string, context: CredentialContext): string {
    const key = this.keys.get(keyId);
    if (!key) throw new CredentialDecryptionError('unknown-key', `Unknown encryption key id "${keyId}"`);
    const { iv, tag, ciphertext } = parseEnvelope(envelope);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // The underlying error is deliberately dropped: a wrong key, context or tampered byte all look the same
      // to GCM, and attaching it as a cause would add nothing but noise.
      throw new CredentialDecryptionError(
        'authentication-failed',
        `Credential failed authentication with key "${keyId}" (wrong tenant/provider, key or tampered data)`,
      );
    }
  }

  encryptJson<T>(value: T, context: CredentialContext): EncryptedCredential {
    const json = JSON.stringify(value);
    // JSON.stringify returns undefined for undefined, functions and symbols, which could never be read back.
    if (typeof json !== 'string') throw new Error('Credential value is not JSON-serialisable');
    return this.encrypt(json, context);
  }

  /** The result is not validated against T; callers should check its shape (for example with zod). */
  decryptJson<T>(envelope: string, keyId: string, context: CredentialContext): T {
    const json = this.decrypt(envelope, keyId, context);
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      // JSON.parse's own message quotes part of its input, which here is the secret, so it is replaced.
      throw new CredentialDecryptionError('not-json', 'Decrypted credential is not valid JSON');
    }
    return value as T;
  }

  /** True for rows written with an older key, which a rotation job should decrypt and encrypt again. */
  needsReencryption(keyId: string): boolean {
    return keyId !== this.currentKeyId;
  }
}

/**
 * Builds the keyring from ENCRYPTION_KEY, ENCRYPTION_KEY_ID and ENCRYPTION_OLD_KEYS ("id:base64,id:base64").
 * Errors name the variable and entry but never echo anything that might be key material: ids are quoted only
 * once they are known to be valid, because a pasted key in the wrong place would otherwise land in the logs.
 */
export function parseKeyring(
  currentKeyBase64: string,
  currentKeyId: string,
  oldKeys: string,
): EncryptionKeyring {
  if (!KEY_ID_PATTERN.test(currentKeyId)) {
    throw new Error('ENCRYPTION_KEY_ID: must be non-empty and contain only letters, digits, _ and -');
  }
  const currentKey = decodeKey(currentKeyBase64);
  if (!currentKey) throw new Error(`ENCRYPTION_KEY: not base64 of ${KEY_BYTES} bytes`);

  const keys = new Map<string, Buffer>([[currentKeyId, currentKey]]);
  if (oldKeys === '') return { currentKeyId, keys };

  oldKeys.split(',').forEach((entry, index) => {
    const label = `ENCRYPTION_OLD_KEYS entry ${index + 1}`;
    const parts = entry.split(':');
    if (parts.length !== 2) throw new Error(`${label}: expected "id:base64"`);
    const [id, keyBase64] = parts as [string, string];
    if (!KEY_ID_PATTERN.test(id)) {
      throw new Error(`${label}: id must be non-empty and contain only letters, digits, _ and -`);
    }
    if (id === currentKeyId) throw new Error(`${label} ("${id}"): duplicates ENCRYPTION_KEY_ID`);
    if (keys.has(id)) throw new Error(`${label} ("${id}"): duplicate id`);
    const key = decodeKey(keyBase64);
    if (!key) throw new Error(`${label} ("${id}"): not base64 of ${KEY_BYTES} bytes`);
    keys.set(id, key);
  });
  return { currentKeyId, keys };
}

/** Returns the key only for canonical standard base64 of exactly 32 bytes; Buffer.from alone accepts junk. */
function decodeKey(base64: string): Buffer | undefined {
  if (!BASE64_PATTERN.test(base64)) return undefined;
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== base64) return undefined;
  return key;
}

/**
 * JSON of a fixed-shape array is unambiguous even when an id contains ':' or '.', unlike plain concatenation,
 * so no two different contexts can produce the same associated data.
 */
function associatedData(context: CredentialContext): Buffer {
  return Buffer.from(JSON.stringify(['renos', ENVELOPE_VERSION, context.tenantId, context.provider]), 'utf8');
}

function parseEnvelope(envelope: string): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const malformed = () =>
    new CredentialDecryptionError('malformed-envelope', 'Credential envelope is malformed');
  const parts = envelope.split('.');
  if (parts.length !== 4 || parts[0] !== ENVELOPE_VERSION) throw malformed();
  const [iv, tag, ciphertext] = parts.slice(1).map((part) => {
    // Node's base64url decoder silently skips invalid characters, so the alphabet and round trip are checked.
    if (!BASE64URL_PATTERN.test(part)) throw malformed();
    const bytes = Buffer.from(part, 'base64url');
    if (bytes.toString('base64url') !== part) throw malformed();
    return bytes;
  }) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw malformed();
  return { iv, tag, ciphertext };
}
