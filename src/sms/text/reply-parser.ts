import { DateTime } from 'luxon';

/**
 * What a customer's SMS reply means. Customers answer an offer of three numbered times in many ways:
 * "2", "2.", "nr. 2", "Nummer 2 tak 😊", "den anden", "tirsdag" (when one time is on a Tuesday),
 * "tirsdag kl 10", "2️⃣". The parser collects every hint the text gives (a number, an ordinal, a
 * weekday, a time of day, a day of the month), keeps the offered times each hint allows, and answers a
 * choice only when the hints agree on exactly one. Anything else is unreadable: guessing wrong books a
 * customer on a day they did not pick, asking again costs one text.
 */

export type ReplyMeaning =
  | { kind: 'choice'; choice: number }
  | { kind: 'opt_out'; keyword: string }
  | { kind: 'opt_in'; keyword: string }
  /** AFLYS: cancel the customer's next booking. */
  | { kind: 'cancel_booking'; keyword: string }
  /** FLYT: offer free times to move the customer's next booking to. */
  | { kind: 'move_booking'; keyword: string }
  | { kind: 'unreadable' };

export interface OfferedSlot {
  /** The number the customer answers with (1–3). */
  choice: number;
  startsAt: Date;
}

/** Carrier and Twilio opt-out words, plus the Danish "afmeld". The whole reply must be the word. */
export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'AFMELD',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
] as const;
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'] as const;
/**
 * The customer's own changes by SMS, the whole reply being the word ("aflys", "Flyt!"). Only whole
 * words: "kan I aflyse?" or "flyt til fredag" ask a person, who reads them (an unreadable reply). A
 * wrong cancellation costs the customer their booking; asking again costs one text.
 */
export const CANCEL_KEYWORDS = ['AFLYS', 'AFLYSE', 'AFLYSNING'] as const;
export const MOVE_KEYWORDS = ['FLYT', 'FLYTTE', 'FLYTNING'] as const;

const ORDINALS: Readonly<Record<string, number>> = {
  første: 1,
  forste: 1,
  foerste: 1,
  '1ste': 1,
  anden: 2,
  andet: 2,
  '2den': 2,
  tredje: 3,
  '3die': 3,
  '3dje': 3,
  fjerde: 4,
  sidste: -1,
};

/** Number words that are safe on their own: "en" and "to" are also everyday words, so only after "nr"/"nummer". */
const NUMBER_WORDS: Readonly<Record<string, number>> = { et: 1, en: 1, én: 1, to: 2, tre: 3, fire: 4 };
const SAFE_NUMBER_WORDS: Readonly<Record<string, number>> = { tre: 3, én: 1 };

const WEEKDAYS: ReadonlyArray<[RegExp, number]> = [
  // Not "man" or "tor": they are everyday Danish words ("kan man", "tør").
  [/^(mandag)$/, 1],
  [/^(tirsdag|tirs)$/, 2],
  [/^(onsdag|ons)$/, 3],
  [/^(torsdag|tors)$/, 4],
  [/^(fredag|fre)$/, 5],
  [/^(lørdag|lordag|loerdag|lør)$/, 6],
  [/^(søndag|sondag|soendag|søn)$/, 7],
];

/** Words that mean none of the offered times suit: never a choice, whatever numbers follow. */
// "i stedet": asking for something else ("kan I komme tirsdag i stedet?") is never a pick of that day.
const DECLINES = [
  /\bingen\b/,
  /\bpasser ikke\b/,
  /\bkan ikke\b/,
  /\bikke nogen\b/,
  /\bandre tider\b/,
  /\bi stedet\b/,
];

