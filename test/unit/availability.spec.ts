import { describe, expect, it } from 'vitest';

import {
  bookableHours,
  bookableWindow,
  freeSlots,
  pickOffer,
  type SchedulingRules,
  type Slot,
  type TeamBusy,
} from '../../src/calendar/availability.js';
import {
  DEFAULT_CLOSED_DAYS,
  DEFAULT_SLOT_RULES,
  DEFAULT_WORKING_HOURS,
} from '../../src/tenants/tenant-defaults.js';

const RULES: SchedulingRules = {
  timezone: 'Europe/Copenhagen',
  workingHours: DEFAULT_WORKING_HOURS,
  slotRules: DEFAULT_SLOT_RULES,
  closedDays: DEFAULT_CLOSED_DAYS,
};
const TEAM = 'team-1';
const TEAM_2 = 'team-2';
const free = (busy: TeamBusy['busy'] = []): TeamBusy => ({ teamId: TEAM, busy });
const starts = (slots: Slot[]) => slots.map((slot) => slot.startsAt.toISOString());
const at = (iso: string) => new Date(iso);

describe('free slots across daylight saving (Europe/Copenhagen, 2026)', () => {
  it('keeps 10:00 at 10:00 local when summer time starts: Fri 27 March 09:00Z, Mon 30 March 08:00Z', () => {
    const slots = freeSlots(RULES, [free()], {
      from: at('2026-03-26T23:00:00Z'),
      to: at('2026-03-31T00:00:00Z'),
      durationHours: 2,
      now: at('2026-03-25T12:00:00Z'),
    });
    expect(starts(slots)).toEqual([
      '2026-03-27T07:00:00.000Z',
      '2026-03-27T09:00:00.000Z',
      '2026-03-27T11:00:00.000Z',
      '2026-03-27T13:00:00.000Z',
      '2026-03-30T06:00:00.000Z',
      '2026-03-30T08:00:00.000Z',
      '2026-03-30T10:00:00.000Z',
      '2026-03-30T12:00:00.000Z',
    ]);
    // A job keeps its real length over the change.
    expect(slots.every((slot) => slot.endsAt.getTime() - slot.startsAt.getTime() === 2 * 3600_000)).toBe(
      true,
    );
  });

  it('keeps 10:00 at 10:00 local when summer time ends: Fri 23 October 08:00Z, Mon 26 October 09:00Z', () => {
    const slots = freeSlots(RULES, [free()], {
      from: at('2026-10-22T22:00:00Z'),
      to: at('2026-10-27T00:00:00Z'),
      durationHours: 2,
      now: at('2026-10-20T12:00:00Z'),
    });
    const tenOClock = slots.filter((_, index) => index % 4 === 1).map((slot) => slot.startsAt.toISOString());
    expect(tenOClock).toEqual(['2026-10-23T08:00:00.000Z', '2026-10-26T09:00:00.000Z']);
    expect(slots).toHaveLength(8);
  });
});

