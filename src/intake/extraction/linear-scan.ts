import { MAX_EMAIL_LENGTH } from '../../core/validation/text.js';
import { MAX_EMAIL_LOCAL_CHARS } from './limits.js';

/**
 * Hand-written scanners for the shapes the lead readers look for in untrusted text: "Label: value"
 * lines, table rows, e-mail addresses, the word before a number. Regular expressions for these with
 * open-ended repeats next to each other (`\s*` beside `\s*`, `[a-z.]+` before `(?:\.[a-z]+)*`) try
 * every way of splitting a long run and take seconds on a line of a hundred thousand dots or digits;
 * each scanner here looks at every character a bounded number of times. Each one reads exactly what
 * the pattern it replaces read (kept in its comment), so the readers behave as before on real mail.
 */

/** JavaScript's `\s` (what `String.prototype.trim` strips), for one character. */
export function isSpace(char: string | undefined): boolean {
  if (char === undefined || char === '') return false;
  const code = char.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return char.trim() === '';
}

/** Characters that end a line for `.` in a pattern: a value with one inside never matched. */
function hasLineTerminator(text: string): boolean {
  return text.includes('\r') || text.includes('\u2028') || text.includes('\u2029');
}

/** The list markers and indentation a label may stand behind: `[\s>*•-]`. */
function isLabelPrefix(char: string | undefined): boolean {
  return char === '>' || char === '*' || char === '•' || char === '-' || isSpace(char);
}

const isColon = (char: string | undefined) => char === ':' || char === '：';
const MAX_LABEL = 40;

export interface LabelledLine {
  /** As written, untrimmed: `Telefon ` in `Telefon : 22 33 44 55`. */
  label: string;
  /** Everything after the colon and the blanks behind it, to the end of the line. */
  value: string;
  /** Where `value` starts in the line. */
  valueStart: number;
}

/** Where the label can start: after the greedy list-marker prefix. */
function prefixEnd(line: string): number {
  let end = 0;
  while (end < line.length && isLabelPrefix(line[end])) end += 1;
  return end;
}

/**
 * The label that starts at `start` and ends before blanks and the first colon after it, when it is
 * 1–40 characters and holds no ASCII colon; returns the colon's index, or -1.
 */
function colonAfterLabel(line: string, start: number): { labelEnd: number; colon: number } | null {
  if (start >= line.length || line[start] === ':') return null;
  let blanksFrom = -1;
  for (let i = start + 1; i < line.length; i += 1) {
    const char = line[i];
    if (isColon(char)) {
      const labelEnd = blanksFrom === -1 ? i : Math.max(start + 1, blanksFrom);
      return labelEnd - start <= MAX_LABEL ? { labelEnd, colon: i } : null;
    }
    if (isSpace(char)) {
      if (blanksFrom === -1) blanksFrom = i;
    } else {
      blanksFrom = -1;
      // A label would already be longer than 40 characters: no colon further on can help.
      if (i - start >= MAX_LABEL) return null;
    }
  }
  return null;
}

/**
 * A "Label: value" line: `^[\s>*•-]*([^:\n]{1,40}?)\s*[:：]\s*(.*)$`. The value runs to the end of the
 * line (not trimmed at the end). Null when the line has no such label.
 */
export function readLabelledLine(line: string): LabelledLine | null {
  const start = prefixEnd(line);
  let found = colonAfterLabel(line, start);
  let labelStart = start;
  // The pattern gives the last prefix character back when nothing else fits (": x" behind "- "):
  // such a line still counts as labelled, with a label of that one character.
  if (!found && start > 0) {
    found = colonAfterLabel(line, start - 1);
    labelStart = start - 1;
  }
  if (!found) return null;
  let valueStart = found.colon + 1;
  while (valueStart < line.length && isSpace(line[valueStart])) valueStart += 1;
  const value = line.slice(valueStart);
  if (hasLineTerminator(value)) return null;
  return { label: line.slice(labelStart, found.labelEnd), value, valueStart };
}

/**
 * A two-column table row as html-to-text renders it, "Navn      Mette Holm":
 * `^[\s>*•-]*(\S[^\t:]{0,38}?)(?:\t+|\s{3,})(\S.*?)\s*$`. The value is trimmed at the end.
 */
