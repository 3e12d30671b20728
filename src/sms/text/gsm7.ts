/**
 * GSM-7 (3GPP TS 23.038) for Danish texts. A text that stays in the GSM basic set costs one segment per
 * 160 characters (153 when split); a single character outside it turns the whole text into UCS-2,
 * 70 (67) characters per segment. Danish needs only æ ø å (and Æ Ø Å), which are in the basic set, so
 * every text we send is made GSM-7 first: other accented letters lose their accent (ë → e), typographic
 * punctuation becomes its plain form (’ → '), and emoji and symbols without a GSM form are dropped.
 */

/** The basic character set: one septet each. */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: an escape plus the character, two septets each. */
const EXTENSION = '^{}\\[~]|€\f';

const BASIC_SET = new Set(BASIC);
const EXTENSION_SET = new Set(EXTENSION);

/** Characters whose plain form is not what removing an accent gives. */
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '‘': "'",
  '’': "'",
  '‚': "'",
  '‛': "'",
  '′': "'",
  '´': "'",
  '`': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '‟': '"',
  '″': '"',
  '«': '"',
  '»': '"',
  '‹': "'",
  '›': "'",
  '–': '-',
  '—': '-',
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '−': '-',
  '…': '...',
  '•': '*',
  '·': '.',
  '\u00a0': ' ',
  '\u2007': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
  '\t': ' ',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'Th',
  œ: 'oe',
  Œ: 'OE',
  ı: 'i',
  ç: 'c',
  '×': 'x',
  '÷': '/',
  '½': '1/2',
  '¼': '1/4',
  '¾': '3/4',
  '°': ' grader',
  '™': '',
  '®': '',
  '©': '',
};

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentInfo {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

const isGsmChar = (char: string) => BASIC_SET.has(char) || EXTENSION_SET.has(char);

/** One character (a code point) as GSM-7: itself, its plain form, or nothing. */
function gsmFormOf(char: string): string {
  if (isGsmChar(char)) return char;
  const replacement = REPLACEMENTS[char];
  if (replacement !== undefined) return replacement;
  // A letter with an accent GSM-7 lacks: the letter without it (ë → e, Á → A), if that is in the set.
  const stripped = char.normalize('NFD').replace(/\p{M}/gu, '');
  if (stripped !== char && [...stripped].every(isGsmChar)) return stripped;
  // A whitespace character GSM-7 lacks is a space; anything else (emoji, symbols, other scripts) goes.
  return /\s/u.test(char) ? ' ' : '';
}

/** The text in GSM-7 characters only, with runs of spaces a removed emoji leaves collapsed. */
export function toGsm7(text: string): string {
  // NFC first, so "e" + combining diaeresis is one character and maps as ë does.
  const mapped = [...text.normalize('NFC')].map(gsmFormOf).join('');
  return mapped
    .replace(/[ ]{2,}/g, ' ')
    .replace(/ +\n/g, '\n')
    .replace(/\n +/g, '\n')
    .trim();
}

export function isGsm7(text: string): boolean {
  return [...text].every(isGsmChar);
}

/** Encoding and segment count as a handset and Twilio count them (concatenated SMS use 7 or 3 units for the header). */
export function segmentInfo(text: string): SegmentInfo {
  if (isGsm7(text)) {
    const units = [...text].reduce((sum, char) => sum + (EXTENSION_SET.has(char) ? 2 : 1), 0);
    return { encoding: 'GSM-7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}
