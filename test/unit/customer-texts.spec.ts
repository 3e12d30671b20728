import { describe, expect, it } from 'vitest';

import { paymentLines } from '../../src/invoices/invoice-document.js';
import {
  EMAIL_PLACEHOLDERS,
  WRITTEN_EMAIL_TYPES,
  bookingVariables,
  personVariables,
} from '../../src/email/email-variables.js';
import { MissingPlaceholderError, placeholdersIn, renderTemplate } from '../../src/email/email-template.js';
import { leadReplyVariables, type LeadReplyInput, type ReplyPlan } from '../../src/intake/lead-reply.js';
import { DEFAULT_EMAIL_TEMPLATES } from '../../src/tenants/tenant-defaults.js';
import type { EmailTemplateType } from '../../src/generated/prisma/enums.js';

/**
 * Every e-mail a customer gets, rendered from the seeded templates with each variant of its values:
 * the exact Danish wording is pinned here, and a placeholder our code leaves without a value fails.
 */
const CPH = 'Europe/Copenhagen';
// Tuesday 23 March 2027, 10.00 in Copenhagen.
const TUESDAY_10 = new Date('2027-03-23T09:00:00Z');
const WEDNESDAY_8 = new Date('2027-03-24T07:00:00Z');
const FRIDAY_8 = new Date('2027-03-26T07:00:00Z');
const TUESDAY_2330 = new Date('2027-03-23T22:30:00Z');

const template = (type: EmailTemplateType) => DEFAULT_EMAIL_TEMPLATES.find((t) => t.type === type)!;

/** Renders a seeded template as EmailService does, strictly, with the tenant's name added. */
function render(type: EmailTemplateType, variables: Record<string, string>) {
  const all = { companyName: 'Rendetalje ApS', ...variables };
  const required = EMAIL_PLACEHOLDERS[type];
  const subject = renderTemplate(template(type).subject, all, required).text;
  const body = renderTemplate(template(type).content, all, required).text;
  expect(`${subject}\n${body}`).not.toMatch(/\{\{|\}\}|Ukendt|efter aftale|et antal|undefined|null|NaN/);
  return { subject, body };
}

const lead = (overrides: Partial<LeadReplyInput> = {}): LeadReplyInput => ({
  customerName: 'Mette Holm Sørensen',
  serviceType: 'Flytterengøring',
  address: 'Søndergade 4',
  postalCode: '8000',
  city: 'Aarhus C',
  estimatedHours: 2.5,
  hourlyRate: '349.00',
  vatRate: '25.00',
  timezone: CPH,
  plan: { kind: 'sms_now' },
  now: TUESDAY_10,
  ...overrides,
});
const reply = (overrides: Partial<LeadReplyInput> = {}) =>
  render('lead_response', leadReplyVariables(lead(overrides)));

describe('the seeded templates', () => {
  it('use only the placeholders their type is filled with', () => {
    for (const t of DEFAULT_EMAIL_TEMPLATES) {
      const used = placeholdersIn(`${t.subject}\n${t.content}`);
      expect(
        used.filter((name) => !(EMAIL_PLACEHOLDERS[t.type] as readonly string[]).includes(name)),
      ).toEqual([]);
    }
  });

  it('exist for every type, once (staff notifications, invoices, invitations and reset links are written whole, without a template)', () => {
    const templated = Object.keys(EMAIL_PLACEHOLDERS).filter(
      (type) => !(WRITTEN_EMAIL_TYPES as readonly string[]).includes(type),
    );
    expect(DEFAULT_EMAIL_TEMPLATES.map((t) => t.type).sort()).toEqual(templated.sort());
  });

  it('fail loudly when our code leaves a placeholder of the type without a value', () => {
    const { greeting: _greeting, ...withoutGreeting } = leadReplyVariables(lead());
    expect(() => render('lead_response', withoutGreeting)).toThrow(MissingPlaceholderError);
    expect(() => render('lead_response', withoutGreeting)).toThrow(/greeting/);
  });

  it('render a word a business typed that no code fills as nothing, never as {{…}}', () => {
    const rendered = renderTemplate('Hej {{kaelenavn}}!', {}, ['greeting']);
    expect(rendered).toEqual({ text: 'Hej !', missing: ['kaelenavn'] });
  });
});

