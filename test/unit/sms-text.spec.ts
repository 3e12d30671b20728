import { describe, expect, it } from 'vitest';

import { formatAmount, formatHourlyPrice, formatShortDateTime } from '../../src/core/format/danish.js';
import { isGsm7, segmentInfo, toGsm7 } from '../../src/sms/text/gsm7.js';
import { quietHoursEndAfter } from '../../src/sms/text/quiet-hours.js';
import {
  cancellationFeeText,
  customerCancelledText,
  noBookingText,
  offerText,
  rescheduleOptionsText,
} from '../../src/sms/text/sms-texts.js';

describe('GSM-7 text', () => {
  it('keeps æ ø å and the rest of the GSM basic set', () => {
    const danish = 'Rødgrød med fløde, Århus, Æble, Øresund, café, Müller, Ñandu, Ibiza';
    expect(toGsm7(danish)).toBe(danish);
    expect(isGsm7(danish)).toBe(true);
  });

  it.each([
    ['Zoë Brontë', 'Zoe Bronte'],
    ['Jens’ hus', "Jens' hus"],
    ['“Hovedrengøring”', '"Hovedrengøring"'],
    ['10–12', '10-12'],
    ['Vent…', 'Vent...'],
    ['Łukasz Wiśniewski', 'Lukasz Wisniewski'],
    ['François', 'Francois'],
    ['Ærøskøbing Straße', 'Ærøskøbing Straße'],
    ['Tak 😊 vi ses 👍', 'Tak vi ses'],
    ['Kørsel\u00a0inkl.', 'Kørsel inkl.'],
    ['Hej 🇩🇰!', 'Hej !'],
    ['Göteborg Åsa', 'Göteborg Åsa'],
  ])('%j → %j', (input, expected) => {
    expect(toGsm7(input)).toBe(expected);
    expect(isGsm7(toGsm7(input))).toBe(true);
  });

  it('counts segments and encoding as Twilio does', () => {
    expect(segmentInfo('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(segmentInfo('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(segmentInfo('a'.repeat(306))).toEqual({ encoding: 'GSM-7', units: 306, segments: 2 });
    expect(segmentInfo('a'.repeat(307)).segments).toBe(3);
    // Extension characters cost two septets.
    expect(segmentInfo('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(segmentInfo('€'.repeat(81)).segments).toBe(2);
    expect(segmentInfo('æøå'.repeat(53)).encoding).toBe('GSM-7');
    // One character outside the set makes it all UCS-2.
    expect(segmentInfo('Hej Zoë')).toEqual({ encoding: 'UCS-2', units: 7, segments: 1 });
    expect(segmentInfo('ë'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(segmentInfo('😊'.repeat(35)).units).toBe(70);
  });
});

describe('Danish slot formatting', () => {
  const zone = 'Europe/Copenhagen';

  it('writes the start in the tenant zone', () => {
    expect(formatShortDateTime(new Date('2026-11-24T09:00:00Z'), zone)).toBe(
      'tirsdag d. 24. november kl. 10.00',
    );
  });

  it('is 10.00 local on both sides of the daylight-saving change', () => {
    expect(formatShortDateTime(new Date('2026-03-27T09:00:00Z'), zone)).toBe('fredag d. 27. marts kl. 10.00');
    expect(formatShortDateTime(new Date('2026-03-30T08:00:00Z'), zone)).toBe('mandag d. 30. marts kl. 10.00');
    expect(formatShortDateTime(new Date('2026-10-23T08:00:00Z'), zone)).toBe(
      'fredag d. 23. oktober kl. 10.00',
    );
    expect(formatShortDateTime(new Date('2026-10-26T09:00:00Z'), zone)).toBe(
      'mandag d. 26. oktober kl. 10.00',
    );
  });

  it('shows the hourly price incl. VAT, in kroner', () => {
    expect(formatHourlyPrice('349.00', '25.00')).toBe('436,25 kr./time inkl. moms');
    expect(formatHourlyPrice('400.00', '25.00')).toBe('500,00 kr./time inkl. moms');
    expect(formatAmount('1221.5')).toBe('1.221,50');
  });

  it('builds an offer that stays GSM-7 in two segments, transliterating the name', () => {
    const text = offerText({
      customerName: 'Zoë Brontë-Hansen',
      tenantName: 'Rendetalje',
      timezone: zone,
      slots: [
        { choice: 1, startsAt: new Date('2026-11-24T09:00:00Z') },
        { choice: 2, startsAt: new Date('2026-11-25T07:00:00Z') },
        { choice: 3, startsAt: new Date('2026-11-27T13:00:00Z') },
      ],
      hours: '3.5',
      hourlyRate: '349.00',
      vatRate: '25.00',
    });
    expect(text).toContain('Hej Zoe,');
    expect(text).toContain('1) tirsdag d. 24. november kl. 10.00');
    expect(text).toContain('3) fredag d. 27. november kl. 14.00');
    expect(text).toContain('Ca. 3,5 timer à 436,25 kr./time inkl. moms.');
    expect(text).toContain('Svar 1, 2 eller 3');
    expect(segmentInfo(text)).toMatchObject({ encoding: 'GSM-7', segments: 2 });
  });
});

describe('quiet hours', () => {
  const zone = 'Europe/Copenhagen';
  const rules = { quietHoursStart: '21:00', quietHoursEnd: '08:00' };

  it('holds a text sent at night until 08:00 local', () => {
    // 22:30 local on 24 November (UTC+1) → 08:00 local on the 25th.
    expect(quietHoursEndAfter(new Date('2026-11-24T21:30:00Z'), rules, zone)).toEqual(
      new Date('2026-11-25T07:00:00Z'),
    );
    // 06:00 local → 08:00 the same morning.
    expect(quietHoursEndAfter(new Date('2026-11-25T05:00:00Z'), rules, zone)).toEqual(
      new Date('2026-11-25T07:00:00Z'),
    );
  });

  it('lets daytime texts through', () => {
    expect(quietHoursEndAfter(new Date('2026-11-24T07:00:00Z'), rules, zone)).toBeNull();
    expect(quietHoursEndAfter(new Date('2026-11-24T19:59:00Z'), rules, zone)).toBeNull();
  });

  it('ends at 08:00 local across the spring change', () => {
    // 23:00 on Saturday 28 March (UTC+1) → 08:00 on Sunday 29 March, which is UTC+2.
    expect(quietHoursEndAfter(new Date('2026-03-28T22:00:00Z'), rules, zone)).toEqual(
      new Date('2026-03-29T06:00:00Z'),
    );
  });

  it('supports a window inside one day and none at all', () => {
    const lunch = { quietHoursStart: '12:00', quietHoursEnd: '13:00' };
    expect(quietHoursEndAfter(new Date('2026-11-24T11:30:00Z'), lunch, zone)).toEqual(
      new Date('2026-11-24T12:00:00Z'),
    );
    expect(
      quietHoursEndAfter(
        new Date('2026-11-24T21:30:00Z'),
        { quietHoursStart: '00:00', quietHoursEnd: '00:00' },
        zone,
      ),
    ).toBeNull();
  });
});

describe("the customer's own changes by SMS", () => {
  const ZONE = 'Europe/Copenhagen';
  // Monday 22 March 2027, 10.00 in Copenhagen (CET).
  const TUESDAY_10 = new Date('2027-03-22T09:00:00Z');

  it('says whether a cancellation is free, or what it costs and why, in one sentence', () => {
    expect(cancellationFeeText(null)).toBe('Aflysningen er gratis.');
    expect(cancellationFeeText({ hours: 24, feeInclVat: '312.5' })).toBe(
      'Da du har aflyst mindre end 24 timer før, opkræver vi et aflysningsgebyr på 312,50 kr. inkl. moms.',
    );
    expect(cancellationFeeText({ hours: 1, feeInclVat: '1250' })).toBe(
      'Da du har aflyst mindre end 1 time før, opkræver vi et aflysningsgebyr på 1.250,00 kr. inkl. moms.',
    );
  });

  it('confirms a cancellation with the date, time, address and fee, in GSM-7', () => {
    const text = customerCancelledText({
      tenantName: 'Rendetalje',
      timezone: ZONE,
      startsAt: TUESDAY_10,
      address: 'Søndergade 4, 8000 Aarhus C',
      customerName: 'Mette Holm',
      fee: { hours: 24, feeInclVat: '312.50' },
    });
    expect(text).toBe(
      'Hej Mette, din booking mandag d. 22. marts kl. 10.00 på Søndergade 4, 8000 Aarhus C er aflyst, som du bad om. ' +
        'Da du har aflyst mindre end 24 timer før, opkræver vi et aflysningsgebyr på 312,50 kr. inkl. moms. Mvh Rendetalje',
    );
    expect(isGsm7(text)).toBe(true);
  });

  it('numbers the times to move to, as the first offer does', () => {
    const text = rescheduleOptionsText({
      tenantName: 'Rendetalje',
      timezone: ZONE,
      customerName: null,
      startsAt: TUESDAY_10,
      slots: [
        { choice: 1, startsAt: new Date('2027-03-23T07:00:00Z') },
        { choice: 2, startsAt: new Date('2027-03-24T11:00:00Z') },
      ],
    });
    expect(text).toBe(
      [
        'Hej, din booking mandag d. 22. marts kl. 10.00 kan flyttes til:',
        '1) tirsdag d. 23. marts kl. 08.00',
        '2) onsdag d. 24. marts kl. 12.00',
        'Svar 1 eller 2 for at flytte den. Mvh Rendetalje',
      ].join('\n'),
    );
    expect(segmentInfo(text).segments).toBeLessThanOrEqual(2);
  });

  it('tells a number without an upcoming booking so', () => {
    expect(noBookingText({ tenantName: 'Rendetalje', customerName: 'Jens' })).toBe(
      'Hej Jens, vi kan ikke finde en kommende booking på dit nummer. Ring eller skriv til os, så hjælper vi. Mvh Rendetalje',
    );
  });
});
