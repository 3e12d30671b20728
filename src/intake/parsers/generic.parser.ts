import type { LeadExtraction } from '../extraction/lead-fields.js';
import { parseWithLayout, type Layout, type LeadEmail, type ParseOptions } from './label-parser.js';

/**
 * Any other mail: a customer writing directly, or a layout we have no parser for. Most still list
 * "Navn: …, Telefon: …" somewhere; what is not labelled is guessed from the sender and the prose, at
 * lower confidence, so an unlabelled lead usually ends up with a human.
 */
export const GENERIC_LAYOUT: Layout = { name: 'generic', source: 'email', freeTextPriority: true };

export function parseGeneric(mail: LeadEmail, options: ParseOptions = {}): LeadExtraction {
  return parseWithLayout(mail, GENERIC_LAYOUT, options);
}
