import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseAddressHeader } from '../../src/intake/extraction/contacts.js';
import {
  findEmailAddresses,
  readLabelledLine,
  readTableLine,
  wordBefore,
} from '../../src/intake/extraction/linear-scan.js';
import { htmlToText, mailToText, type MimePart } from '../../src/intake/extraction/mail-text.js';
import { collapseBlankLines } from '../../src/intake/extraction/text-lines.js';
import { extractWithParsers } from '../../src/intake/parsers/parse-lead-email.js';
import { parseReply } from '../../src/sms/text/reply-parser.js';

/**
 * The hand-written scanners that replaced backtracking patterns must read real mail exactly as the
 * patterns did. The patterns are kept here as the reference: on every line of the lead-mail fixtures
 * and on edge cases of normal size both must agree; only where the patterns had no limit (an address
 * longer than SMTP allows) the scanners differ, on purpose.
 */

// The patterns as they were, for comparison on inputs small enough for them.
const OLD_EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const OLD_LABELLED = /^[\s>*•-]*([^:\n]{1,40}?)\s*[:：]\s*(.*)$/;
const OLD_TABLE = /^[\s>*•-]*(\S[^\t:]{0,38}?)(?:\t+|\s{3,})(\S.*?)\s*$/;
const OLD_WORD_BEFORE = /([\p{L}.]+)\.?\s*[:.]?\s*$/u;
function oldAddressHeader(from: string) {
  const angle = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from);
  if (angle) return { name: angle[1]?.trim() || null, email: angle[2] ?? null };
  const bare = /([^\s<>"]+@[^\s<>"]+\.[A-Za-z]{2,})/.exec(from);
  return { name: null, email: bare?.[1] ?? null };
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'lead-emails');
const fixtureTexts = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .map(
    (file) =>
      JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as {
        from: string;
        text?: string;
        payload?: MimePart;
      },
  )
  .map((fixture) => ({ from: fixture.from, text: fixture.text ?? mailToText(fixture.payload!) }));

const EDGE_LINES = [
  'Navn: Mette Holm',
  '  > * Telefon :  22 33 44 55  ',
  '- : 22334455',
  ': 22334455',
  'Telefon：22 33 44 55',
  'Kundens navn：Mette：Holm: x',
  `${'x'.repeat(40)}: value`,
  `${'x'.repeat(41)}: value`,
  `Navn${' '.repeat(60)}: Mette`,
  'Tlf.: +45 22 33 44 55',
  'Navn      Mette Holm',
  'Navn\tMette Holm',
  'Navn \t Mette Holm',
  'Postnr og by   2300 København S',
  '•   Navn   Mette',
  '-   Mette',
  `${'y'.repeat(39)}   value`,
  `${'y'.repeat(40)}   value`,
  'Navn:   ',
  'Navn',
  '',
  '   ',
  'E-mail: mette.holm@gmail.com',
  'Bemærkninger: Ring efter kl. 16',
];
const corpusLines = [...fixtureTexts.flatMap((f) => f.text.split('\n')), ...EDGE_LINES];

describe('readLabelledLine', () => {
  it.each(corpusLines.map((line) => [line]))('reads %j as the pattern did', (line) => {
    const old = OLD_LABELLED.exec(line);
    const read = readLabelledLine(line);
    expect(read && { label: read.label, value: read.value }).toEqual(old && { label: old[1], value: old[2] });
    if (read) expect(line.slice(read.valueStart)).toBe(read.value);
  });
});

describe('readTableLine', () => {
  it.each(corpusLines.map((line) => [line]))('reads %j as the pattern did', (line) => {
    const old = OLD_TABLE.exec(line);
    const read = readTableLine(line);
    // A label from the list markers themselves ("-" of "-   Mette") names no field; the scanner skips it.
    if (old && /^[>*•-]/.test(old[1]!)) expect(read).toBeNull();
    else expect(read).toEqual(old && { label: old[1], value: old[2] });
  });
});

describe('findEmailAddresses', () => {
  const texts = [
    ...fixtureTexts.map((f) => f.text),
    'Skriv til mette.holm@gmail.com eller mette@firma.dk.',
    "o'brien+lead@sub.example.co.uk, a_b%c@x-y.dk",
    'x@example.com-foo og y@a.bc1 og z@a.b.cd.e',
    'a@b.com.x@c.dk',
    'a@@b.dk @c.dk d@ e@.dk f@g..dk h@i.dk..se',
    'mailto:Mette@Example.DK>',
    'ingen adresse her',
  ];
  it.each(texts.map((text) => [text]))('finds in %j what the pattern found', (text) => {
    expect(findEmailAddresses(text)).toEqual(text.match(OLD_EMAIL) ?? []);
  });

  it('passes over a local part over 64 characters and an address over 254, and reads on after it', () => {
    expect(findEmailAddresses(`${'a'.repeat(64)}@x.dk`)).toEqual([`${'a'.repeat(64)}@x.dk`]);
    expect(findEmailAddresses(`${'a'.repeat(65)}@x.dk mette@x.dk`)).toEqual(['mette@x.dk']);
    expect(findEmailAddresses(`${'a.'.repeat(50_000)}@x.dk`)).toEqual([]);
    const long = `m@${'a'.repeat(248)}.dk`;
    expect(long).toHaveLength(253);
    expect(findEmailAddresses(`${long} m@${'a'.repeat(250)}.dk`)).toEqual([long]);
  });
});