describe('free slots', () => {
  const now = at('2026-03-20T12:00:00Z'); // Friday; Monday 23 March is the first bookable day
  const monday = { from: at('2026-03-23T00:00:00+01:00'), to: at('2026-03-24T00:00:00+01:00') };

  it('answers nothing for a full calendar', () => {
    const slots = freeSlots(
      RULES,
      [free([{ start: at('2026-03-23T00:00:00Z'), end: at('2026-03-28T00:00:00Z') }])],
      {
        from: at('2026-03-23T00:00:00Z'),
        to: at('2026-03-28T00:00:00Z'),
        durationHours: 1,
        now,
      },
    );
    expect(slots).toEqual([]);
  });

  it('offers what is left of a half-booked day, keeping the buffer clear', () => {
    // Booked 08:00–11:30 local: 10:00 would end in the job's buffer; 12:00 starts exactly 30 minutes after.
    const booked = { start: at('2026-03-23T07:00:00Z'), end: at('2026-03-23T10:30:00Z') };
    const slots = freeSlots(RULES, [free([booked])], { ...monday, durationHours: 3.5, now });
    // 14:00 + 3.5 h ends after 16:00, outside working hours.
    expect(slots).toEqual([
      { startsAt: at('2026-03-23T11:00:00Z'), endsAt: at('2026-03-23T14:30:00Z'), teamId: TEAM },
    ]);
  });

  it('blocks a start whose job would run into the buffer before the next booking', () => {
    const afternoon = { start: at('2026-03-23T13:00:00Z'), end: at('2026-03-23T15:00:00Z') }; // 14:00–16:00
    const slots = freeSlots(RULES, [free([afternoon])], { ...monday, durationHours: 2, now });
    // 12:00–14:00 would end at the booking's start, inside its 30-minute buffer.
    expect(starts(slots)).toEqual(['2026-03-23T07:00:00.000Z', '2026-03-23T09:00:00.000Z']);
  });

  it('skips Danish public holidays (skærtorsdag, langfredag, 2. påskedag 2026) and weekends', () => {
    const slots = freeSlots(RULES, [free()], {
      from: at('2026-04-01T00:00:00+02:00'),
      to: at('2026-04-08T00:00:00+02:00'),
      durationHours: 8,
      now: at('2026-03-27T12:00:00Z'),
    });
    expect(starts(slots)).toEqual(['2026-04-01T06:00:00.000Z', '2026-04-07T06:00:00.000Z']);
  });

  it('treats extra closed dates as closed, and holidays as open when the tenant turns them off', () => {
    const query = {
      from: at('2026-04-02T00:00:00+02:00'),
      to: at('2026-04-04T00:00:00+02:00'),
      durationHours: 8,
      now,
    };
    const open = { ...RULES, closedDays: { danishPublicHolidays: false, dates: ['2026-04-03'] } };
    expect(starts(freeSlots(open, [free()], query))).toEqual(['2026-04-02T06:00:00.000Z']);
  });

  it('lists a time once per free team, teams in the given order', () => {
    const other: TeamBusy = {
      teamId: TEAM_2,
      busy: [{ start: at('2026-03-23T07:00:00Z'), end: at('2026-03-23T08:00:00Z') }],
    };
    const slots = freeSlots(RULES, [free(), other], { ...monday, durationHours: 8, now });
    expect(slots.map((slot) => slot.teamId)).toEqual([TEAM]);
    const both = freeSlots(RULES, [free(), { teamId: TEAM_2, busy: [] }], {
      ...monday,
      durationHours: 4,
      now,
    });
    expect(both.map((slot) => `${slot.startsAt.toISOString()} ${slot.teamId}`)).toEqual([
      `2026-03-23T07:00:00.000Z ${TEAM}`,
      `2026-03-23T07:00:00.000Z ${TEAM_2}`,
      `2026-03-23T09:00:00.000Z ${TEAM}`,
      `2026-03-23T09:00:00.000Z ${TEAM_2}`,
      `2026-03-23T11:00:00.000Z ${TEAM}`,
      `2026-03-23T11:00:00.000Z ${TEAM_2}`,
    ]);
  });

  it('rounds the job up to the half hour', () => {
    expect(bookableHours(3.2)).toBe(3.5);
    expect(bookableHours(3.5)).toBe(3.5);
    expect(bookableHours(0.1)).toBe(0.5);
    const [slot] = freeSlots(RULES, [free()], { ...monday, durationHours: 3.2, now });
    expect(slot.endsAt.toISOString()).toBe('2026-03-23T10:30:00.000Z');
  });
});

