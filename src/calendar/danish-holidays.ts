/**
 * Danish public holidays (helligdage), the closed days a tenant gets by default (docs/architecture.md, Data
 * model). Only the official holidays: 24 and 31 December and Grundlovsdag are working days by law, and a
 * tenant that closes on them lists them in `closedDays.dates`. Store bededag was abolished from 2024 on (lov
 * nr. 203 af 28. februar 2023), so it counts only for earlier years.
 */

/** Easter Sunday in the Gregorian calendar (the anonymous algorithm of Meeus, Jones and Butcher). */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

const LAST_YEAR_WITH_STORE_BEDEDAG = 2023;

/** Days after Easter Sunday, with their Danish names. */
const EASTER_OFFSETS: ReadonlyArray<[number, string]> = [
  [-3, 'Skærtorsdag'],
  [-2, 'Langfredag'],
  [0, 'Påskedag'],
  [1, '2. påskedag'],
  [39, 'Kristi himmelfartsdag'],
  [49, 'Pinsedag'],
  [50, '2. pinsedag'],
];

const pad = (n: number) => String(n).padStart(2, '0');
/** Calendar arithmetic in UTC: dates here are days, not instants, so no zone can shift them. */
const isoDate = (date: Date) =>
  `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;

/** The year's holidays as `YYYY-MM-DD` → Danish name, in date order. */
export function danishPublicHolidays(year: number): Map<string, string> {
  const easter = easterSunday(year);
  const easterDay = Date.UTC(year, easter.month - 1, easter.day);
  const days: Array<[string, string]> = [[`${year}-01-01`, 'Nytårsdag']];
  const offsets: Array<[number, string]> = [...EASTER_OFFSETS];
  if (year <= LAST_YEAR_WITH_STORE_BEDEDAG) offsets.push([26, 'Store bededag']);
  for (const [offset, name] of offsets) {
    days.push([isoDate(new Date(easterDay + offset * 86_400_000)), name]);
  }
  days.push([`${year}-12-25`, 'Juledag'], [`${year}-12-26`, '2. juledag']);
  return new Map(days.sort(([a], [b]) => a.localeCompare(b)));
}

/** Whether a `YYYY-MM-DD` day is a Danish public holiday. */
export function isDanishPublicHoliday(date: string): boolean {
  return danishPublicHolidays(Number(date.slice(0, 4))).has(date);
}
