import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeHeader, mailToText, type MimePart } from '../../src/intake/extraction/mail-text.js';
import {
  emptyExtraction,
  LEAD_FIELD_NAMES,
  type LeadExtraction,
  type LeadFieldName,
} from '../../src/intake/extraction/lead-fields.js';
import { estimateHours, needsAttention, validateExtraction } from '../../src/intake/extraction/validate.js';
import { detectLayout, extractWithParsers } from '../../src/intake/parsers/parse-lead-email.js';
import { DEFAULT_EXTRACTION_RULES } from '../../src/tenants/tenant-defaults.js';

/**
 * Every fixture under test/fixtures/lead-emails goes through the parsers and validation as the import
 * job runs them. `expected` lists field values (null = must be empty); `notes` is checked as a substring,
 * `warnings` as substrings that must each appear in some warning.
 */
interface Fixture {
  from: string;
  subject: string;
  text?: string;
  payload?: MimePart;
  expected: Partial<Record<LeadFieldName, string | number | null>> & {
    needsAttention: boolean;
    source?: string;
    warnings?: string[];
  };
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'lead-emails');
const fixtures = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    name: file.replace(/\.json$/, ''),
    ...(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture),
  }));

const OWN = { domains: ['rendetalje.dk'] };
// Notes are compared as a substring below, not field by field.
const FIELDS = LEAD_FIELD_NAMES.filter((field) => field !== 'notes');

function run(fixture: Fixture): LeadExtraction {
  const text = fixture.payload ? mailToText(fixture.payload) : (fixture.text ?? '');
  return extractWithParsers(
    { from: fixture.from, subject: fixture.subject, text },
    { rules: DEFAULT_EXTRACTION_RULES, own: OWN },
  );
}

describe('lead e-mail fixtures', () => {
  it('has at least 20 fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  describe.each(fixtures)('$name', (fixture) => {
    const result = run(fixture);

    it.each(FIELDS.filter((field) => field in fixture.expected))('extracts %s', (field) => {
      expect(result[field]?.value ?? null).toEqual(fixture.expected[field]);
    });

    it('reads notes, source, warnings and attention as expected', () => {
      if (typeof fixture.expected.notes === 'string')
        expect(result.notes?.value).toContain(fixture.expected.notes);
      if (fixture.expected.source) expect(result.source).toBe(fixture.expected.source);
      for (const warning of fixture.expected.warnings ?? []) {
        expect(
          result.warnings.some((w) => w.includes(warning)),
          `warning "${warning}" in ${JSON.stringify(result.warnings)}`,
        ).toBe(true);
      }
      expect(needsAttention(result, DEFAULT_EXTRACTION_RULES.minimumConfidence).needsAttention).toBe(
        fixture.expected.needsAttention,
      );
    });

    it('quotes only text that is in the e-mail and keeps confidences in 0–1', () => {
      for (const field of FIELDS) {
        const value = result[field];
        if (!value) continue;
        expect(value.confidence).toBeGreaterThanOrEqual(0);
        expect(value.confidence).toBeLessThanOrEqual(1);
      }
      // Nothing a portal or we publish is ever taken for the customer's.
      expect(result.customerPhone?.value).not.toBe('+4570204545');
      expect(result.customerPhone?.value).not.toBe('+4522650226');
      expect(result.customerEmail?.value ?? '').not.toMatch(/@(leadpoint\.dk|leadmail\.no|rendetalje\.dk)$/);
    });
  });
});

describe('detectLayout', () => {
  it('reads a forwarded portal mail as the portal layout', () => {
    const mail = {
      from: 'Jonas <jonas@rendetalje.dk>',
      subject: 'Fwd: lead',
      text: 'Lead-ID: LP-1\nLeadpoint.dk',
    };
    expect(detectLayout(mail)).toBe('leadpoint');
    expect(detectLayout({ from: 'x@leadmail.no', subject: '', text: '' })).toBe('leadmail');
    expect(detectLayout({ from: 'a@b.dk', subject: 'Ny booking fra hjemmesiden', text: '' })).toBe(
      'booking_form',
    );
    expect(detectLayout({ from: 'a@b.dk', subject: 'Hej', text: 'Navn: A' })).toBe('generic');
  });
});