describe('the first reply', () => {
  it('with hours and an SMS on its way', () => {
    expect(reply()).toEqual({
      subject: 'Tak for din forespørgsel om flytterengøring',
      body: [
        'Hej Mette',
        '',
        'Tak for din forespørgsel om flytterengøring på Søndergade 4, 8000 Aarhus C.',
        'Vi anslår opgaven til ca. 2,5 timer, svarende til ca. 1.090,63 kr. inkl. moms.',
        '',
        'Om lidt får du en SMS med ledige tider. Svar med tallet ud for den tid, der passer dig, så er den booket.',
        '',
        'Venlig hilsen',
        'Rendetalje ApS',
      ].join('\n'),
    });
  });

  it('says "1 time" for one hour', () => {
    expect(reply({ estimatedHours: 1 }).body).toContain(
      'Vi anslår opgaven til ca. 1 time, svarende til ca. 436,25 kr. inkl. moms.',
    );
  });

  it('quotes the hourly price when the hours are not known, never "efter aftale kr."', () => {
    for (const estimatedHours of [null, 0]) {
      expect(reply({ estimatedHours }).body).toContain(
        'Vi tager 436,25 kr. i timen inkl. moms. Hvor mange timer opgaven tager, aftaler vi med dig.',
      );
    }
  });

  it.each<[string, ReplyPlan, Date, string]>([
    [
      'the SMS later today (quiet hours after midnight)',
      { kind: 'sms_later', at: WEDNESDAY_8 },
      new Date('2027-03-24T01:30:00Z'),
      'Du får en SMS med ledige tider i dag fra kl. 08.00. Svar med tallet ud for den tid, der passer dig, så er den booket.',
    ],
    [
      'the SMS tomorrow morning (quiet hours in the evening)',
      { kind: 'sms_later', at: WEDNESDAY_8 },
      TUESDAY_2330,
      'Du får en SMS med ledige tider i morgen fra kl. 08.00. Svar med tallet ud for den tid, der passer dig, så er den booket.',
    ],
    [
      'the SMS on a later day',
      { kind: 'sms_later', at: FRIDAY_8 },
      TUESDAY_10,
      'Du får en SMS med ledige tider fredag d. 26. marts 2027 fra kl. 08.00. Svar med tallet ud for den tid, der passer dig, så er den booket.',
    ],
    ['a call', { kind: 'call' }, TUESDAY_10, 'Vi ringer til dig snarest for at aftale en tid.'],
    [
      'an e-mail (no phone number)',
      { kind: 'write' },
      TUESDAY_10,
      'Vi skriver til dig snarest for at aftale en tid. Vil du hellere ringes op, så svar blot på denne e-mail med dit telefonnummer.',
    ],
  ])('promises %s, and nothing about an SMS "om lidt"', (_what, plan, now, sentence) => {
    const { body } = reply({ plan, now });
    expect(body).toContain(`\n${sentence}\n`);
    expect(body).not.toContain('Om lidt');
    if (plan.kind === 'call' || plan.kind === 'write') expect(body).not.toContain('SMS');
  });

  it.each([
    ['Mette Holm Sørensen', 'Hej Mette'],
    ['  mette  ', 'Hej mette'],
    [null, 'Hej'],
    ['', 'Hej'],
    ['Ukendt kunde', 'Hej'],
    ['Fynsk Revision ApS', 'Hej Fynsk Revision ApS'],
    ['Bager Hansen A/S', 'Hej Bager Hansen A/S'],
  ])('greets %j as %j', (customerName, greeting) => {
    expect(reply({ customerName }).body.split('\n')[0]).toBe(greeting);
  });

  it.each([
    ['Flytterengøring', 'flytterengøring'],
    ['Fast rengøring', 'fast rengøring'],
    ['Vinduespudsning', 'vinduespudsning'],
    ['', 'rengøring'],
    ['ABC-rengøring', 'ABC-rengøring'],
  ])('writes the service %j as %j mid-sentence', (serviceType, written) => {
    const { subject, body } = reply({ serviceType });
    expect(subject).toBe(`Tak for din forespørgsel om ${written}`);
    expect(body).toContain(`Tak for din forespørgsel om ${written} på Søndergade 4`);
  });

  it('leaves out an address the lead did not give', () => {
    expect(reply({ address: '', postalCode: '', city: '' }).body).toContain(
      'Tak for din forespørgsel om flytterengøring.\n',
    );
    expect(reply({ address: '', postalCode: '2800', city: 'Kongens Lyngby' }).body).toContain(
      'om flytterengøring på 2800 Kongens Lyngby.',
    );
  });
});

