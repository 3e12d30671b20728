import { parseAddressHeader } from '../extraction/contacts.js';
import type { LeadExtraction } from '../extraction/lead-fields.js';
import { parseWithLayout, type Layout, type LeadEmail, type ParseOptions } from './label-parser.js';

/**
 * Leadpoint.dk sends each lead from system@leadpoint.dk: a "Lead-ID", a "Kategori: Rengøring ›
 * Flytterengøring" line, the customer's details as "Label: value" lines and a footer with Leadpoint's own
 * support line and no-reply address (never the customer's). Forwarded by a colleague, the same block
 * arrives from our own domain, so the marker in the text counts as much as the sender.
 */
export const LEADPOINT_LAYOUT: Layout = {
  name: 'leadpoint',
  source: 'leadpoint',
  labels: {
    'Kundens navn': 'customerName',
    'Opgavens adresse': 'address',
    'Beskrivelse fra kunden': 'notes',
    'Ønsket opstart': 'when',
  },
};

export function isLeadpointMail(mail: LeadEmail): boolean {
  const domain = parseAddressHeader(mail.from).email?.toLowerCase().split('@')[1] ?? '';
  if (domain === 'leadpoint.dk' || domain.endsWith('.leadpoint.dk')) return true;
  return (
    /leadpoint\.dk/i.test(mail.text) && /lead-?id|leadpoint\.dk\s*[<(]?system@leadpoint\.dk/i.test(mail.text)
  );
}

export function parseLeadpoint(mail: LeadEmail, options: ParseOptions = {}): LeadExtraction {
  return parseWithLayout(mail, LEADPOINT_LAYOUT, options);
}
