import { isNonCustomerEmail, parseAddressHeader, type OwnContacts } from '../extraction/contacts.js';
import {
  emptyExtraction,
  type ExtractedField,
  type LeadExtraction,
  type LeadPriority,
  type LeadSource,
} from '../extraction/lead-fields.js';
import { pickCustomerPhone } from '../extraction/phones.js';
import { findServiceType, normalizeServiceType } from '../extraction/service-types.js';
import { MAX_FIELD_VALUE_CHARS } from '../extraction/limits.js';
import { findEmailAddresses, readLabelledLine, readTableLine } from '../extraction/linear-scan.js';
import { readLines, type TextLine } from '../extraction/text-lines.js';
import { labelTarget, type LabelTarget } from './labels.js';

/**
 * The engine behind every portal parser: lead mails, whoever sends them, are lists of "Label: value"
 * lines. A layout contributes its own labels and its identity; the engine reads the lines, cuts each
 * value verbatim from the text (its quote) and turns it into a typed field. Labelled values get
 * confidence 0.9–1; values found in free text or in the headers get less, so a lead built from guesses
 * is flagged for a human rather than texted.
 */

export interface LeadEmail {
  /** The From header, e.g. `Leadpoint.dk <system@leadpoint.dk>` (RFC 2047 decoded). */
  from: string;
  subject: string;
  /** The body as plain text (see `readMailBody`). */
  text: string;
  /** What reading the mail had to leave out (a body cut at the limits); added to the extraction's. */
  warnings?: readonly string[];
}

export interface ParseOptions {
  /** The tenant's own addresses and numbers, never taken for the customer's. */
  own?: OwnContacts;
}

export interface Layout {
  /** Goes into `extractor` as `parser:<name>`. */
  name: string;
  source: LeadSource;
  /** Labels only this layout uses, on top of the shared vocabulary. */
  labels?: Readonly<Record<string, LabelTarget>>;
  /**
   * Whether urgency words anywhere in the body ("det haster") set the priority. Off for portals: their
   * boilerplate urges *us* to answer "hurtigst muligt", which says nothing about the customer.
   */
  freeTextPriority?: boolean;
}

/** The text every quote must be found in: the headers a human sees and the body. */
export function leadEmailText(mail: LeadEmail): string {
  return `From: ${mail.from}\nSubject: ${mail.subject}\n\n${mail.text}`;
}

interface Labelled {
  target: LabelTarget;
  label: string;
  /** The value, verbatim (trimmed) from the text; may span lines for notes. */
  value: string;
}

const CONTINUED_TARGETS: ReadonlySet<LabelTarget> = new Set(['notes']);

function readLabel(
  line: TextLine,
  layout: Layout,
): { target: LabelTarget; label: string; value: string } | null {
  const labelled = readLabelledLine(line.text);
  if (labelled) {
    const target = labelTarget(labelled.label, layout.labels);
    if (target) return { target, label: labelled.label.trim(), value: labelled.value.trimEnd() };
  }
  // html-to-text renders a two-column table as "Navn      Mette Holm": no colon, a wide gap.
  const row = readTableLine(line.text);
  if (row) {
    const target = labelTarget(row.label, layout.labels);
    if (target) return { target, label: row.label.trim(), value: row.value };
  }
  return null;
}

/** Reads every known "Label: value" line; a label with nothing after it takes the next line(s). */
function readLabelledValues(
  lines: readonly TextLine[],
  skip: ReadonlySet<number>,
  layout: Layout,
): Labelled[] {
  const found: Labelled[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (skip.has(line.index)) continue;
    const read = readLabel(line, layout);
    if (!read) continue;
    const parts = read.value ? [read.value] : [];
    const multiLine = CONTINUED_TARGETS.has(read.target);
    let j = i + 1;
    // A value on the following line(s): one line for a field, a paragraph for notes.
    if (!read.value) while (j < lines.length && lines[j]!.text.trim() === '' && j - i < 2) j += 1;
    while (j < lines.length && (multiLine || parts.length === 0)) {
      const next = lines[j]!;
      if (next.text.trim() === '' || skip.has(next.index) || readLabel(next, layout)) break;
      parts.push(next.text.trim());
      j += 1;
    }
    if (parts.length > 0) {
      found.push({ target: read.target, label: read.label, value: parts.join('\n') });
      i = j - 1;
    }
  }
  return found;
}

