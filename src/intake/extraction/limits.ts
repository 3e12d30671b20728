/**
 * How much untrusted text the intake reads, in one place. Every reader runs on the event loop, so what
 * it may be handed is bounded and each reader is linear in it (see linear-scan.ts): a hostile mail or
 * paste costs milliseconds, never a frozen server. The README's "Input limits" section lists the same
 * numbers for users, with the SMS reply's limit (`MAX_SMS_REPLY_CHARS`, beside the reply parser).
 */

/**
 * The text of `POST /ai/extract` and `POST /leads/intake` (longer is a 400 naming `text`), and the plain
 * text of a Gmail message the extractors read (longer is cut, with a warning on the lead). A lead mail
 * is a few kB; a long customer thread fits many times.
 */
export const MAX_MAIL_TEXT_CHARS = 100_000;

/** The decoded bytes of a Gmail message's text parts read in all; what lies beyond is left out. */
export const MAX_RAW_BODY_BYTES = 1_000_000;

/**
 * HTML handed to html-to-text. Portal mails with inline styles run to 30–60 kB; the rest of a longer
 * one is cut before conversion.
 */
export const MAX_HTML_CHARS = 100_000;

/**
 * html-to-text's own guards: how deep it descends (Outlook's nested layout tables reach about 30) and
 * how many children of one element, rows of one table or cells of one row it reads.
 */
export const HTML_TO_TEXT_LIMITS = { maxDepth: 100, maxChildNodes: 1_000, ellipsis: ' …' } as const;

/** MIME parts nested deeper than this (a mail inside a mail inside a mail…) are not read. */
export const MAX_MIME_DEPTH = 20;

/** A From or Subject header is read only this far; a real one is well under 1000 characters. */
export const MAX_HEADER_CHARS = 2_000;

/**
 * Phone-like numbers looked at in one mail (labelled ones first). Each is checked with libphonenumber,
 * which costs a few microseconds; a real lead mail has fewer than ten.
 */
export const MAX_PHONE_CANDIDATES = 25;

/** A labelled value longer than this is no name, address or postal code (notes may be longer). */
export const MAX_FIELD_VALUE_CHARS = 500;

/** The longest local part of an e-mail address (RFC 5321); the whole address: MAX_EMAIL_LENGTH. */
export const MAX_EMAIL_LOCAL_CHARS = 64;
