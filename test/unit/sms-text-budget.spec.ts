import { describe, expect, it } from 'vitest';

import { segmentInfo } from '../../src/sms/text/gsm7.js';
import {
  bookingCancelledText,
  bookingMovedText,
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
      'Tak! Du er booket torsdag d. 24. september kl. 10.00 (ca. 12,25 timer) på Søndergade 4, 8000 Aarhus C. ' +
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
      'Påmindelse: Vi kommer torsdag d. 24. september kl. 10.00 til Søndergade 4, 8000 Aarhus C. Mvh Rendetalje ApS',
    );
    expect(segmentInfo(reminder)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('keeps the notices of a booking moved or cancelled by staff at one segment for a usual address', () => {
    const address = 'Søndergade 4, 8000 Aarhus C';
    const moved = bookingMovedText({
      tenantName: 'Rendetalje ApS',
      timezone: zone,
      startsAt: slots[0]!.startsAt,
      hours: '12.25',
      address,
    });
    expect(moved).toBe(
      'Din booking er ændret. Vi kommer nu torsdag d. 24. september kl. 10.00 (ca. 12,25 timer) ' +
        'til Søndergade 4, 8000 Aarhus C. Mvh Rendetalje ApS',
    );
    expect(segmentInfo(moved)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const cancelled = bookingCancelledText({
      tenantName: 'Rendetalje ApS',
      timezone: zone,
      startsAt: slots[0]!.startsAt,
      address,
    });
    expect(cancelled).toBe(
      'Vi har aflyst din booking torsdag d. 24. september kl. 10.00 på Søndergade 4, 8000 Aarhus C. ' +
        'Kontakt os, hvis du ønsker en ny tid. Mvh Rendetalje ApS',
    );
    expect(segmentInfo(cancelled)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('greets by first name, a company by its whole name, and nobody as "Ukendt"', () => {
    const greetingOf = (customerName: string) =>
      offerText({
        customerName,
        tenantName: 'R',
        timezone: zone,
        slots,
        hours: 2,
        hourlyRate: '349',
        vatRate: '25',
      }).split('\n')[0];
    expect(greetingOf('Mette Holm Sørensen')).toBe('Hej Mette, tak for din henvendelse. Vi kan komme:');
    expect(greetingOf('Ukendt kunde')).toBe('Hej, tak for din henvendelse. Vi kan komme:');
    expect(greetingOf('Fynsk Revision ApS')).toBe(
      'Hej Fynsk Revision ApS, tak for din henvendelse. Vi kan komme:',
    );
    // A long company name would push the offer to a third segment: the plain greeting then.
    expect(greetingOf('Nordjysk Erhvervsrengøring og Vinduespudsning ApS')).toBe(
      'Hej, tak for din henvendelse. Vi kan komme:',
    );
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
      "Hej Christoffer, vi har endnu ikke hørt fra dig. Svar 1, 2 eller 3 på SMS'en med ledige tider " +
        'senest torsdag d. 24. september kl. 10.00. Mvh Rendetalje ApS',
    );
    expect(segmentInfo(reminder([1, 2, 3]))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(reminder([2, 3])).toContain('Svar 2 eller 3 på');
    expect(reminder([3])).toContain('Svar 3 på');
  });
});