describe('notice and horizon', () => {
  it('starts at the next working day: Friday afternoon books Monday, over Easter Tuesday', () => {
    expect(bookableWindow(RULES, at('2026-03-27T13:00:00Z')).start.toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    // Thursday 2 April 2026: skærtorsdag; the next working day is Tuesday 7 April (langfredag, weekend, 2. påskedag).
    expect(bookableWindow(RULES, at('2026-04-01T13:00:00Z')).start.toISOString()).toBe(
      '2026-04-06T22:00:00.000Z',
    );
  });

  it('with no notice, starts now, and never offers the past', () => {
    const rules = { ...RULES, slotRules: { ...RULES.slotRules, minimumNoticeDays: 0 } };
    const now = at('2026-03-23T09:30:00Z'); // Monday 10:30 local
    const slots = freeSlots(rules, [free()], {
      from: at('2026-03-23T00:00:00Z'),
      to: at('2026-03-24T00:00:00Z'),
      durationHours: 2,
      now,
    });
    expect(starts(slots)).toEqual(['2026-03-23T11:00:00.000Z', '2026-03-23T13:00:00.000Z']);
  });

  it('ends with the last day of the horizon', () => {
    const now = at('2026-03-09T12:00:00Z'); // Monday; horizon 14 days → up to Monday 23 March inclusive
    expect(bookableWindow(RULES, now).end.toISOString()).toBe('2026-03-23T23:00:00.000Z');
    const slots = freeSlots(RULES, [free()], {
      from: at('2026-03-20T00:00:00Z'),
      to: at('2026-04-01T00:00:00Z'),
      durationHours: 8,
      now,
    });
    expect(starts(slots)).toEqual(['2026-03-20T07:00:00.000Z', '2026-03-23T07:00:00.000Z']);
  });
});

describe('the offer', () => {
  const slot = (iso: string, hours: number, teamId = TEAM): Slot => ({
    startsAt: at(iso),
    endsAt: new Date(at(iso).getTime() + hours * 3600_000),
    teamId,
  });

  it('picks the earliest slot of each of the first three days, earliest first', () => {
    const slots = freeSlots(RULES, [free()], {
      from: at('2026-03-23T00:00:00Z'),
      to: at('2026-03-28T00:00:00Z'),
      durationHours: 2,
      now: at('2026-03-20T12:00:00Z'),
    });
    expect(starts(pickOffer(slots, 3, RULES.timezone))).toEqual([
      '2026-03-23T07:00:00.000Z',
      '2026-03-24T07:00:00.000Z',
      '2026-03-25T07:00:00.000Z',
    ]);
  });

  it('skips busy days and never offers two overlapping times (two teams free at once are one choice)', () => {
    const busyMonday = { start: at('2026-03-23T06:00:00Z'), end: at('2026-03-23T16:00:00Z') };
    const slots = freeSlots(RULES, [free([busyMonday]), { teamId: TEAM_2, busy: [busyMonday] }], {
      from: at('2026-03-23T00:00:00Z'),
      to: at('2026-03-28T00:00:00Z'),
      durationHours: 2,
      now: at('2026-03-20T12:00:00Z'),
    });
    const offer = pickOffer(slots, 3, RULES.timezone);
    expect(starts(offer)).toEqual([
      '2026-03-24T07:00:00.000Z',
      '2026-03-25T07:00:00.000Z',
      '2026-03-26T07:00:00.000Z',
    ]);
  });

  it('fills from the same day when fewer days are free, without overlaps', () => {
    const slots = [
      slot('2026-03-23T07:00:00Z', 2),
      slot('2026-03-23T07:00:00Z', 2, TEAM_2),
      slot('2026-03-23T09:00:00Z', 2),
      slot('2026-03-23T11:00:00Z', 2),
      slot('2026-03-24T13:00:00Z', 2),
    ];
    expect(pickOffer(slots, 3, RULES.timezone).map((s) => `${s.startsAt.toISOString()} ${s.teamId}`)).toEqual(
      [
        `2026-03-23T07:00:00.000Z ${TEAM}`,
        `2026-03-23T09:00:00.000Z ${TEAM}`,
        `2026-03-24T13:00:00.000Z ${TEAM}`,
      ],
    );
  });

  it('skips overlapping times of a long job', () => {
    const slots = [
      slot('2026-03-23T07:00:00Z', 5),
      slot('2026-03-23T09:00:00Z', 5),
      slot('2026-03-23T11:00:00Z', 5),
    ];
    expect(starts(pickOffer(slots, 3, RULES.timezone))).toEqual(['2026-03-23T07:00:00.000Z']);
  });

  it('answers nothing when nothing is free', () => {
    expect(pickOffer([], 3, RULES.timezone)).toEqual([]);
  });
});
