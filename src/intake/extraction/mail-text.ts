import { compile, type DomNode, type FormatCallback } from 'html-to-text';

import {
  HTML_TO_TEXT_LIMITS,
  MAX_HTML_CHARS,
  MAX_MAIL_TEXT_CHARS,
  MAX_MIME_DEPTH,
  MAX_RAW_BODY_BYTES,
} from './limits.js';

/**
 * Turning a Gmail message into the plain text the extractors read. Gmail's `users.messages.get`
 * (format=full) hands us a MIME tree whose bodies are base64url of the raw bytes, already freed of
 * their transfer encoding, in whatever charset the sender chose: Danish portals still send ISO-8859-1,
 * and some systems quoted-printable-encode twice, so "=C3=A6" or "=E6" is left in the text. Each of these
 * must come out as "æ", or quotes, names and addresses break.
 */

/** The part of Gmail's `Schema$MessagePart` we read (its fields are optional and nullable there). */
export interface MimePart {
  mimeType?: string | null;
  filename?: string | null;
  headers?: ReadonlyArray<{ name?: string | null; value?: string | null }> | null;
  body?: { data?: string | null; size?: number | null; attachmentId?: string | null } | null;
  parts?: readonly MimePart[] | null;
}

export function headerValue(part: MimePart, name: string): string | null {
  const lower = name.toLowerCase();
  return part.headers?.find((header) => header.name?.toLowerCase() === lower)?.value ?? null;
}

/** The charset parameter of a Content-Type header, e.g. `iso-8859-1`; utf-8 when there is none. */
export function charsetOf(contentType: string | null): string {
  const match = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match ? match[1]!.toLowerCase() : 'utf-8';
}

/**
 * Bytes to text in the given charset. ISO-8859-1 is read as windows-1252 (as browsers do: senders who
 * say latin-1 often mean it and use its € and quotes); an unknown label falls back to UTF-8, and bytes
 * that are not valid UTF-8 are read as windows-1252 rather than turned into "�".
 */
export function decodeBytes(bytes: Uint8Array, charset: string): string {
  const label = charset.toLowerCase();
  if (label === 'utf-8' || label === 'utf8' || label === 'us-ascii' || label === 'ascii') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return new TextDecoder('windows-1252').decode(bytes);
    }
  }
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return decodeBytes(bytes, 'utf-8');
  }
}

function base64UrlToBytes(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

const QP_ESCAPE = /=[0-9A-F]{2}/g;

/**
 * Whether text still carries quoted-printable: soft line breaks, or escapes of bytes that are not plain
 * ASCII letters (=C3=A6, =E6, =3D, =20). A lone "=AB" in prose is not enough to rewrite the text.
 */
export function looksQuotedPrintable(text: string): boolean {
  if (/=\r?\n/.test(text) && QP_ESCAPE.test(text)) return true;
  QP_ESCAPE.lastIndex = 0;
  const escapes = text.match(QP_ESCAPE) ?? [];
  return escapes.some((escape) => {
    const byte = parseInt(escape.slice(1), 16);
    return byte >= 0x80 || byte === 0x3d || byte === 0x20 || byte === 0x09;
  });
}

const UTF8 = new TextEncoder();

/** Decodes quoted-printable text (soft breaks, =XX escapes) into bytes and then into text in `charset`. */
export function decodeQuotedPrintable(text: string, charset = 'utf-8'): string {
  const unfolded = text.replace(/=\r?\n/g, '');
  // UTF-8 takes at most three bytes for one UTF-16 unit; an escape takes three units for one byte.
  const bytes = new Uint8Array(unfolded.length * 3);
  let length = 0;
  let plainFrom = 0;
  // Characters that are already decoded (a Danish letter next to a leftover escape) keep their bytes.
  const copyPlain = (to: number) => {
    if (to > plainFrom)
      length += UTF8.encodeInto(unfolded.slice(plainFrom, to), bytes.subarray(length)).written;
  };
  for (let i = unfolded.indexOf('='); i !== -1; i = unfolded.indexOf('=', i + 1)) {
    const hex = unfolded.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) continue;
    copyPlain(i);
    bytes[length++] = parseInt(hex, 16);
    plainFrom = i + 3;
    i += 2;
  }
  copyPlain(unfolded.length);
  return decodeBytes(bytes.subarray(0, length), charset);
}

/** Three blanks between cells: the label reader takes a gap that wide for "label   value". */
const CELL_GAP = '   ';

/**
 * A table as text, row by row: each row's cells on one line with a gap between them, and the further
 * lines of multi-line cells after it. html-to-text's own `dataTable` lines cells up in columns, which
 * costs the square of the rows or columns (a row of 20 000 cells took seconds) and trusts `colspan`
 * and `rowspan` (a cell spanning a billion columns); this reads each cell once and ignores spans.
 */
