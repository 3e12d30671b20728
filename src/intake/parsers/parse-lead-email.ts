import { decodeHeader } from '../extraction/mail-text.js';
import type { LeadExtraction } from '../extraction/lead-fields.js';
import { collapseBlankLines } from '../extraction/text-lines.js';
import { validateExtraction, type ValidationOptions } from '../extraction/validate.js';
import { isBookingFormMail, parseBookingForm } from './booking-form.parser.js';
import { parseGeneric } from './generic.parser.js';
import { leadEmailText, type LeadEmail, type ParseOptions } from './label-parser.js';
import { isLeadmailMail, parseLeadmail } from './leadmail.parser.js';
import { isLeadpointMail, parseLeadpoint } from './leadpoint.parser.js';

export type LayoutName = 'leadpoint' | 'leadmail' | 'booking_form' | 'generic';

/**
 * Which layout a mail is in: the portal's sender domain or its marker in the text (a forwarded portal
 * mail comes from a colleague but still reads as the portal's), then the booking form's marker, else
 * the generic "Label: value" reader.
 */
export function detectLayout(mail: LeadEmail): LayoutName {
  if (isLeadpointMail(mail)) return 'leadpoint';
  if (isLeadmailMail(mail)) return 'leadmail';
  if (isBookingFormMail(mail)) return 'booking_form';
  return 'generic';
}

/**
 * Headers may still be RFC 2047 encoded when they come straight from Gmail; long runs of blank lines
 * are cut short (see `collapseBlankLines`).
 */
export function decoded(mail: LeadEmail): LeadEmail {
  return {
    from: decodeHeader(mail.from),
    subject: decodeHeader(mail.subject),
    text: collapseBlankLines(mail.text),
  };
}

/** Parses a lead mail with the parser for its layout. The result is unvalidated: see `extractWithParsers`. */
export function parseLeadEmail(mail: LeadEmail, options: ParseOptions = {}): LeadExtraction {
  const input = decoded(mail);
  switch (detectLayout(input)) {
    case 'leadpoint':
      return parseLeadpoint(input, options);
    case 'leadmail':
      return parseLeadmail(input, options);
    case 'booking_form':
      return parseBookingForm(input, options);
    case 'generic':
      return parseGeneric(input, options);
  }
}

/**
 * Parse and validate in one step: what the import uses when the AI is not configured, times out or
 * answers nonsense, and what it cross-checks the AI against.
 */
export function extractWithParsers(
  mail: LeadEmail,
  options: Omit<ValidationOptions, 'text'> = {},
): LeadExtraction {
  const input = decoded(mail);
  return validateExtraction(parseLeadEmail(input, { own: options.own }), {
    ...options,
    text: leadEmailText(input),
  });
}
