import { isEmail } from 'class-validator';

import { fieldRule } from './rule.js';

/**
 * A UTF-16 surrogate that is not part of a pair. JSON can carry one (`"\ud800"`), no UTF-8 text can,
 * and library code that encodes text (validator's isEmail calls encodeURI) throws URIError on it.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/** Any surrogate half: a cheap first look (no Unicode mode), as almost all text has none. */
const SURROGATE_HALF = /[\ud800-\udfff]/;

/** True for text that is well-formed UTF-16 and holds no NUL (which PostgreSQL cannot store). */
export function isStorableText(value: string): boolean {
  if (value.includes('\u0000')) return false;
  return !SURROGATE_HALF.test(value) || !LONE_SURROGATE.test(value);
}

/** The longest address SMTP allows (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * An e-mail address. The text is checked first, so a lone surrogate is an invalid address (400
 * naming the field) rather than a URIError thrown from inside isEmail.
 */
export function isEmailAddress(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length <= MAX_EMAIL_LENGTH && isStorableText(value) && isEmail(value)
  );
}

export const IsEmailAddress = fieldRule(
  'isEmailAddress',
  isEmailAddress,
  '$property must be an e-mail address',
);
