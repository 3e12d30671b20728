import { normalizePhone } from '../../../core/phone/phone.js';

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

/** Splits `Mette Holm <mette@example.dk>` into its display name and address. */
export function parseAddressHeader(from: string): { name: string | null; email: string | null } {
  const angle = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from);
  if (angle) return { name: angle[1]?.trim() || null, email: angle[2] ?? null };
  const bare = /([^\s<>"]+@[^\s<>"]+\.[A-Za-z]{2,})/.exec(from);
  return { name: null, email: bare?.[1] ?? null };
}