describe('decodeHeader', () => {
  it('decodes B and Q encoded-words and joins adjacent ones', () => {
    expect(decodeHeader('=?UTF-8?B?Rmx5dHRlcmVuZ8O4cmluZw==?=')).toBe('Flytterengøring');
    expect(decodeHeader('=?ISO-8859-1?Q?S=F8ren_Bl=E6hr?= <s@b.dk>')).toBe('Søren Blæhr <s@b.dk>');
    // One UTF-8 "ø" split across two words must still come out whole.
    expect(decodeHeader('=?UTF-8?Q?K=C3?= =?UTF-8?Q?=B8benhavn?=')).toBe('København');
    expect(decodeHeader('Nyt lead: =?utf-8?q?Hovedreng=C3=B8ring?= i Aarhus')).toBe(
      'Nyt lead: Hovedrengøring i Aarhus',
    );
    expect(decodeHeader('Plain subject')).toBe('Plain subject');
  });
});

describe('mailToText', () => {
  const b64 = (text: string, encoding: BufferEncoding = 'utf8') =>
    Buffer.from(text, encoding).toString('base64url');
  const part = (mimeType: string, data: string, charset = 'utf-8'): MimePart => ({
    mimeType,
    headers: [{ name: 'Content-Type', value: `${mimeType}; charset=${charset}` }],
    body: { data, size: data.length },
  });

  it('prefers text/plain in multipart/alternative', () => {
    const payload: MimePart = {
      mimeType: 'multipart/alternative',
      parts: [part('text/html', b64('<p>HTML</p>')), part('text/plain', b64('Plain æøå'))],
    };
    expect(mailToText(payload)).toBe('Plain æøå');
  });

  it('turns HTML into text with line breaks, without image or link URLs', () => {
    const html =
      '<p>Navn: Åse<br>Tlf: 22 33 44 55</p><img src="https://x/y.png"><a href="https://evil.example/">Se mere</a>';
    const text = mailToText(part('text/html', b64(html)));
    expect(text).toContain('Navn: Åse\nTlf: 22 33 44 55');
    expect(text).toContain('Se mere');
    expect(text).not.toContain('https://');
  });

  it('decodes ISO-8859-1 and windows-1252 bodies', () => {
    expect(mailToText(part('text/plain', b64('Hovedrengøring på Ærø', 'latin1'), 'iso-8859-1'))).toBe(
      'Hovedrengøring på Ærø',
    );
    expect(mailToText(part('text/plain', b64('Søndergade', 'latin1'), 'windows-1252'))).toBe('Søndergade');
  });

  it('repairs quoted-printable leftovers in UTF-8 and Latin-1', () => {
    expect(mailToText(part('text/plain', b64('K=C3=B8benhavn og Ren=\ndetalje')))).toBe(
      'København og Rendetalje',
    );
    expect(mailToText(part('text/plain', b64('Bl=E6hr')))).toBe('Blæhr');
  });

  it('reads nested multiparts and skips attachments', () => {
    const payload: MimePart = {
      mimeType: 'multipart/mixed',
      parts: [
        { mimeType: 'multipart/alternative', parts: [part('text/plain', b64('Brødtekst'))] },
        { mimeType: 'text/plain', filename: 'bilag.txt', headers: [], body: { data: b64('Bilag'), size: 5 } },
      ],
    };
    expect(mailToText(payload)).toBe('Brødtekst');
  });
});

