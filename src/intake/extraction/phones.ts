import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { isNonCustomerPhone, type OwnContacts } from './contacts.js';
import { MAX_PHONE_CANDIDATES } from './limits.js';
import { readLabelledLine, wordBefore } from './linear-scan.js';
import { readLines } from './text-lines.js';

/**
 * Finding the customer's phone number among all the numbers in a lead mail. It matters more than any
 * other field: the slot offer goes to it by SMS. A mail may hold the customer's mobile and landline, the
 * portal's support line in the footer and our own number in a forwarded signature; the mobile labelled
 * as the customer's wins (it can receive the SMS), the rest are reported.
 */
export interface PhoneCandidate {
  /** The number as written, verbatim from the text. */
  quote: string;
  /** E.164, or `null` when it is not a valid number at all. */
  e164: string | null;
  danish: boolean;
  /** The label it stood under or beside (`Mobil`, `Tlf.`), if any. */
  label: string | null;
  /** 3 mobile, 2 phone, 1 some other phone label (work, landline), 0 no label. */
  rank: number;
  offset: number;
}

// Generous inside a phone-labelled value: "+45 22 33 44 55", "(+45) 2233-4455", "0045 22334455". The
// blanks and dots after a country code belong to it alone: open to every match start, `[\s.-]*` made
// a long run of them quadratic.
const LOOSE_NUMBER = /(?:(?:\(?\+\d{1,3}\)?|00\d{2})[\s.-]*)?\d[\d\s.()-]{5,16}\d/g;
// Strict in free text, where dates, CVR numbers and order ids also have eight digits.
const STRICT_NUMBER =
  /(?<![\d-])(?:(?:\+|00)45[\s]?)?(?:\d{8}|\d{2}[ ]\d{2}[ ]\d{2}[ ]\d{2}|\d{4}[ ]\d{4}|\d{2}[ ]\d{3}[ ]\d{3})(?![\d-])/g;
const HAS_DIGIT = /\d/;
const MOBILE_LABEL = /mobil|mobile|\bmob\b|\bsms\b|cell/i;
const PHONE_LABEL = /telefon|\btlf|\btel\b|phone|\bring\b/i;
const OTHER_PHONE_LABEL = /arbejd|work|fastnet|landline|alternativ|ekstra|sekundær|firma|kontor|jobb/i;
const NOT_A_PHONE =
  /cvr|org\.?\s*nr|se-?nr|fax|faktura|ordre|order|lead-?id|sags|reference|konto|\bid\b|dato|date|postnr|postnummer/i;

function rankLabel(label: string): number {
  if (NOT_A_PHONE.test(label)) return -1;
  if (OTHER_PHONE_LABEL.test(label) && (MOBILE_LABEL.test(label) || PHONE_LABEL.test(label))) return 1;
  if (MOBILE_LABEL.test(label)) return 3;
  if (PHONE_LABEL.test(label)) return 2;
  return -1;
}

function toCandidate(quote: string, offset: number, label: string | null, rank: number): PhoneCandidate {
  const trimmed = quote.trim();
  const parsed = parsePhoneNumberFromString(trimmed.replace(/^00/, '+').replace(/[()]/g, ''), 'DK');
  const e164 = parsed?.isValid() ? parsed.number : null;
  return {
    quote: trimmed,
    e164,
    danish: e164 !== null && e164.startsWith('+45') && e164.length === 11,
    label,
    rank,
    offset: offset + quote.indexOf(trimmed),
  };
}

/** A number seen in the text, before libphonenumber has looked at it. */
interface Sighting {
  quote: string;
  offset: number;
  label: string | null;
  rank: number;
}

/** Every phone-like number outside company signatures and portal footers, in order, unchecked. */
function sightNumbers(text: string, own: OwnContacts): Sighting[] {
  const { lines, skip } = readLines(text, own);
  const found: Sighting[] = [];
  for (const line of lines) {
    // Every number below needs a digit: most lines of a mail have none and cost nothing more.
    if (skip.has(line.index) || !HAS_DIGIT.test(line.text)) continue;
    const labelled = readLabelledLine(line.text);
    if (labelled) {
      const label = labelled.label.trim();
      const rank = rankLabel(label);
      if (rank < 0) continue;
      const valueStart = line.start + labelled.valueStart;
      for (const match of labelled.value.matchAll(LOOSE_NUMBER)) {
        found.push({ quote: match[0], offset: valueStart + match.index, label, rank });
      }
      continue;
    }
    for (const match of line.text.matchAll(STRICT_NUMBER)) {
      const before = line.text.slice(0, match.index);
      if (NOT_A_PHONE.test(before.slice(-20))) continue;
      const inline = wordBefore(before);
      const rank = inline ? Math.max(0, rankLabel(inline)) : 0;
      found.push({
        quote: match[0],
        offset: line.start + match.index,
        label: rank > 0 ? inline : null,
        rank,
      });
    }
  }
  return found;
}

/**
 * The phone numbers in the text outside company signatures and portal footers, in order. Only the
 * first `MAX_PHONE_CANDIDATES` by label (mobile, phone, other, none) and then position are checked:
 * a mail of thousands of numbers is no lead, and checking each one costs time on the event loop.
 */
export function findPhoneCandidates(text: string, own: OwnContacts = {}): PhoneCandidate[] {
  const sightings = sightNumbers(text, own);
  const checked =
    sightings.length <= MAX_PHONE_CANDIDATES
      ? sightings
      : [...sightings]
          .sort((a, b) => b.rank - a.rank || a.offset - b.offset)
          .slice(0, MAX_PHONE_CANDIDATES)
          .sort((a, b) => a.offset - b.offset);
  return checked
    .map((s) => toCandidate(s.quote, s.offset, s.label, s.rank))
    .filter((candidate) => !(candidate.e164 && isNonCustomerPhone(candidate.e164, own)));
}

export interface PhoneChoice {
  best: PhoneCandidate | null;
  /** Other distinct valid numbers the customer might also have given. */
  others: PhoneCandidate[];
}

/**
 * The customer's number: a valid Danish number before anything else, then the best label (mobile,
 * phone, other), then the first. A foreign number is only chosen when there is nothing else, so that
 * validation can drop it with a warning instead of silently losing it.
 */
export function pickCustomerPhone(text: string, own: OwnContacts = {}): PhoneChoice {
  const candidates = findPhoneCandidates(text, own).filter((c) => c.e164 !== null || c.rank > 0);
  const sorted = [...candidates].sort(
    (a, b) => Number(b.danish) - Number(a.danish) || b.rank - a.rank || a.offset - b.offset,
  );
  const best = sorted[0] ?? null;
  const seen = new Set(best?.e164 ? [best.e164] : []);
  const others: PhoneCandidate[] = [];
  for (const candidate of sorted.slice(1)) {
    if (!candidate.e164 || seen.has(candidate.e164)) continue;
    seen.add(candidate.e164);
    others.push(candidate);
  }
  return { best, others };
}