/** Keycap emoji (2️⃣) become their digit; every other emoji and symbol becomes a space. */
function normalize(body: string): string {
  return body
    .normalize('NFC')
    .replace(/([0-9])\uFE0F?\u20E3/gu, ' $1 ')
    .toLowerCase()
    .replace(/[\p{Extended_Pictographic}\p{So}\p{Sk}\uFE0F\u200D]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const isOnlyWord = (text: string) =>
  text
    .replace(/[^\p{L}\s]/gu, ' ')
    .trim()
    .split(/\s+/).length === 1;

/**
 * Twilio's longest concatenated SMS (10 segments of 160 characters). A longer body came from no phone
 * answering our offer: it is unreadable, and not worth any work on the event loop.
 */
export const MAX_SMS_REPLY_CHARS = 1_600;

export function parseReply(body: string, slots: readonly OfferedSlot[], timezone: string): ReplyMeaning {
  if (body.length > MAX_SMS_REPLY_CHARS) return { kind: 'unreadable' };
  const text = normalize(body);
  // Opt-out and opt-in are whole-message keywords, as carriers and Twilio define them: "stop!" is an
  // opt-out, "stop ikke tirsdag" is not. Checked before anything else and valid without an offer.
  if (isOnlyWord(text)) {
    const keyword = text.replace(/[^\p{L}]/gu, '').toUpperCase();
    if ((OPT_OUT_KEYWORDS as readonly string[]).includes(keyword)) return { kind: 'opt_out', keyword };
    if ((OPT_IN_KEYWORDS as readonly string[]).includes(keyword)) return { kind: 'opt_in', keyword };
    if ((CANCEL_KEYWORDS as readonly string[]).includes(keyword)) return { kind: 'cancel_booking', keyword };
    if ((MOVE_KEYWORDS as readonly string[]).includes(keyword)) return { kind: 'move_booking', keyword };
  }
  if (slots.length === 0 || text === '') return { kind: 'unreadable' };
  if (DECLINES.some((pattern) => pattern.test(text))) return { kind: 'unreadable' };

  const local = slots.map((slot) => ({
    choice: slot.choice,
    at: DateTime.fromJSDate(slot.startsAt, { zone: timezone }),
  }));
  const all = new Set(local.map((slot) => slot.choice));
  const where = (test: (at: DateTime) => boolean) =>
    new Set(local.filter((slot) => test(slot.at)).map((slot) => slot.choice));
  const byChoice = (choice: number) => new Set(all.has(choice) ? [choice] : []);
  /** Each hint narrows the offered choices; an empty set means the hint matches no offered time. */
  const hints: Set<number>[] = [];

  // Times of day first ("kl. 10", "10:00", "10.30"), blanked out so their digits are not read again.
  let rest = text.replace(
    /\b(?:kl\.?\s*)?([01]?\d|2[0-3])[:.]([0-5]\d)\b|\bkl\.?\s*([01]?\d|2[0-3])\b/g,
    (_match, hour?: string, minute?: string, bareHour?: string) => {
      const h = Number(hour ?? bareHour);
      const m = minute === undefined ? 0 : Number(minute);
      hints.push(where((at) => at.hour === h && at.minute === m));
      return ' ';
    },
  );
  // Dates: "24. november", "24 nov", "24/11".
  rest = rest.replace(
    /\b([0-2]?\d|3[01])\.? ?(jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-z]*\b|\b([0-2]?\d|3[01])\/(\d{1,2})\b/g,
    (_match, day?: string, _month?: string, slashDay?: string) => {
      const d = Number(day ?? slashDay);
      hints.push(where((at) => at.day === d));
      return ' ';
    },
  );
  // "nr.2" and "nr2" read as "nr 2".
  rest = rest.replace(/\b(nr|nummer)\.?(?=\d)/g, '$1 ');

  const tokens = rest.split(/[\s,;!?()#:*"'+-]+/).filter(Boolean);
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!;
    const word = token.replace(/\.$/, '');
    const previous = tokens[index - 1]?.replace(/\.$/, '');
    const weekday = WEEKDAYS.find(([pattern]) => pattern.test(word));
    if (weekday) {
      hints.push(where((at) => at.weekday === weekday[1]));
      continue;
    }
    if (Object.hasOwn(ORDINALS, token) || Object.hasOwn(ORDINALS, word)) {
      const n = ORDINALS[token] ?? ORDINALS[word]!;
      hints.push(n === -1 ? byChoice(Math.max(...all)) : byChoice(n));
      continue;
    }
    const digits = /^(\d{1,2})\.?$/.exec(token);
    if (digits) {
      const n = Number(digits[1]);
      // A number that is no choice may be the hour ("10") or the day of the month ("den 24.").
      hints.push(all.has(n) ? byChoice(n) : where((at) => at.hour === n || at.day === n));
      continue;
    }
    if (/^\d+$/.test(word)) {
      // A long number (a phone number, a price) says nothing about the choice.
      continue;
    }
    const afterNumberWord = previous !== undefined && /^(nr|nummer|mulighed|tid|option|valg)$/.test(previous);
    if (Object.hasOwn(NUMBER_WORDS, word) && (afterNumberWord || tokens.length === 1)) {
      hints.push(byChoice(NUMBER_WORDS[word]!));
      continue;
    }
    if (Object.hasOwn(SAFE_NUMBER_WORDS, word)) hints.push(byChoice(SAFE_NUMBER_WORDS[word]!));
  }

  if (hints.length === 0) return { kind: 'unreadable' };
  let candidates = new Set(all);
  for (const hint of hints) candidates = new Set([...candidates].filter((choice) => hint.has(choice)));
  if (candidates.size !== 1) return { kind: 'unreadable' };
  return { kind: 'choice', choice: [...candidates][0]! };
}