/** "85,5 m²" → 85.5; "3-4 timer" → 4 (the upper end: better to plan too much time than too little). */
export function parseNumber(value: string): number | null {
  const numbers = [...value.matchAll(/\d+(?:[.,]\d+)?/g)].map((m) => Number(m[0].replace(',', '.')));
  if (numbers.length === 0) return null;
  const isRange = numbers.length >= 2 && /\d\s*(?:-|–|til|to)\s*\d/.test(value);
  return isRange ? Math.max(numbers[0]!, numbers[1]!) : numbers[0]!;
}

const POSTAL_CITY = /^(?:DK-?\s?)?(\d{4})\s+(\p{L}[\p{L} .'-]*?)\.?$/u;
const ADDRESS_WITH_POSTAL = /^(.*?\S)[,\s]+(?:DK-?\s?)?(\d{4})\s+(\p{L}[\p{L} .'-]*?)\.?$/u;
// A street and house number (a floor after it), then a postal code and a town, anywhere in the prose.
// Written so that no two repeats can share characters: a street starts where a word starts, its words
// are joined by single spaces (a hyphen belongs to the word), the floor's blanks come before its
// letters only, and one `\s*` stands between the number and the postal code. Patterns where two
// repeats could split a long run between them took seconds on a line of capitals or blanks.
const FREE_ADDRESS =
  /(?<![\p{L}.'-])(\p{Lu}[\p{L}.'-]+(?: \p{L}[\p{L}.'-]*){0,3}\s+\d{1,4}[A-Za-z]?(?:,?\s*(?:\d{1,2}\.?(?:\s*(?:sal|th|tv|mf))?\.?|st\.?(?:\s*(?:th|tv|mf)\.?)?))?),?\s*(\d{4})\s+(\p{Lu}[\p{L}]+(?:\s+\p{Lu}[\p{L}]*\.?)?)/u;
// The number starts where a digit run starts: tried from every digit of a long run, `\d+` was quadratic.
const SQUARE_METRES =
  /(?<!\d)(\d+(?:[.,]\d+)?)\s*(?:m²|m2|kvm|kvadratmeter|sqm|square met(?:re|er)s?)(?![\p{L}\d])/iu;
const URGENT =
  /hurtigst muligt|snarest muligt|snarest|haster|hastesag|akut|straks|asap|så snart som mulig|så fort som mulig|as soon as possible|urgent/i;
const RELAXED = /fleksibel|ingen hast|ikke travlt|flexible|no rush/i;
// Eight digits (in pairs, maybe spaced: "12 34 56 78") after the word CVR ("CVR-nr.: 12345678").
const CVR_DIGITS = /(?<!\d)(\d{2} ?\d{2} ?\d{2} ?\d{2})(?!\d)/;
const CVR_IN_TEXT = /\bCVR(?:-?(?:nr|nummer|no)\.?| (?:nr|nummer|no)\.?)?\s?[:.]?\s?(\d{2} ?\d{2} ?\d{2} ?\d{2})(?!\d)/i;
// A line that is a company's name: up to six words ending in a Danish company form ("Fynsk Revision ApS").
const COMPANY_NAME_LINE = /^(\p{L}[\p{L}\d&'.-]*(?: [\p{L}\d&'.-]+){0,5} (?:ApS|A\/S|I\/S|IVS|K\/S|P\/S))$/u;

function field<T>(value: T, quote: string, confidence: number): ExtractedField<T> {
  return { value, quote, confidence };
}

function priorityFrom(label: Labelled): ExtractedField<LeadPriority> | null {
  if (label.target === 'priority') {
    if (/høj|high|ja|yes|hast|akut/i.test(label.value)) return field('high', label.value, 0.95);
    if (/lav|low|nej|no\b/i.test(label.value)) return field('low', label.value, 0.9);
    if (/mellem|medium|normal/i.test(label.value)) return field('medium', label.value, 0.9);
  }
  const urgent = URGENT.exec(label.value);
  if (urgent) return field('high', urgent[0], 0.7);
  const relaxed = RELAXED.exec(label.value);
  if (relaxed) return field('low', relaxed[0], 0.7);
  return null;
}

/** Parses a mail with a layout's labels; the result still needs `validateExtraction`. */
export function parseWithLayout(mail: LeadEmail, layout: Layout, options: ParseOptions = {}): LeadExtraction {
  const own = options.own ?? {};
  const result = emptyExtraction(layout.source, `parser:${layout.name}`);
  const { lines, skip } = readLines(mail.text, own);
  const labelled = readLabelledValues(lines, skip, layout);
  const first = (target: LabelTarget) => labelled.find((l) => l.target === target);

  const name = first('customerName');
  if (name) result.customerName = field(name.value, name.value, 0.95);

  for (const candidate of labelled.filter((l) => l.target === 'customerEmail')) {
    const email = findEmailAddresses(candidate.value)[0];
    if (email && !isNonCustomerEmail(email, own)) {
      result.customerEmail = field(email.toLowerCase(), email, 0.98);
      break;
    }
  }

  const address = first('address');
  if (address) {
    // Only a value the length of an address is split (the pattern is quadratic in a run of commas).
    const combined =
      address.value.length <= MAX_FIELD_VALUE_CHARS
        ? ADDRESS_WITH_POSTAL.exec(address.value.replace(/\n/g, ', '))
        : null;
    if (combined && !address.value.includes('\n')) {
      const street = combined[1]!.replace(/,\s*$/, '');
      result.address = field(street, street, 0.95);
      result.postalCode = field(combined[2]!, combined[2]!, 0.95);
      result.city = field(combined[3]!.trim(), combined[3]!.trim(), 0.95);
    } else {
      const street = address.value.split('\n')[0]!;
      result.address = field(street, street, 0.95);
    }
  }
  const postalCity = first('postalCity');
  if (postalCity) {
    const split =
      postalCity.value.length <= MAX_FIELD_VALUE_CHARS ? POSTAL_CITY.exec(postalCity.value) : null;
    if (split) {
      result.postalCode = field(split[1]!, split[1]!, 0.95);
      result.city = field(split[2]!.trim(), split[2]!.trim(), 0.95);
    }
  }
  const postalCode = first('postalCode');
  if (postalCode)
    result.postalCode = field(postalCode.value.replace(/^DK-?\s?/i, ''), postalCode.value, 0.95);
  const city = first('city');
  if (city) result.city = field(city.value, city.value, 0.95);

  const service = first('serviceType');
  if (service) {
    const known = findServiceType(service.value);
    result.serviceType = known
      ? field<string>(known.value, service.value, 0.95)
      : field(normalizeServiceType(service.value).value, service.value, 0.75);
  }

  const size = first('squareMetres');
  const sizeValue = size ? parseNumber(size.value) : null;
  if (size && sizeValue !== null) result.squareMetres = field(sizeValue, size.value, 0.95);
  const hours = first('estimatedHours');
  const hoursValue = hours ? parseNumber(hours.value) : null;
  if (hours && hoursValue !== null) result.estimatedHours = field(hoursValue, hours.value, 0.95);

  for (const candidate of labelled.filter((l) => l.target === 'priority' || l.target === 'when')) {
    result.priority = priorityFrom(candidate);
    if (result.priority) break;
  }

  const company = first('companyName');
  if (company) result.companyName = field(company.value, company.value, 0.95);
  const cvr = first('cvr');
  const cvrDigits = cvr ? CVR_DIGITS.exec(cvr.value) : null;
  if (cvr && cvrDigits) result.cvr = field(cvrDigits[1]!.replace(/ /g, ''), cvrDigits[1]!, 0.95);

  const notes = labelled.filter((l) => l.target === 'notes');
  if (notes.length > 0) {
    // Each notes block is quoted on its own (validation checks the first); the value keeps them all.
    result.notes = field(notes.map((n) => n.value).join('\n\n'), notes[0]!.value, 0.9);
  }

  // The phone is chosen over the whole mail: labels rank the numbers (see pickCustomerPhone).
  const phone = pickCustomerPhone(mail.text, own).best;
  if (phone)
    result.customerPhone = field(
      phone.quote,
      phone.quote,
      phone.rank >= 2 ? 0.95 : phone.rank === 1 ? 0.9 : 0.75,
    );

  fillFromFreeText(result, mail, lines, skip, layout, own);
  return result;
}

/** Lower-confidence guesses for what no label gave: the sender, an address or a size in the prose. */
function fillFromFreeText(
  result: LeadExtraction,
  mail: LeadEmail,
  lines: readonly TextLine[],
  skip: ReadonlySet<number>,
  layout: Layout,
  own: OwnContacts,
): void {
  const body = lines
    .filter((line) => !skip.has(line.index))
    .map((line) => line.text)
    .join('\n');
  const sender = parseAddressHeader(mail.from);
  const senderIsCustomer = sender.email !== null && !isNonCustomerEmail(sender.email, own);

  if (!result.customerEmail) {
    const inBody = findEmailAddresses(body).find((email) => !isNonCustomerEmail(email, own));
    if (inBody) result.customerEmail = field(inBody.toLowerCase(), inBody, 0.75);
    else if (senderIsCustomer) result.customerEmail = field(sender.email!.toLowerCase(), sender.email!, 0.85);
  }
  if (
    !result.customerName &&
    senderIsCustomer &&
    sender.name &&
    /\p{L}/u.test(sender.name) &&
    !sender.name.includes('@')
  ) {
    result.customerName = field(sender.name, sender.name, 0.8);
  }
  // A customer writing for a company signs with it: its name and CVR in the signature, which the other
  // readers skip as a company's lines (they are the customer's here, not a portal's or ours).
  if (senderIsCustomer && (!result.companyName || !result.cvr)) {
    for (const line of lines) {
      const text = line.text.trim();
      if (text.length > MAX_FIELD_VALUE_CHARS) continue;
      const name = result.companyName ? null : COMPANY_NAME_LINE.exec(text);
      if (name) result.companyName = field(name[1]!, name[1]!, 0.8);
      const cvr = result.cvr ? null : CVR_IN_TEXT.exec(text);
      if (cvr) result.cvr = field(cvr[1]!.replace(/ /g, ''), cvr[1]!, 0.85);
    }
  }
  if (!result.address) {
    const found = FREE_ADDRESS.exec(body);
    if (found) {
      result.address = field(found[1]!.trim(), found[1]!.trim(), 0.8);
      result.postalCode ??= field(found[2]!, found[2]!, 0.8);
      result.city ??= field(found[3]!, found[3]!, 0.8);
    }
  }
  if (!result.squareMetres) {
    const found = SQUARE_METRES.exec(body);
    const value = found ? parseNumber(found[1]!) : null;
    if (found && value !== null) result.squareMetres = field(value, found[0], 0.8);
  }
  if (!result.serviceType) {
    const found = findServiceType(mail.subject) ?? findServiceType(body);
    if (found) result.serviceType = field<string>(found.value, found.match, 0.8);
  }
  if (!result.priority && layout.freeTextPriority) {
    const urgent = URGENT.exec(body);
    if (urgent) result.priority = field<LeadPriority>('high', urgent[0], 0.6);
  }
}
