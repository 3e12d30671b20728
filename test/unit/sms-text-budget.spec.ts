import { describe, expect, it } from 'vitest';

import { segmentInfo } from '../../src/sms/text/gsm7.js';
import {
  confirmationText,
  offerReminderText,
  offerText,
  reminderText,
} from '../../src/sms/text/sms-texts.js';

/**
 * The Danish forms (core/format/danish.ts) are longer than the old ones ("torsdag d. 24. september
 * kl. 10.00", "1.436,25 kr."): the longest weekday and month, two-decimal hours and a four-digit rate
 * still keep an offer of three times, also the repeated one, at two GSM-7 segments.
 */
describe('SMS segment budgets with the Danish forms', () => {
  const zone = 'Europe/Copenhagen';
  // Thursday 24, Wednesday 23 and Thursday 17 September 2026: "september" is the longest month name.
  const slots = [
    { choice: 1, startsAt: new Date('2026-09-24T08:00:00Z') },
    { choice: 2, startsAt: new Date('2026-09-23T12:00:00Z') },
    { choice: 3, startsAt: new Date('2026-09-17T12:00:00Z') },
  ];
  const offer = (retry: boolean) =>
    offerText({
      customerName: 'Christoffer Hansen',
      tenantName: 'Rendetalje ApS',
      timezone: zone,
      slots,
      hours: '12.25',
      hourlyRate: '1149.00',
      vatRate: '25.00',
      retry,
    });

  it('keeps the longest offer at two segments', () => {
    for (const retry of [false, true]) {
      const text = offer(retry);
      expect(text).toContain('1) torsdag d. 24. september kl. 10.00');
      expect(text).toContain('Ca. 12,25 timer à 1.436,25 kr./time inkl. moms.');
      expect(segmentInfo(text)).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    }
  });

  it('says "1 time" for one hour', () => {
    expect(
      confirmationText({
        tenantName: 'R',
        timezone: zone,
        startsAt: slots[0]!.startsAt,
        hours: 1,
        address: 'A',
      }),
    ).toContain('(ca. 1 time)');
  });

  it('keeps the confirmation and the reminder at one segment for a usual address', () => {
    const address = 'Søndergade 4, 8000 Aarhus C';
    const confirmation = confirmationText({
      tenantName: 'Rendetalje ApS',
      timezone: zone,
      startsAt: slots[0]!.startsAt,
      hours: '12.25',
      address,
    });
    expect(confirmation).toBe(
      'Tak! Du er booket torsdag d. 24. september kl. 10.00 (ca. 12,25 timer), Søndergade 4, 8000 Aarhus C. ' +
        'Du får en påmindelse dagen før. Mvh Rendetalje ApS',
    );
    expect(segmentInfo(confirmation)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const reminder = reminderText({
      tenantName: 'Rendetalje ApS',
      timezone: zone,
      startsAt: slots[0]!.startsAt,
      address,
    });
    expect(reminder).toBe(
      'Påmindelse: Vi kommer torsdag d. 24. september kl. 10.00, Søndergade 4, 8000 Aarhus C. Mvh Rendetalje ApS',
    );
    expect(segmentInfo(reminder)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('keeps the reminder of an unanswered offer at one segment, naming the numbers still open', () => {
    const reminder = (open: number[]) =>
      offerReminderText({
        customerName: 'Christoffer Hansen',
        tenantName: 'Rendetalje ApS',
        timezone: zone,
        open,
        answerBy: slots[0]!.startsAt,
      });
    expect(reminder([1, 2, 3])).toBe(
      "Hej Christoffer. Vi har endnu ikke hørt fra dig. Svar 1, 2 eller 3 på SMS'en med ledige tider " +
        'senest torsdag d. 24. september kl. 10.00. Mvh Rendetalje ApS',
    );
    expect(segmentInfo(reminder([1, 2, 3]))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(reminder([2, 3])).toContain('Svar 2 eller 3 på');
    expect(reminder([3])).toContain('Svar 3 på');
  });
});
