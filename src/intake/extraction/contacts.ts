import { normalizePhone } from '../../core/phone/phone.js';

/**
 * Contact details that are never the customer's: the lead portals' own addresses and phone numbers
 * (they sit in every portal mail's header and footer) and the tenant's own (its signature in a forwarded
 * mail, its booking form's sender). Replying or texting to one of them would send the offer to the
 * portal or to ourselves, so every extractor's result is checked against this list.
 */
export interface OwnContacts {
  /** Whole addresses, e.g. `info@rendetalje.dk`. */
  emails?: readonly string[];
  /** Domains whose every address is ours, e.g. `rendetalje.dk`. */
  domains?: readonly string[];
  /** Phone numbers in any form `normalizePhone` reads. */
  phones?: readonly string[];
}

/** The portals' published contact details (support lines, no-reply senders). */
export const PORTAL_CONTACTS = {
  domains: ['leadpoint.dk', 'leadmail.no'],
  emails: ['noreply@leadpoint.dk', 'system@leadpoint.dk', 'kontakt@leadmail.no', 'noreply@leadmail.no'],
  phones: ['+4570204545', '+4721098800'],
} as const;

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** True when the address belongs to a portal or to the tenant. */
export function isNonCustomerEmail(email: string, own: OwnContacts = {}): boolean {
  const address = email.trim().toLowerCase();
  const domain = emailDomain(address);
  const domains = [...PORTAL_CONTACTS.domains, ...(own.domains ?? [])].map((d) => d.toLowerCase());
  const emails = [...PORTAL_CONTACTS.emails, ...(own.emails ?? [])].map((e) => e.toLowerCase());
  return emails.includes(address) || domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/** True when the (E.164) number is a portal's or the tenant's. */
export function isNonCustomerPhone(e164: string, own: OwnContacts = {}): boolean {
  const known = [...PORTAL_CONTACTS.phones, ...(own.phones ?? []).map((p) => normalizePhone(p))];
  return known.includes(e164);
}

/**
 * Splits `Mette Holm <mette@example.dk>` into its display name and address. A header that is not
 * `name <address>` gives the first bare address in it (`mette@example.dk (Mette)`). Read by hand in
 * one pass: a From header is the sender's to write, and the patterns this replaces,
 * `^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$` and `([^\s<>"]+@[^\s<>"]+\.[A-Za-z]{2,})`, took
 * seconds on a header of many "@" or one long word.
 */
export function parseAddressHeader(from: string): { name: string | null; email: string | null } {
  const angle = angleAddress(from);
  if (angle) return angle;
  return { name: null, email: firstBareAddress(from) };
}

const isBlank = (char: string) => char.trim() === '';

/** `name <address>`, optionally quoted, with nothing after the `>`. */
function angleAddress(header: string): { name: string | null; email: string } | null {
  const text = header.trim();
  const open = text.indexOf('<');
  if (open === -1 || !text.endsWith('>')) return null;
  const email = text.slice(open + 1, -1);
  const at = email.indexOf('@', 1);
  if (at === -1 || at > email.length - 2 || /[<>\s]/.test(email)) return null;
  let name = text.slice(0, open).trimEnd();
  if (name.endsWith('"')) name = name.slice(0, -1);
  if (name.startsWith('"')) name = name.slice(1);
  if (name.includes('"')) return null;
  return { name: name.trim() || null, email };
}

/**
 * The first `local@domain.tld` in a header: within one word (between blanks, `<`, `>` and `"`), from
 * its start to the end of the last top-level domain of two letters or more after its last usable `@`.
 */
function firstBareAddress(header: string): string | null {
  let start = 0;
  for (let i = 0; i <= header.length; i += 1) {
    const char = header[i];
    if (char !== undefined && !isBlank(char) && char !== '<' && char !== '>' && char !== '"') continue;
    if (i > start) {
      const address = addressInWord(header.slice(start, i));
      if (address) return address;
    }
    start = i + 1;
  }
  return null;
}

function addressInWord(word: string): string | null {
  // The last dot followed by two letters, and where the letters after it end.
  let dot = -1;
  let end = -1;
  for (let i = word.length - 1; i >= 0; i -= 1) {
    if (word[i] === '.' && /^[A-Za-z]{2}$/.test(word.slice(i + 1, i + 3))) {
      dot = i;
      end = i + 3;
      while (end < word.length && /^[A-Za-z]$/.test(word[end]!)) end += 1;
      break;
    }
  }
  if (dot === -1) return null;
  // The last "@" with something before it and something between it and that dot.
  const at = word.lastIndexOf('@', dot - 2);
  return at >= 1 ? word.slice(0, end) : null;
}