describe('validateExtraction', () => {
  const text =
    'From: a@b.dk\nSubject: Flytterengøring\n\nNavn: Mette Hansen\nTelefon: 22 33 44 55\nBoligareal: 78 m²';
  const base = (): LeadExtraction => ({
    ...emptyExtraction('email', 'ai:test-model'),
    customerName: { value: 'Mette Hansen', quote: 'Mette Hansen', confidence: 0.95 },
    customerPhone: { value: '22 33 44 55', quote: '22 33 44 55', confidence: 0.95 },
    serviceType: { value: 'Flytterengøring', quote: 'Flytterengøring', confidence: 0.9 },
  });

  it('drops a value whose quote is not in the e-mail, with a warning', () => {
    const result = validateExtraction(
      { ...base(), city: { value: 'Odense', quote: 'Odense C', confidence: 0.99 } },
      { text },
    );
    expect(result.city).toBeNull();
    expect(result.warnings.join('\n')).toContain('city: dropped');
    expect(result.customerName?.value).toBe('Mette Hansen');
  });

  it('matches quotes whitespace-normalised and case-insensitively', () => {
    const result = validateExtraction(
      { ...base(), customerName: { value: 'Mette Hansen', quote: 'mette   HANSEN', confidence: 0.9 } },
      { text },
    );
    expect(result.customerName?.value).toBe('Mette Hansen');
  });

  it('normalises a Danish phone to E.164 and drops a foreign one', () => {
    expect(validateExtraction(base(), { text }).customerPhone?.value).toBe('+4522334455');
    const foreignText = 'Telefon: +47 912 34 567';
    const foreign = validateExtraction(
      {
        ...emptyExtraction('email', 'ai:test'),
        customerPhone: { value: '+47 912 34 567', quote: '+47 912 34 567', confidence: 1 },
      },
      { text: foreignText },
    );
    expect(foreign.customerPhone).toBeNull();
    expect(foreign.warnings.join('\n')).toContain('not a Danish number');
    expect(needsAttention(foreign, 0.7)).toEqual({
      needsAttention: true,
      reason: expect.stringContaining('intet gyldigt telefonnummer'),
    });
  });

  it('drops the portal phone, an invalid e-mail and a postal code that is not 4 digits', () => {
    const mail = 'Tlf. 70 20 45 45\nE-mail: mette(at)gmail.com\nPostnr: 230';
    const result = validateExtraction(
      {
        ...emptyExtraction('leadpoint', 'ai:test'),
        customerPhone: { value: '70204545', quote: '70 20 45 45', confidence: 0.9 },
        customerEmail: { value: 'mette(at)gmail.com', quote: 'mette(at)gmail.com', confidence: 0.9 },
        postalCode: { value: '230', quote: '230', confidence: 0.9 },
      },
      { text: mail },
    );
    expect(result.customerPhone).toBeNull();
    expect(result.customerEmail).toBeNull();
    expect(result.postalCode).toBeNull();
  });

  it('prefers the number labelled mobile over another the extractor chose, and warns', () => {
    const mail = 'Telefon (arbejde): 33 12 40 00\nMobil: 20 11 35 72';
    const result = validateExtraction(
      {
        ...emptyExtraction('email', 'ai:test'),
        customerPhone: { value: '33124000', quote: '33 12 40 00', confidence: 0.9 },
      },
      { text: mail },
    );
    expect(result.customerPhone?.value).toBe('+4520113572');
    expect(result.warnings.join('\n')).toContain('+4533124000');
  });

  it('estimates missing hours from m², rounded up to the half hour, at least 2, confidence 0.5', () => {
    const result = validateExtraction(
      { ...base(), squareMetres: { value: 78, quote: '78 m²', confidence: 0.95 } },
      { text, rules: DEFAULT_EXTRACTION_RULES },
    );
    expect(result.estimatedHours).toEqual({ value: 4, quote: '78 m²', confidence: 0.5 });
    expect(result.warnings.join('\n')).toContain('estimated 4 h');
    expect(estimateHours(100, 'Vinduespudsning', DEFAULT_EXTRACTION_RULES)).toBe(2);
    expect(estimateHours(83, 'Flytterengøring', DEFAULT_EXTRACTION_RULES)).toBe(4.5);
    expect(estimateHours(80, 'Ukendt', DEFAULT_EXTRACTION_RULES)).toBeNull();
  });

  it('flags a required field below the minimum confidence', () => {
    const result: LeadExtraction = {
      ...base(),
      customerPhone: { value: '+4522334455', quote: '22 33 44 55', confidence: 0.95 },
      address: { value: 'Vej 1', quote: 'Vej 1', confidence: 0.95 },
      postalCode: { value: '2300', quote: '2300', confidence: 0.95 },
      city: { value: 'København S', quote: 'København S', confidence: 0.5 },
    };
    expect(needsAttention(result, 0.7)).toEqual({
      needsAttention: true,
      reason: 'by er usikker (under 0,7)',
    });
    expect(needsAttention({ ...result, city: { ...result.city!, confidence: 0.9 } }, 0.7)).toEqual({
      needsAttention: false,
      reason: null,
    });
  });
});
