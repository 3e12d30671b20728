import { describe, expect, it } from 'vitest';

import { extractWithParsers } from '../../src/intake/parsers/parse-lead-email.js';
import { DEFAULT_EXTRACTION_RULES } from '../../src/tenants/tenant-defaults.js';

/**
 * A company's lead keeps the company (issue 15, step 6): its name and CVR number are read from a
 * portal's labels or from the signature of a customer writing to us directly, checked (eight digits),
 * and never taken from a portal's own footer.
 */

const OWN = { domains: ['rendetalje.dk'] };
const extract = (from: string, text: string) =>
  extractWithParsers({ from, subject: 'Rengøring', text }, { rules: DEFAULT_EXTRACTION_RULES, own: OWN });

describe('company name and CVR', () => {
  it('reads them from a portal’s labels, the CVR without its spaces', () => {
    const result = extract(
      'Leadpoint.dk <system@leadpoint.dk>',
      [
        'Kategori: Rengøring › Erhvervsrengøring',
        'Navn: Hanne Larsen',
        'Firma: Fynsk Revision ApS',
        'CVR-nr.: 12 34 56 78',
        'Telefon: 28 14 55 90',
        'Adresse: Vestergade 12, 5000 Odense C',
      ].join('\n'),
    );
    expect(result.companyName).toMatchObject({ value: 'Fynsk Revision ApS' });
    expect(result.cvr).toMatchObject({ value: '12345678', quote: '12 34 56 78' });
    // The CVR is no phone number.
    expect(result.customerPhone?.value).toBe('+4528145590');
  });

  it('reads them from the signature of a customer who writes directly', () => {
    const result = extract(
      'Hanne Larsen <hanne@fynskrevision.dk>',
      [
        'Hej',
        '',
        'Vi vil gerne have et tilbud på ugentlig rengøring af vores kontor på Vestergade 12, 5000 Odense C.',
        'Ring gerne på 28 14 55 90.',
        '',
        'Med venlig hilsen',
        'Hanne Larsen',
        'Fynsk Revision ApS',
        'CVR 87654321',
      ].join('\n'),
    );
    expect(result.companyName).toMatchObject({ value: 'Fynsk Revision ApS' });
    expect(result.cvr).toMatchObject({ value: '87654321' });
  });

  it("takes no company from a portal's footer, and drops a CVR that is not eight digits", () => {
    const footer = extract(
      'Leadpoint.dk <system@leadpoint.dk>',
      [
        'Navn: Mette Holm',
        'Telefon: 28 14 55 90',
        '',
        '--',
        'Leadpoint ApS',
        'CVR 11223344 · www.leadpoint.dk',
      ].join('\n'),
    );
    expect(footer.companyName).toBeNull();
    expect(footer.cvr).toBeNull();

    const short = extract('Leadpoint.dk <system@leadpoint.dk>', ['Navn: Mette Holm', 'CVR: 1234567'].join('\n'));
    expect(short.cvr).toBeNull();
  });
});
