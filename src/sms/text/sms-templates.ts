import { renderTemplate } from '../../email/email-template.js';
import type { SmsTemplateType } from '../../generated/prisma/enums.js';
import { segmentInfo, toGsm7, type SegmentInfo } from './gsm7.js';

/**
 * The SMS texts customers get, as templates with `{{placeholders}}`: the one place their default
 * wording lives. A tenant may store its own wording of each (table sms_templates, edited through
 * /sms-templates); without one the default here is sent. The values come from sms-texts.ts, written
 * with core/format/danish.ts; the rendered text is made GSM-7 before it is sent.
 *
 * - `greeting`: "Hej Mette", or "Hej" without a (short enough) name: the template adds the comma;
 * - `slots`: the numbered times, one a line ("1) torsdag d. 24. september kl. 10.00");
 * - `choices`: "Svar 1, 2 eller 3" (or "Svar 1"): the numbers the customer may answer;
 * - `dateTime`, `answerBy`: "torsdag d. 24. september kl. 10.00";
 * - `duration`: "2,5 timer"; `hourlyPrice`: "436,25 kr./time inkl. moms"; `address`: "Søndergade 4, 8000 Aarhus C";
 * - `feeText`: one whole sentence on what a cancellation by the customer costs ("Aflysningen er gratis.").
 */
const PERSON = ['companyName', 'greeting', 'firstName'] as const;
const OFFER = [...PERSON, 'slots', 'duration', 'hourlyPrice', 'choices'] as const;
const BOOKING = [...PERSON, 'dateTime', 'duration', 'address'] as const;

export const SMS_PLACEHOLDERS = {
  offer: OFFER,
  offer_retry: OFFER,
  offer_reminder: [...PERSON, 'choices', 'answerBy'],
  no_slots: PERSON,
  booking_confirmation: BOOKING,
  booking_moved: BOOKING,
  booking_cancelled: [...PERSON, 'dateTime', 'address'],
  booking_reminder: [...PERSON, 'dateTime', 'address'],
  help: [...PERSON, 'choices'],
  opt_out: ['companyName'],
  opt_in: ['companyName'],
  booking_cancelled_by_customer: [...PERSON, 'dateTime', 'address', 'feeText'],
  booking_moved_by_customer: BOOKING,
  reschedule_options: [...PERSON, 'dateTime', 'slots', 'choices'],
  no_booking: PERSON,
} as const satisfies Record<SmsTemplateType, readonly string[]>;

/** What a tenant's wording cannot leave out: an offer without its times cannot be answered. */
export const SMS_REQUIRED_IN_TEXT: Readonly<Partial<Record<SmsTemplateType, readonly string[]>>> = {
  offer: ['slots'],
  offer_retry: ['slots'],
  reschedule_options: ['slots'],
};

export type SmsPlaceholder<T extends SmsTemplateType> = (typeof SMS_PLACEHOLDERS)[T][number];
export type SmsVariables<T extends SmsTemplateType> = Record<SmsPlaceholder<T>, string>;

export interface SmsTemplateDefault {
  /** What the text is, for the people who edit it. */
  name: string;
  body: string;
}

