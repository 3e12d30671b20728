import { describe, expect, it } from 'vitest';

import { parseReply, type ReplyMeaning } from '../../src/sms/text/reply-parser.js';

const ZONE = 'Europe/Copenhagen';
/** The offer the customer answers: tirsdag 24. nov kl. 10:00, onsdag 25. nov kl. 08:00, fredag 27. nov kl. 14:00. */
const OFFER = [
  { choice: 1, startsAt: new Date('2026-11-24T09:00:00Z') },
  { choice: 2, startsAt: new Date('2026-11-25T07:00:00Z') },
  { choice: 3, startsAt: new Date('2026-11-27T13:00:00Z') },
];
/** Two times on the same Tuesday: "tirsdag" alone is then not enough. */
const TWO_ON_TUESDAY = [
  { choice: 1, startsAt: new Date('2026-12-01T07:00:00Z') },
  { choice: 2, startsAt: new Date('2026-12-01T11:00:00Z') },
  { choice: 3, startsAt: new Date('2026-12-03T09:00:00Z') },
];

const choice = (n: number): ReplyMeaning => ({ kind: 'choice', choice: n });
const unreadable: ReplyMeaning = { kind: 'unreadable' };

// Real-looking answers to the offer above, and what each means.
const TABLE: ReadonlyArray<[string, ReplyMeaning]> = [
  ['1', choice(1)],
  ['2', choice(2)],
  ['3', choice(3)],
  [' 2 ', choice(2)],
  ['2.', choice(2)],
  ['nr. 2', choice(2)],
  ['Nr 3', choice(3)],
  ['nr.1', choice(1)],
  ['Nummer 2 tak', choice(2)],
  ['nummer to', choice(2)],
  ['#3', choice(3)],
  ['(1)', choice(1)],
  ['den anden', choice(2)],
  ['Den første tak', choice(1)],
  ['Jeg tager den tredje 👍', choice(3)],
  ['den sidste', choice(3)],
  ['tirsdag', choice(1)],
  ['Tirsdag passer fint', choice(1)],
  ['Fredag kl 14 er perfekt', choice(3)],
  ['onsdag kl. 8', choice(2)],
  ['kl 10', choice(1)],
  ['10:00', choice(1)],
  ['Den 25. november', choice(2)],
  ['27/11', choice(3)],
  ['Ja tak, nr 2 passer fint. Mvh Hanne', choice(2)],
  ['2 😊', choice(2)],
  ['2️⃣', choice(2)],
  ['👍👍 3 👍👍', choice(3)],
  ['Tre', choice(3)],
  ['Hej! Vi tager tid 1. Hilsen Jens og Lone', choice(1)],
  ['tirsdag kl 10', choice(1)],
  // Hints that disagree, or none at all: asking again is better than booking the wrong day.
  ['tirsdag kl 14', unreadable],
  ['1 eller 2', unreadable],
  ['Ja', unreadable],
  ['ok 👍', unreadable],
  ['Ingen af dem passer desværre', unreadable],
  // Tuesday is offered, but "instead" asks for another time: a person answers it (a notification).
  ['Kan I komme tirsdag i stedet?', unreadable],
  ['kan I komme torsdag i stedet?', unreadable],
  ['4', unreadable],
  ['lørdag', unreadable],
  ['Hvad koster det?', unreadable],
  ['', unreadable],
  ['Ring på 22 33 44 55', unreadable],
  // Whole-message keywords.
  ['STOP', { kind: 'opt_out', keyword: 'STOP' }],
  ['stop', { kind: 'opt_out', keyword: 'STOP' }],
  ['Stop!', { kind: 'opt_out', keyword: 'STOP' }],
  ['STOPALL', { kind: 'opt_out', keyword: 'STOPALL' }],
  ['Afmeld', { kind: 'opt_out', keyword: 'AFMELD' }],
  ['UNSUBSCRIBE', { kind: 'opt_out', keyword: 'UNSUBSCRIBE' }],
  ['cancel', { kind: 'opt_out', keyword: 'CANCEL' }],
  ['END', { kind: 'opt_out', keyword: 'END' }],
  ['quit', { kind: 'opt_out', keyword: 'QUIT' }],
  ['START', { kind: 'opt_in', keyword: 'START' }],
  ['unstop', { kind: 'opt_in', keyword: 'UNSTOP' }],
  ['Yes', { kind: 'opt_in', keyword: 'YES' }],
  ['stop ikke tirsdag', choice(1)],
  // The customer's own changes: the whole reply is the word, whatever the case and punctuation.
  ['AFLYS', { kind: 'cancel_booking', keyword: 'AFLYS' }],
  ['aflys', { kind: 'cancel_booking', keyword: 'AFLYS' }],
  ['Aflys!', { kind: 'cancel_booking', keyword: 'AFLYS' }],
  ['aflyse', { kind: 'cancel_booking', keyword: 'AFLYSE' }],
  ['FLYT', { kind: 'move_booking', keyword: 'FLYT' }],
  ['Flyt.', { kind: 'move_booking', keyword: 'FLYT' }],
  ['flytte', { kind: 'move_booking', keyword: 'FLYTTE' }],
  // In a sentence they ask a person: a guess could cancel a booking the customer meant to keep.
  ['kan I aflyse?', unreadable],
  ['flyt til fredag', choice(3)],
  ['aflys ikke', unreadable],
];

describe('SMS reply grammar', () => {
  it.each(TABLE)('%j → %j', (body, meaning) => {
    expect(parseReply(body, OFFER, ZONE)).toEqual(meaning);
  });

  it('a weekday with two offered times needs more: the time picks one', () => {
    expect(parseReply('tirsdag', TWO_ON_TUESDAY, ZONE)).toEqual(unreadable);
    expect(parseReply('tirsdag kl 12', TWO_ON_TUESDAY, ZONE)).toEqual(choice(2));
    expect(parseReply('torsdag', TWO_ON_TUESDAY, ZONE)).toEqual(choice(3));
  });

  it('without an offer only the keywords mean something', () => {
    expect(parseReply('2', [], ZONE)).toEqual(unreadable);
    expect(parseReply('STOP', [], ZONE)).toEqual({ kind: 'opt_out', keyword: 'STOP' });
  });

  it('AFLYS and FLYT mean the same without an offer: they are about a booking, not an offer', () => {
    expect(parseReply('AFLYS', [], ZONE)).toEqual({ kind: 'cancel_booking', keyword: 'AFLYS' });
    expect(parseReply('flyt', [], ZONE)).toEqual({ kind: 'move_booking', keyword: 'FLYT' });
    expect(parseReply('flyt til fredag', [], ZONE)).toEqual(unreadable);
  });

  it('reads a two-slot offer', () => {
    expect(parseReply('3', OFFER.slice(0, 2), ZONE)).toEqual(unreadable);
    expect(parseReply('2', OFFER.slice(0, 2), ZONE)).toEqual(choice(2));
  });
});
