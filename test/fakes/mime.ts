import { randomBytes } from 'node:crypto';

/**
 * Minimal MIME (RFC 822/2045/2046/2047) building and parsing for the Gmail fake: the payload tree of
 * `users.messages.get` (format=full), its raw RFC 822 form, and parsing what `users.messages.send`
 * receives. Not a general-purpose library.
 */

export interface MimeHeader {
  name: string;
  value: string;
}

export interface MimeNode {
  mimeType: string;
  headers: MimeHeader[];
  /** Decoded content of a leaf part. */
  body?: Buffer;
  filename?: string;
  parts?: MimeNode[];
  boundary?: string;
}

/** What a test hands in for a raw part: `{ mimeType: 'text/plain', body: '…' }`, nestable. */
export interface MimePartInput {
  mimeType: string;
  body?: string | Buffer;
  charset?: string;
  filename?: string;
  headers?: Record<string, string>;
  parts?: MimePartInput[];
}

export function leaf(
  mimeType: string,
  content: string | Buffer,
  extra: Partial<MimePartInput> = {},
): MimeNode {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const isText = mimeType.startsWith('text/');
  const contentType = extra.filename
    ? `${mimeType}; name="${extra.filename}"`
    : isText
      ? `${mimeType}; charset="${extra.charset ?? 'UTF-8'}"`
      : mimeType;
  const headers: MimeHeader[] = [
    { name: 'Content-Type', value: contentType },
    { name: 'Content-Transfer-Encoding', value: 'base64' },
  ];
  if (extra.filename) {
    headers.push({ name: 'Content-Disposition', value: `attachment; filename="${extra.filename}"` });
  }
  for (const [name, value] of Object.entries(extra.headers ?? {})) headers.push({ name, value });
  return { mimeType, headers, body, filename: extra.filename };
}

export function multipart(subtype: string, parts: MimeNode[]): MimeNode {
  const boundary = `000000000000${randomBytes(10).toString('hex')}`;
  return {
    mimeType: `multipart/${subtype}`,
    headers: [{ name: 'Content-Type', value: `multipart/${subtype}; boundary="${boundary}"` }],
    parts,
    boundary,
  };
}

export function fromInput(input: MimePartInput): MimeNode {
  if (input.parts && input.parts.length > 0) {
    const node = multipart(input.mimeType.replace(/^multipart\//, ''), input.parts.map(fromInput));
    for (const [name, value] of Object.entries(input.headers ?? {})) node.headers.push({ name, value });
    return node;
  }
  return leaf(input.mimeType, input.body ?? '', input);
}

/** RFC 2047 B-encoding for header values that are not plain ASCII. */
export function encodeHeaderValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** Serializes a node (with its headers) to RFC 822 text, bodies base64-encoded. */
export function serialize(node: MimeNode, extraTopHeaders: MimeHeader[] = []): string {
  const lines: string[] = [];
  for (const header of [...extraTopHeaders, ...node.headers]) {
    lines.push(`${header.name}: ${encodeHeaderValue(header.value)}`);
  }
  const head = lines.join('\r\n');
  if (node.parts) {
    const boundary = node.boundary ?? 'boundary';
    const inner = node.parts.map((part) => `--${boundary}\r\n${serialize(part)}\r\n`).join('');
    return `${head}\r\n\r\n${inner}--${boundary}--\r\n`;
  }
  const encoded = (node.body ?? Buffer.alloc(0)).toString('base64').replace(/.{1,76}/g, '$&\r\n');
  return `${head}\r\n\r\n${encoded}`;
}

// ---------------------------------------------------------------- parsing

export interface ParsedPart {
  mimeType: string;
  headers: MimeHeader[];
  charset?: string;
  filename?: string;
  content: Buffer;
  text?: string;
}

export interface ParsedMessage {
  /** Header values with RFC 2047 encoded-words decoded. */
  headers: MimeHeader[];
  header(name: string): string | undefined;
  mimeType: string;
  /** Concatenated text/plain parts (not attachments), decoded to a string. */
  text?: string;
  html?: string;
  leaves: ParsedPart[];
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

export function decodeHeaderValue(raw: string): string {
  // Raw 8-bit header bytes (RFC 6532) arrive as latin1 code units: reinterpret them as UTF-8.
  // eslint-disable-next-line no-control-regex
  const value = /[^\x00-\x7f]/.test(raw) ? Buffer.from(raw, 'latin1').toString('utf8') : raw;
  // Whitespace between adjacent encoded words is not part of the text (RFC 2047 §6.2).
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  return joined.replace(ENCODED_WORD, (_match, charset: string, encoding: string, text: string) => {
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          );
    return decodeCharset(bytes, charset);
  });
}

function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder((charset ?? 'utf-8').toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function parseParams(value: string): { type: string; params: Record<string, string> } {
  const [type, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    let val = piece.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1);
    params[key] = val;
  }
  return { type: type.trim().toLowerCase(), params };
}

function splitHeadBody(raw: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { head: raw, body: '' };
  return { head: raw.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

function parseHeaderBlock(head: string): MimeHeader[] {
  const headers: MimeHeader[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1].value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

function find(headers: MimeHeader[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

function decodeTransfer(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return Buffer.from(
        body
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      );
    default:
      return Buffer.from(body, 'latin1');
  }
}

function collectLeaves(raw: string, out: ParsedPart[]): MimeHeader[] {
  const { head, body } = splitHeadBody(raw);
  const rawHeaders = parseHeaderBlock(head);
  const headers = rawHeaders.map((h) => ({ name: h.name, value: decodeHeaderValue(h.value) }));
  const { type, params } = parseParams(find(rawHeaders, 'Content-Type') ?? 'text/plain; charset=us-ascii');
  if (type.startsWith('multipart/') && params.boundary) {
    const delimiter = `--${params.boundary}`;
    const sections = body.split(delimiter);
    // sections[0] is the preamble; a section starting with "--" is the close delimiter.
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      collectLeaves(section.replace(/^\r?\n/, '').replace(/\r?\n$/, ''), out);
    }
    return headers;
  }
  const content = decodeTransfer(body, find(rawHeaders, 'Content-Transfer-Encoding'));
  const disposition = parseParams(find(rawHeaders, 'Content-Disposition') ?? '');
  const filename = disposition.params.filename ?? params.name;
  const part: ParsedPart = { mimeType: type, headers, charset: params.charset, filename, content };
  if (type.startsWith('text/')) part.text = decodeCharset(content, params.charset);
  out.push(part);
  return headers;
}

/** Parses an RFC 822 message (as bytes or a string). */
export function parseMessage(raw: Buffer | string): ParsedMessage {
  const text = typeof raw === 'string' ? Buffer.from(raw, 'utf8').toString('latin1') : raw.toString('latin1');
  const leaves: ParsedPart[] = [];
  const headers = collectLeaves(text, leaves);
  const { type } = parseParams(find(headers, 'Content-Type') ?? 'text/plain');
  const body = (mime: string): string | undefined => {
    const found = leaves.filter((p) => p.mimeType === mime && !p.filename && p.text !== undefined);
    return found.length > 0 ? found.map((p) => p.text).join('\n') : undefined;
  };
  return {
    headers,
    header: (name) => find(headers, name),
    mimeType: type,
    text: body('text/plain'),
    html: body('text/html'),
    leaves,
  };
}