describe('parseAddressHeader', () => {
  const headers = [
    ...fixtureTexts.map((f) => f.from),
    'Mette Holm <mette@example.dk>',
    '"Holm, Mette" <mette@example.dk>',
    '  "Mette " <mette@example.dk>  ',
    '<mette@example.dk>',
    'mette@example.dk',
    'mette@example.dk (Mette Holm)',
    'Mette <mette@example>',
    'Me"tte <mette@example.dk>',
    'a <b <c@d.dk>',
    '<@@>',
    'Mette <m@x.dk> extra',
    'Mette Holm',
    'x@y@z.dk.se.c',
    '',
  ];
  it.each(headers.map((header) => [header]))('splits %j as the patterns did', (header) => {
    expect(parseAddressHeader(header)).toEqual(oldAddressHeader(header));
  });
});

describe('wordBefore', () => {
  const befores = [
    'Tlf.: ',
    'Tlf. ',
    'Tlf . ',
    'Mobil: ',
    'ring på ',
    'Tlf..',
    '.:',
    ':',
    '.',
    'abc 12 ',
    'Tlf:  .',
    '. .',
    'Ring til mig på mobil ',
  ];
  it.each(befores.map((before) => [before]))(
    'reads the word before a number in %j as the pattern did',
    (before) => {
      expect(wordBefore(before)).toBe(OLD_WORD_BEFORE.exec(before)?.[1] ?? null);
    },
  );
});

describe('the readers on ordinary mail', () => {
  const own = { emails: ['info@rendetalje.dk'], domains: ['rendetalje.dk'] };

  it('finds an address, a size and a service in prose, as before', () => {
    const result = extractWithParsers(
      {
        from: 'Mette Holm <mette@example.dk>',
        subject: 'Flytterengøring',
        text: 'Hej\n\nVi flytter fra\nVestergade 12, 2. th, 8000 Aarhus C og lejligheden er på 85,5 m².\nRing på 28 14 55 90.\n\nMette',
      },
      { own },
    );
    expect(result.address?.value).toBe('Vestergade 12, 2. th');
    expect(result.postalCode?.value).toBe('8000');
    expect(result.city?.value).toBe('Aarhus C');
    expect(result.squareMetres?.value).toBe(85.5);
    expect(result.customerPhone?.value).toBe('+4528145590');
    expect(result.serviceType?.value).toBe('Flytterengøring');
  });

  it('reads "flytte - rengøring" and "kontor   rengøring" with blanks around the hyphen, as before', () => {
    const read = (text: string) => extractWithParsers({ from: '', subject: '', text }).serviceType?.value;
    expect(read('Opgave: flytte - rengøring')).toBe('Flytterengøring');
    expect(read('Vi ønsker kontor   rengøring')).toBe('Erhvervsrengøring');
  });

  it('reads an HTML table as one line per row, label and value three blanks apart', () => {
    const html =
      '<table><tr><td colspan="1000000000">Kontaktformular</td></tr><tr><th>Navn</th><td>Mette Holm</td></tr><tr><td>Telefon</td><td>28 14 55 90</td></tr>' +
      '<tr><td>Besked</td><td>Linje et<br>Linje to</td></tr></table>';
    expect(htmlToText(html)).toBe(
      'Kontaktformular\nNavn   Mette Holm\nTelefon   28 14 55 90\nBesked   Linje et\nLinje to',
    );
    const result = extractWithParsers({ from: '', subject: '', text: htmlToText(html) });
    expect(result.customerName?.value).toBe('Mette Holm');
    expect(result.customerPhone?.value).toBe('+4528145590');
    expect(result.notes?.value).toBe('Linje et\nLinje to');
  });

  it('cuts runs of blank lines to two, which no reader tells from more', () => {
    expect(collapseBlankLines('a\n\n\n\n\n\nb\n\nc\n \t\n\n\n d')).toBe('a\n\n\nb\n\nc\n\n\n d');
  });

  it('treats an SMS longer than 1600 characters as unreadable, and reads one of 1600', () => {
    const offer = [{ choice: 2, startsAt: new Date('2026-11-25T07:00:00Z') }];
    expect(parseReply(`2${' '.repeat(1599)}`, offer, 'Europe/Copenhagen')).toEqual({
      kind: 'choice',
      choice: 2,
    });
    expect(parseReply(`2${' '.repeat(1600)}`, offer, 'Europe/Copenhagen')).toEqual({ kind: 'unreadable' });
    expect(parseReply(`STOP${' '.repeat(1600)}`, offer, 'Europe/Copenhagen')).toEqual({ kind: 'unreadable' });
  });
});