describe('the booking e-mails', () => {
  const booking = bookingVariables({
    customerName: 'Mette Holm Sørensen',
    serviceType: 'Flytterengøring',
    address: 'Søndergade 4',
    postalCode: '8000',
    city: 'Aarhus C',
    startsAt: TUESDAY_10,
    durationHours: '2.5',
    totalInclVat: '1090.63',
    timezone: CPH,
  });

  it('confirm a booking', () => {
    expect(render('booking_confirmation', booking)).toEqual({
      subject: 'Din booking er bekræftet: tirsdag d. 23. marts 2027 kl. 10.00',
      body: [
        'Hej Mette',
        '',
        'Tak for din booking. Vi kommer tirsdag d. 23. marts 2027 kl. 10.00 til Søndergade 4, 8000 Aarhus C.',
        'Opgave: flytterengøring, ca. 2,5 timer, i alt ca. 1.090,63 kr. inkl. moms.',
        '',
        'Skal tiden ændres, så svar blot på denne e-mail.',
        '',
        'Venlig hilsen',
        'Rendetalje ApS',
      ].join('\n'),
    });
  });

  it('tell of a move', () => {
    expect(render('booking_moved', booking)).toEqual({
      subject: 'Din booking er ændret: tirsdag d. 23. marts 2027 kl. 10.00',
      body: [
        'Hej Mette',
        '',
        'Vi har ændret din booking. Vi kommer nu tirsdag d. 23. marts 2027 kl. 10.00 til Søndergade 4, 8000 Aarhus C.',
        'Opgave: flytterengøring, ca. 2,5 timer, i alt ca. 1.090,63 kr. inkl. moms.',
        '',
        'Passer det nye tidspunkt ikke, så svar blot på denne e-mail.',
        '',
        'Venlig hilsen',
        'Rendetalje ApS',
      ].join('\n'),
    });
  });

  it('tell of a cancellation', () => {
    expect(render('booking_cancelled', booking)).toEqual({
      subject: 'Din booking tirsdag d. 23. marts 2027 kl. 10.00 er aflyst',
      body: [
        'Hej Mette',
        '',
        'Vi har aflyst din flytterengøring tirsdag d. 23. marts 2027 kl. 10.00 på Søndergade 4, 8000 Aarhus C.',
        '',
        'Ønsker du en ny tid, så svar blot på denne e-mail.',
        '',
        'Venlig hilsen',
        'Rendetalje ApS',
      ].join('\n'),
    });
  });

  it('say "1 time" for one hour', () => {
    const oneHour = bookingVariables({
      customerName: 'Ukendt kunde',
      serviceType: '',
      address: 'Søndergade 4',
      postalCode: '8000',
      city: 'Aarhus C',
      startsAt: TUESDAY_10,
      durationHours: 1,
      totalInclVat: '436.25',
      timezone: CPH,
    });
    const { body } = render('booking_confirmation', oneHour);
    expect(body).toMatch(/^Hej\n/);
    expect(body).toContain('Opgave: rengøring, ca. 1 time, i alt ca. 436,25 kr. inkl. moms.');
  });

  it('remind of a booking', () => {
    const { subject, body } = render('booking_reminder', {
      ...personVariables('Mette Holm Sørensen'),
      serviceType: 'flytterengøring',
      bookingDate: booking.bookingDate,
      bookingTime: booking.bookingTime,
      address: booking.address,
    });
    expect(subject).toBe('Påmindelse: vi kommer tirsdag d. 23. marts 2027 kl. 10.00');
    expect(body).toBe(
      [
        'Hej Mette',
        '',
        'En venlig påmindelse om, at vi kommer tirsdag d. 23. marts 2027 kl. 10.00 til Søndergade 4, 8000 Aarhus C.',
        '',
        'Venlig hilsen',
        'Rendetalje ApS',
      ].join('\n'),
    );
  });
});

describe('the payment reminder', () => {
  it('names the invoice, the amount and the due date the Danish way, and how to pay', () => {
    expect(
      render('invoice_reminder', {
        ...personVariables('Fynsk Revision ApS'),
        invoiceNumber: '1042',
        total: '1.526,88',
        dueDate: 'tirsdag d. 23. marts 2027',
        paymentDetails: paymentLines(
          { bankRegNo: '1234', bankAccountNo: '0012345678', fikCreditorNo: null, mobilePayNumber: '12345' },
          '1042',
        ).join('\n'),
      }),
    ).toEqual({
      subject: 'Påmindelse om faktura nr. 1042',
      body: [
        'Hej Fynsk Revision ApS',
        '',
        'Vi har endnu ikke modtaget betaling for faktura nr. 1042 på 1.526,88 kr. inkl. moms',
        'med forfald tirsdag d. 23. marts 2027. Vi beder dig venligst betale beløbet hurtigst muligt.',
        '',
        'Bankoverførsel: reg.nr. 1234, kontonr. 0012345678',
        'MobilePay: 12345',
        'Skriv fakturanummer 1042 ved betalingen.',
        '',
        'Har du allerede betalt, kan du se bort fra denne påmindelse.',
        '',
        'Venlig hilsen',
        'Rendetalje ApS',
      ].join('\n'),
    });
  });
});
