import { parseAddressHeader } from '../extraction/contacts.js';
import type { LeadExtraction } from '../extraction/lead-fields.js';
import { parseWithLayout, type Layout, type LeadEmail, type ParseOptions } from './label-parser.js';

/**
 * Leadmail.no (kontakt@leadmail.no) forwards requests in Norwegian or Danish depending on the customer's
 * market: "Oppdrag: Flyttevask", "E-post", "Postnummer/Poststed", "Melding". Its footer carries
 * Leadmail's Norwegian support number, which must never be taken for the customer's.
 */
export const LEADMAIL_LAYOUT: Layout = {
  name: 'leadmail',
  source: 'leadmail',
  labels: {
    'Kundens navn': 'customerName',
    'Type tjeneste': 'serviceType',
    'Størrelse på bolig': 'squareMetres',
    'Melding fra kunden': 'notes',
    'Ønsket dato for oppdraget': 'when',
  },
};

export function isLeadmailMail(mail: LeadEmail): boolean {
  const domain = parseAddressHeader(mail.from).email?.toLowerCase().split('@')[1] ?? '';
  if (domain === 'leadmail.no' || domain.endsWith('.leadmail.no')) return true;
  return /leadmail\.no/i.test(mail.text) && /kontakt@leadmail\.no|via leadmail/i.test(mail.text);
}

export function parseLeadmail(mail: LeadEmail, options: ParseOptions = {}): LeadExtraction {
  return parseWithLayout(mail, LEADMAIL_LAYOUT, options);
}
