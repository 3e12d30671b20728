import { DateTime } from 'luxon';

/**
 * Quiet hours: a tenant's window ("21:00"–"08:00", in its time zone) in which no unsolicited text goes
 * out. A window whose start is after its end crosses midnight. Equal start and end means no quiet hours.
 */
export interface QuietHours {
  quietHoursStart: string;
  quietHoursEnd: string;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** When the quiet hours around `now` end, or null when `now` is outside them. */
export function quietHoursEndAfter(now: Date, rules: QuietHours, timezone: string): Date | null {
  const start = minutesOf(rules.quietHoursStart);
  const end = minutesOf(rules.quietHoursEnd);
  if (start === end) return null;
  const local = DateTime.fromJSDate(now, { zone: timezone });
  const minute = local.hour * 60 + local.minute;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  // Built from the local date and wall-clock time, so a daylight-saving night still ends at 08:00 local.
  const endToday = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  const endsAt = minute < end ? endToday : endToday.plus({ days: 1 });
  return endsAt.toJSDate();
}

/** The start of the tenant's calendar day containing `now`, for the daily cap. */
export function startOfTenantDay(now: Date, timezone: string): Date {
  return DateTime.fromJSDate(now, { zone: timezone }).startOf('day').toJSDate();
}