export function readTableLine(line: string): { label: string; value: string } | null {
  const start = prefixEnd(line);
  if (start >= line.length) return null;
  for (let end = start + 1; end < line.length && end - start < MAX_LABEL; end += 1) {
    const char = line[end]!;
    if (isSpace(char)) {
      let gapEnd = end;
      let onlyTabs = true;
      while (gapEnd < line.length && isSpace(line[gapEnd])) {
        if (line[gapEnd] !== '\t') onlyTabs = false;
        gapEnd += 1;
      }
      if (gapEnd < line.length && (onlyTabs || gapEnd - end >= 3)) {
        const value = line.slice(gapEnd).trimEnd();
        return hasLineTerminator(value) ? null : { label: line.slice(start, end), value };
      }
    }
    // The label cannot run over a tab or a colon.
    if (char === '\t' || char === ':') return null;
  }
  return null;
}

const LOCAL_CHARS = /^[A-Za-z0-9._%+'-]$/;
const DOMAIN_LABEL_CHARS = /^[A-Za-z0-9-]$/;
const LETTER = /^[A-Za-z]$/;

/**
 * Where the longest domain starting at `from` ends, as `[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`
 * reads it: labels of letters, digits and hyphens, at least two, the last one two letters or more.
 * -1 when there is none.
 */
function domainEnd(text: string, from: number): number {
  let best = -1;
  let lastDot = -1;
  let lettersSinceDot = 0;
  let onlyLetters = false;
  for (let i = from; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === '.') {
      // An empty label ends the domain: "a.dk..se" is read as far as "a.dk".
      if (i === from || text[i - 1] === '.') break;
      lastDot = i;
      lettersSinceDot = 0;
      onlyLetters = true;
      continue;
    }
    if (!DOMAIN_LABEL_CHARS.test(char)) break;
    if (LETTER.test(char)) lettersSinceDot += 1;
    else onlyLetters = false;
    if (lastDot > from && onlyLetters && lettersSinceDot >= 2) best = i + 1;
  }
  return best;
}

/**
 * The e-mail addresses in a text, in order, as the pattern
 * `[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}` (global) found them, but found by
 * going out from each "@": left over the characters of a local part, right over the domain. A local
 * part over 64 characters or an address over 254 is no address anyone can receive mail at; such text
 * is passed over (and not read again, as the pattern would not have read it again).
 */
export function findEmailAddresses(text: string): string[] {
  const found: string[] = [];
  // Where the last address ended: the next one starts after it (a global pattern's lastIndex).
  let consumed = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > consumed && at - start <= MAX_EMAIL_LOCAL_CHARS && LOCAL_CHARS.test(text[start - 1]!))
      start -= 1;
    if (start === at) continue;
    const end = domainEnd(text, at + 1);
    if (end === -1) continue;
    consumed = end;
    const tooLong = at - start > MAX_EMAIL_LOCAL_CHARS || end - start > MAX_EMAIL_LENGTH;
    if (!tooLong) found.push(text.slice(start, end));
    at = end - 1;
  }
  return found;
}

/**
 * The word right before a number, its inline label ("Tlf. 22 33 44 55", "ring på 22 33 44 55"):
 * `([\p{L}.]+)\.?\s*[:.]?\s*$` on the text before it. Scans back from the end only as far as that word.
 */
export function wordBefore(text: string): string | null {
  const isWordChar = (char: string | undefined) =>
    char !== undefined && (char === '.' || /\p{L}/u.test(char));
  let end = text.length;
  while (end > 0 && isSpace(text[end - 1])) end -= 1;
  let separator = -1;
  if (end > 0 && (text[end - 1] === ':' || text[end - 1] === '.')) {
    separator = end - 1;
    end -= 1;
    while (end > 0 && isSpace(text[end - 1])) end -= 1;
  }
  let start = end;
  while (start > 0 && isWordChar(text[start - 1])) start -= 1;
  // "Tlf.:" reads "Tlf." (the dot is part of the word); "Tlf." alone reads "Tlf." too.
  let wordEnd = end;
  if (separator === end && text[separator] === '.') wordEnd = end + 1;
  if (start < wordEnd) return text.slice(start, wordEnd);
  // No word before a lone dot: the dot is the word (the pattern reads "Tlf:  ." as ".").
  return separator !== -1 && text[separator] === '.' ? '.' : null;
}
