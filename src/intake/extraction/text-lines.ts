import { PORTAL_CONTACTS, type OwnContacts } from './contacts.js';

/** A line of the mail with its position, so a quote can always be cut verbatim from the text. */
export interface TextLine {
  index: number;
  text: string;
  start: number;
  end: number;
}

export function splitLines(text: string): TextLine[] {
  const raw = text.split('\n');
  const lines = new Array<TextLine>(raw.length);
  let start = 0;
  for (let index = 0; index < raw.length; index += 1) {
    const part = raw[index]!;
    const line = part.charCodeAt(part.length - 1) === 13 ? part.slice(0, -1) : part;
    lines[index] = { index, text: line, start, end: start + line.length };
    start += part.length + 1;
  }
  return lines;
}

// Tried on short lines only: on "--" and a long run of blanks, `--\s*[,.!]?\s*$` is quadratic.
const SIGN_OFF =
  /^\s*(?:--\s*|(?:med )?venlig(?:st)? hilsen|(?:med )?vennlig hilsen|venligst|mvh\.?|de bedste hilsner|bedste hilsner|hilsen|best regards|kind regards|regards)[,.!]?\s*$/i;
/** The longest sign-off is "Med venligst hilsen,". */
const MAX_SIGN_OFF = 40;
const isSignOff = (text: string) => {
  const trimmed = text.trim();
  return trimmed.length <= MAX_SIGN_OFF && SIGN_OFF.test(trimmed);
};
const FORWARD_MARKER =
  /(?:videresendt (?:besked|meddelelse|melding)|forwarded message|oprindelig (?:meddelelse|besked)|original message|opprinnelig melding)/i;
// Case-sensitive on purpose: "AS" and "ApS" are company forms, "as" is an English word.
const COMPANY_FORM = /\b(?:CVR|ApS|A\/S|I\/S|IVS|AS|Org\.?\s*nr)\b/;
const COMPANY_HINT = /www\.|https?:\/\/|kundeservice|customer service|du modtager denne|afmeld|unsubscribe/i;

function mentionsDomain(text: string, domains: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return domains.some((domain) => lower.includes(domain.toLowerCase()));
}

/**
 * Lines that belong to a company's signature or a portal's footer: blocks (runs of non-blank lines)
 * after a sign-off ("Med venlig hilsen", "--") that name a company (CVR, ApS, a web address, a portal or
 * our own domain). Their phone numbers and e-mail addresses are the business's, never the customer's —
 * the classic mistake is texting the offer to our own number found in a forwarded mail's signature.
 * A plain personal sign-off ("Venlig hilsen / Mette / 22 33 44 55") stays: that is the customer.
 */
export function companyLines(lines: readonly TextLine[], own: OwnContacts = {}): Set<number> {
  const domains = [...PORTAL_CONTACTS.domains, ...(own.domains ?? [])];
  const excluded = new Set<number>();
  let inSignature = false;
  let block: TextLine[] = [];
  const closeBlock = () => {
    const isCompany = block.some(
      (line) =>
        COMPANY_FORM.test(line.text) || COMPANY_HINT.test(line.text) || mentionsDomain(line.text, domains),
    );
    if (inSignature && isCompany) for (const line of block) excluded.add(line.index);
    block = [];
  };
  for (const line of lines) {
    // A blank line ends a block (and is no marker or sign-off): the common case, decided first.
    if (line.text.trim() === '') {
      closeBlock();
      continue;
    }
    if (FORWARD_MARKER.test(line.text)) {
      closeBlock();
      inSignature = false;
      continue;
    }
    if (isSignOff(line.text)) {
      // A sign-off opens a signature that runs until a forwarded message starts; the sign-off line
      // itself belongs to the block that follows it.
      closeBlock();
      inSignature = true;
      block.push(line);
      continue;
    }
    block.push(line);
    // A portal's footer line is boilerplate wherever it stands.
    if (
      mentionsDomain(line.text, PORTAL_CONTACTS.domains) &&
      (COMPANY_FORM.test(line.text) || COMPANY_HINT.test(line.text))
    )
      excluded.add(line.index);
  }
  closeBlock();
  return excluded;
}

/** A mail's lines and which of them are company lines (`companyLines`). */
export interface ReadLines {
  lines: TextLine[];
  skip: ReadonlySet<number>;
}

let lastRead: { text: string; own: OwnContacts; read: ReadLines } | null = null;

/**
 * `splitLines` and `companyLines` of a text. The label reader and the phone finder both need them for
 * the same mail, one right after the other: the last answer is kept, so a mail of 100 000 short lines
 * is split once, not twice. Callers must not change what they get.
 */
export function readLines(text: string, own: OwnContacts = {}): ReadLines {
  if (lastRead && lastRead.text === text && lastRead.own === own) return lastRead.read;
  const lines = splitLines(text);
  const read = { lines, skip: companyLines(lines, own) };
  lastRead = { text, own, read };
  return read;
}

const BLANK_LINES = /\n(?:[ \t\r]*\n){3,}/g;

/**
 * The text with every run of more than two blank lines cut to two. No reader tells two blank lines
 * from more (a label's value may stand after one), and a mail of 100 000 empty lines is then a mail of
 * a few lines instead of 100 000 to look at.
 */
export function collapseBlankLines(text: string): string {
  return text.replace(BLANK_LINES, '\n\n\n');
}

/** Whitespace-normalised, case-insensitive form used to check that a quote is really in the mail. */
export function normalizeForQuote(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
}
