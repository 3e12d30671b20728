/**
 * A Pub/Sub push body for a Gmail watch (docs/architecture.md, step 1): `message.data` is base64 of
 * `{"emailAddress","historyId"}`. Pub/Sub writes standard base64; url-safe and unpadded forms are
 * accepted too. Pure: the webhook decides what a malformed push means.
 */
export interface GmailPush {
  messageId: string;
  emailAddress: string;
  historyId: string;
}

export type PushParse = { ok: true; push: GmailPush } | { ok: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** Control characters (NUL first of all) never belong in an id or an address, and PostgreSQL refuses NUL. */
const hasControl = (value: string): boolean => [...value].some((char) => char < ' ' || char === '\u007f');

export function parseGmailPush(body: unknown): PushParse {
  if (!isRecord(body) || !isRecord(body.message)) return { ok: false, reason: 'body has no message' };
  const { message } = body;
  const messageId = message.messageId ?? message.message_id;
  if (
    typeof messageId !== 'string' ||
    messageId.length === 0 ||
    messageId.length > 200 ||
    hasControl(messageId)
  )
    return { ok: false, reason: 'message.messageId missing or malformed' };
  if (typeof message.data !== 'string' || !BASE64.test(message.data))
    return { ok: false, reason: 'message.data is not base64' };
  let decoded: unknown;
  try {
    // Node's base64 decoder reads both alphabets, padded or not.
    decoded = JSON.parse(
      Buffer.from(message.data.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'),
    );
  } catch {
    return { ok: false, reason: 'message.data is not JSON' };
  }
  if (!isRecord(decoded)) return { ok: false, reason: 'message.data is not an object' };
  const { emailAddress, historyId } = decoded;
  if (
    typeof emailAddress !== 'string' ||
    !emailAddress.includes('@') ||
    emailAddress.length > 320 ||
    hasControl(emailAddress)
  )
    return { ok: false, reason: 'emailAddress missing or malformed' };
  const history = typeof historyId === 'number' ? String(historyId) : historyId;
  if (typeof history !== 'string' || !/^\d{1,20}$/.test(history))
    return { ok: false, reason: 'historyId missing' };
  return {
    ok: true,
    push: { messageId, emailAddress: emailAddress.trim().toLowerCase(), historyId: history },
  };
}
