import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

import { fieldRule } from '../validation/rule.js';

/**
 * A phone number as E.164 (`+4522334455`), read as Danish unless it carries a country code; `null`
 * when it is not a valid number. Danish customers write "22 33 44 55", "+45 2233 4455" or "0045…".
 */
export function normalizePhone(input: string | null | undefined): string | null {
  if (!input) return null;
  const cleaned = input.trim().replace(/^00/, '+');
  const phone = parsePhoneNumberFromString(cleaned, 'DK');
  return phone?.isValid() ? phone.number : null;
}

/** Validates that a string is a phone number `normalizePhone` accepts. */
export const IsPhone = fieldRule(
  'isPhone',
  (value) => typeof value === 'string' && normalizePhone(value) !== null,
  '$property must be a valid phone number (Danish unless +country code)',
);