/** The default wording of every customer SMS. */
export const DEFAULT_SMS_TEMPLATES: Readonly<Record<SmsTemplateType, SmsTemplateDefault>> = {
  offer: {
    name: 'Ledige tider',
    body: [
      '{{greeting}}, tak for din henvendelse. Vi kan komme:',
      '{{slots}}',
      'Ca. {{duration}} à {{hourlyPrice}}.',
      '{{choices}} for at booke. Mvh {{companyName}}',
    ].join('\n'),
  },
  offer_retry: {
    name: 'Nye tider, når den valgte er optaget',
    body: [
      '{{greeting}}, den tid, du valgte, er desværre ikke længere ledig. Nye tider:',
      '{{slots}}',
      'Ca. {{duration}} à {{hourlyPrice}}.',
      '{{choices}} for at booke. Mvh {{companyName}}',
    ].join('\n'),
  },
  offer_reminder: {
    name: 'Påmindelse om ledige tider',
    body:
      '{{greeting}}, vi har endnu ikke hørt fra dig. ' +
      "{{choices}} på SMS'en med ledige tider senest {{answerBy}}. Mvh {{companyName}}",
  },
  no_slots: {
    name: 'Ingen ledige tider',
    body:
      'Tak for din henvendelse. Vi har desværre ingen ledige tider lige nu, så vi ringer til dig. ' +
      'Mvh {{companyName}}',
  },
  booking_confirmation: {
    name: 'Bekræftelse af booking',
    body:
      'Tak! Du er booket {{dateTime}} (ca. {{duration}}) på {{address}}. ' +
      'Du får en påmindelse dagen før. Mvh {{companyName}}',
  },
  booking_moved: {
    name: 'Booking ændret',
    body:
      'Din booking er ændret. Vi kommer nu {{dateTime}} (ca. {{duration}}) til {{address}}. ' +
      'Mvh {{companyName}}',
  },
  booking_cancelled: {
    name: 'Booking aflyst',
    body:
      'Vi har aflyst din booking {{dateTime}} på {{address}}. ' +
      'Kontakt os, hvis du ønsker en ny tid. Mvh {{companyName}}',
  },
  booking_reminder: {
    name: 'Påmindelse om booking',
    body: 'Påmindelse: Vi kommer {{dateTime}} til {{address}}. Mvh {{companyName}}',
  },
  help: {
    name: 'Svar, vi ikke forstod',
    body:
      'Vi forstod ikke dit svar. {{choices}} for at vælge en tid, ' +
      'eller svar STOP for at afmelde SMS. Mvh {{companyName}}',
  },
  opt_out: {
    name: 'Afmeldt SMS',
    body: 'Du er afmeldt SMS fra {{companyName}}. Svar START for at tilmelde dig igen.',
  },
  opt_in: {
    name: 'Tilmeldt SMS igen',
    body: 'Du får igen SMS fra {{companyName}}. Svar STOP for at afmelde dig.',
  },
  booking_cancelled_by_customer: {
    name: 'Kunden har aflyst',
    body:
      '{{greeting}}, din booking {{dateTime}} på {{address}} er aflyst, som du bad om. ' +
      '{{feeText}} Mvh {{companyName}}',
  },
  booking_moved_by_customer: {
    name: 'Kunden har flyttet sin booking',
    body:
      '{{greeting}}, din booking er flyttet, som du bad om. Vi kommer nu {{dateTime}} ' +
      '(ca. {{duration}}) til {{address}}. Mvh {{companyName}}',
  },
  reschedule_options: {
    name: 'Tider at flytte bookingen til',
    body: [
      '{{greeting}}, din booking {{dateTime}} kan flyttes til:',
      '{{slots}}',
      '{{choices}} for at flytte den. Mvh {{companyName}}',
    ].join('\n'),
  },
  no_booking: {
    name: 'Ingen booking at aflyse eller flytte',
    body:
      '{{greeting}}, vi kan ikke finde en kommende booking på dit nummer. ' +
      'Ring eller skriv til os, så hjælper vi. Mvh {{companyName}}',
  },
};

export const SMS_TEMPLATE_TYPES = Object.keys(DEFAULT_SMS_TEMPLATES) as SmsTemplateType[];

/** The most an SMS template may render to: two segments (306 GSM-7 characters, 134 in UCS-2). */
export const MAX_SMS_SEGMENTS = 2;

/**
 * A template of `type` filled with `variables`, as it is sent: GSM-7. Every placeholder the type
 * declares must have a value (MissingPlaceholderError otherwise); any other renders empty.
 */
export function renderSms<T extends SmsTemplateType>(
  type: T,
  template: string,
  variables: SmsVariables<NoInfer<T>>,
): string {
  return toGsm7(renderTemplate(template, variables, SMS_PLACEHOLDERS[type]).text);
}

/** The text's length as a handset counts it, and whether it fits the two-segment budget. */
export function smsBudget(text: string): SegmentInfo & { characters: number; fits: boolean } {
  const info = segmentInfo(text);
  return { ...info, characters: info.units, fits: info.segments <= MAX_SMS_SEGMENTS };
}