const flatTable: FormatCallback = (table, walk, builder) => {
  const rows: DomNode[] = [];
  // thead/tbody/tfoot are looked into, not nested ones without end: a hostile mail nests thousands.
  const collect = (parent: DomNode, depth: number) => {
    for (const child of parent.children ?? []) {
      if (child.type !== 'tag') continue;
      if (child.name === 'tr') rows.push(child);
      else if (depth < 3 && ['thead', 'tbody', 'tfoot'].includes(child.name ?? '')) collect(child, depth + 1);
    }
  };
  collect(table, 0);
  builder.openTable();
  for (const row of rows.slice(0, HTML_TO_TEXT_LIMITS.maxChildNodes)) {
    builder.openTableRow();
    const cells = row.children.filter((c) => c.type === 'tag' && (c.name === 'td' || c.name === 'th'));
    for (const cell of cells.slice(0, HTML_TO_TEXT_LIMITS.maxChildNodes)) {
      builder.openTableCell();
      walk(cell.children, builder);
      builder.closeTableCell();
    }
    builder.closeTableRow();
  }
  builder.closeTable({
    tableToString: (table) => {
      const lines: string[] = [];
      for (const row of table) {
        let open = row.map((cell) => cell.text.split('\n'));
        // Line by line across the row, dropping cells that have no more lines: each line read once.
        for (let line = 0; open.length > 0; line += 1) {
          lines.push(
            open
              .map((cellLines) => cellLines[line]!)
              .filter((text) => text.trim() !== '')
              .join(CELL_GAP),
          );
          open = open.filter((cellLines) => cellLines.length > line + 1);
        }
      }
      return lines.join('\n');
    },
  });
};

/**
 * html-to-text compiled once with our options. Its limits keep a hostile mail cheap: elements nested
 * deeper than `maxDepth` (10 000 nested <div>s) and children beyond `maxChildNodes` of one element
 * become an ellipsis.
 */
const HTML_TO_TEXT = compile({
  wordwrap: false,
  limits: { ...HTML_TO_TEXT_LIMITS, maxInputLength: MAX_HTML_CHARS },
  formatters: { flatTable },
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'head', format: 'skip' },
    { selector: 'table', format: 'flatTable' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
  ],
});

/** HTML as readable text: line breaks kept, no images, links as their text only, tables as rows. */
export function htmlToText(html: string): string {
  return HTML_TO_TEXT(html.slice(0, MAX_HTML_CHARS))
    .replace(/\u00a0/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function isAttachment(part: MimePart): boolean {
  const disposition = headerValue(part, 'Content-Disposition') ?? '';
  return Boolean(part.filename) || /^\s*attachment/i.test(disposition);
}

function mime(part: MimePart): string {
  return (part.mimeType ?? 'text/plain').toLowerCase();
}

/** The mail's body as the extractors read it, and what had to be left out to read it safely. */
export interface MailBody {
  text: string;
  /** Shown with the lead's extraction, e.g. that the text was cut at the limit. */
  warnings: string[];
}

const thousands = (n: number) => n.toLocaleString('en-GB');

/**
 * Reads a message's MIME tree within the limits (limits.ts): at most `MAX_RAW_BODY_BYTES` of decoded
 * text parts in all, `MAX_HTML_CHARS` of one HTML part, parts nested up to `MAX_MIME_DEPTH`, and
 * `MAX_MAIL_TEXT_CHARS` of text in the end. What is cut is said in `warnings`; the lead is still made.
 */
class BodyReader {
  readonly warnings = new Set<string>();
  private budget = MAX_RAW_BODY_BYTES;
  private readonly decoded = new Map<MimePart, string>();

  /**
   * The decoded text of a leaf part, at most `limit` characters and one more (to tell it was longer);
   * each part is decoded (and counted) once.
   */
  partText(part: MimePart, limit = MAX_MAIL_TEXT_CHARS): string {
    const known = this.decoded.get(part);
    if (known !== undefined) return known;
    let data = part.body?.data ?? '';
    // Four base64 characters carry three bytes.
    const allowed = Math.floor(this.budget / 3) * 4;
    if (data.length > allowed) {
      data = data.slice(0, allowed);
      this.warnings.add(
        `body: the e-mail is larger than ${thousands(MAX_RAW_BODY_BYTES)} bytes; only the first ${thousands(MAX_RAW_BODY_BYTES)} were read`,
      );
    }
    let text = '';
    if (data) {
      const bytes = base64UrlToBytes(data);
      this.budget -= bytes.length;
      const charset = charsetOf(headerValue(part, 'Content-Type'));
      text = decodeBytes(bytes, charset);
      // Leftover quoted-printable shrinks text to no less than a third: three times the limit is
      // enough to fill it, and no more is decoded.
      text = text.slice(0, 3 * limit);
      if (looksQuotedPrintable(text)) text = decodeQuotedPrintable(text, charset);
      text = text.replace(/\r\n?/g, '\n').slice(0, limit + 1);
    }
    this.decoded.set(part, text);
    return text;
  }

  html(part: MimePart): string {
    const html = this.partText(part, MAX_HTML_CHARS);
    if (html.length > MAX_HTML_CHARS)
      this.warnings.add(
        `body: the e-mail's HTML is longer than ${thousands(MAX_HTML_CHARS)} characters; the rest was not read`,
      );
    return htmlToText(html);
  }

  /** The readable text of one part, or `null` when it has none (an attachment, an image). */
  textOf(part: MimePart, depth = 0): string | null {
    if (depth > MAX_MIME_DEPTH) {
      this.warnings.add(`body: parts nested deeper than ${MAX_MIME_DEPTH} levels were not read`);
      return null;
    }
    const type = mime(part);
    if (isAttachment(part) && !type.startsWith('multipart/')) return null;
    if (type === 'text/plain') return this.partText(part);
    if (type === 'text/html') return this.html(part);
    if (type === 'multipart/alternative') {
      const children = part.parts ?? [];
      // The plain alternative is what the sender wrote for text readers; HTML only when there is none.
      const plain = children.find(
        (child) => mime(child) === 'text/plain' && this.partText(child).trim() !== '',
      );
      if (plain) return this.partText(plain);
      for (const child of [...children].reverse()) {
        const text = this.textOf(child, depth + 1);
        if (text && text.trim() !== '') return text;
      }
      return null;
    }
    if (type.startsWith('multipart/') || type === 'message/rfc822') {
      const texts: string[] = [];
      let length = 0;
      // Parts after the text is long enough are not read: they would be cut off anyway.
      for (const child of part.parts ?? []) {
        if (length > MAX_MAIL_TEXT_CHARS) break;
        const text = this.textOf(child, depth + 1);
        if (text && text.trim() !== '') {
          texts.push(text);
          length += text.length + 2;
        }
      }
      return texts.length > 0 ? texts.join('\n\n') : null;
    }
    return null;
  }
}

/** The message's readable body as plain text, Danish letters intact, within the limits. */
export function readMailBody(payload: MimePart): MailBody {
  const reader = new BodyReader();
  let text = (reader.textOf(payload) ?? '').trim();
  if (text.length > MAX_MAIL_TEXT_CHARS) {
    text = text.slice(0, MAX_MAIL_TEXT_CHARS).trimEnd();
    reader.warnings.add(
      `body: the e-mail's text is longer than ${thousands(MAX_MAIL_TEXT_CHARS)} characters; the rest was not read`,
    );
  }
  return { text, warnings: [...reader.warnings] };
}

/** The message's readable body as plain text, Danish letters intact; '' when it has none. */
export function mailToText(payload: MimePart): string {
  return readMailBody(payload).text;
}

/**
 * Decodes RFC 2047 encoded-words in a header (`=?UTF-8?B?…?=`, `=?ISO-8859-1?Q?…?=`). Adjacent words
 * are joined without the whitespace between them, and their bytes are decoded together, because a
 * sender may split one UTF-8 character across two words.
 */
export function decodeHeader(value: string): string {
  const ENCODED_WORD = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  let output = '';
  let last = 0;
  let pending: { charset: string; bytes: number[] } | null = null;
  const flush = () => {
    if (pending) output += decodeBytes(new Uint8Array(pending.bytes), pending.charset);
    pending = null;
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, match.index);
    if (!(pending && /^\s*$/.test(between))) {
      flush();
      output += between;
    }
    const charset = match[1]!.toLowerCase().split('*')[0]!;
    const bytes =
      match[2]!.toUpperCase() === 'B' ? [...Buffer.from(match[3]!, 'base64')] : qEncodedBytes(match[3]!);
    const current = pending as { charset: string; bytes: number[] } | null;
    // Byte by byte: spreading a long word's bytes into push() overflows the call stack.
    if (current && current.charset === charset) for (const byte of bytes) current.bytes.push(byte);
    else {
      flush();
      pending = { charset, bytes };
    }
    last = match.index + match[0].length;
  }
  flush();
  return output + value.slice(last);
}

function qEncodedBytes(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === '_') bytes.push(0x20);
    else if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else for (const byte of UTF8.encode(char)) bytes.push(byte);
  }
  return bytes;
}
