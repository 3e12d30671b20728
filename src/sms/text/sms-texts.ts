import type { DecimalInput } from '../../core/money/money.js';
import {
  firstNameOf,
  formatHourlyPrice,
  formatHours,
  formatShortDateTime,
} from '../../core/format/danish.js';
import { toGsm7 } from './gsm7.js';

/**
 * The customer-facing texts, in Danish and in GSM-7 (every builder ends in `toGsm7`), short enough that
 * an offer of three times stays at two segments. Dates, times, hours and amounts come from
 * core/format/danish.ts, so an SMS writes them as the e-mails do.
 */

export interface OfferTextInput {
  customerName: string;
  tenantName: string;
  timezone: string;
  slots: ReadonlyArray<{ choice: number; startsAt: Date }>;
  hours: DecimalInput;
  hourlyRate: DecimalInput;
  vatRate: DecimalInput;
  /** A repeated offer after the chosen time was taken or had expired. */
  retry?: boolean;
}

/** "Hej Mette." or, without a name, "Hej." (never "Hej Ukendt."). */
const hello = (name: string) => {
  const first = firstNameOf(name);
  // A long company name would cost the offer its second segment: the plain greeting then.
  return first && first.length <= 24 ? `Hej ${first}.` : 'Hej.';
};
const choices = (count: number) =>
  count === 1
    ? 'Svar 1'
    : `Svar ${Array.from({ length: count - 1 }, (_, i) => i + 1).join(', ')} eller ${count}`;

export function offerText(input: OfferTextInput): string {
  const lines = [
    input.retry
      ? `${hello(input.customerName)} Den valgte tid er desværre ikke ledig længere. Nye tider:`
      : `${hello(input.customerName)} Tak for din henvendelse. Vi kan komme:`,
    ...input.slots.map((slot) => `${slot.choice}) ${formatShortDateTime(slot.startsAt, input.timezone)}`),
    `Ca. ${formatHours(input.hours)} à ${formatHourlyPrice(input.hourlyRate, input.vatRate)}.`,
    `${choices(input.slots.length)} for at booke. Mvh ${input.tenantName}`,
  ];
  return toGsm7(lines.join('\n'));
}

/** What a text about one booking says: when, how long, where, and who sends it. */
export interface BookingText {
  tenantName: string;
  timezone: string;
  startsAt: Date;
  hours: DecimalInput;
  address: string;
}

export function confirmationText(input: BookingText): string {
  return toGsm7(
    `Tak! Du er booket ${formatShortDateTime(input.startsAt, input.timezone)} (ca. ${formatHours(input.hours)}), ` +
      `${input.address}. Du får en påmindelse dagen før. Mvh ${input.tenantName}`,
  );
}

export function reminderText(input: Omit<BookingText, 'hours'>): string {
  return toGsm7(
    `Påmindelse: Vi kommer ${formatShortDateTime(input.startsAt, input.timezone)}, ${input.address}. ` +
      `Mvh ${input.tenantName}`,
  );
}

export function helpText(input: { tenantName: string; count: number }): string {
  return toGsm7(
    `Vi forstod ikke dit svar. ${choices(Math.max(input.count, 1))} for at vælge en tid, ` +
      `eller svar STOP for at afmelde SMS. Mvh ${input.tenantName}`,
  );
}

export function noSlotsText(input: { tenantName: string }): string {
  return toGsm7(
    `Tak for dit svar. Vi har desværre ingen ledige tider lige nu. Vi ringer dig op. Mvh ${input.tenantName}`,
  );
}

export function optOutText(input: { tenantName: string }): string {
  return toGsm7(`Du er afmeldt SMS fra ${input.tenantName}. Svar START for at tilmelde dig igen.`);
}

export function optInText(input: { tenantName: string }): string {
  return toGsm7(`Du modtager igen SMS fra ${input.tenantName}. Svar STOP for at afmelde.`);
}

/** A confirmed booking moved by staff (time, length or team): the time as it is now. */
export function bookingMovedText(input: BookingText): string {
  return toGsm7(
    `Din booking er ændret. Vi kommer nu ${formatShortDateTime(input.startsAt, input.timezone)} ` +
      `(ca. ${formatHours(input.hours)}), ${input.address}. Mvh ${input.tenantName}`,
  );
}

/** A booking cancelled by staff. */
export function bookingCancelledText(input: Omit<BookingText, 'hours'>): string {
  return toGsm7(
    `Vi har aflyst din booking ${formatShortDateTime(input.startsAt, input.timezone)}, ${input.address}. ` +
      `Kontakt os, hvis du ønsker en ny tid. Mvh ${input.tenantName}`,
  );
}

/**
 * The one reminder of an offer nobody has answered: the same numbers, and until when they can be
 * answered (`answerBy`, when the times stop being held).
 */
export function offerReminderText(input: {
  customerName: string;
  tenantName: string;
  timezone: string;
  /** The numbers still open (a time that has begun meanwhile is left out): "Svar 2 eller 3". */
  open: readonly number[];
  answerBy: Date;
}): string {
  const numbers = input.open.length > 0 ? [...input.open] : [1];
  const last = numbers.pop()!;
  const answer = numbers.length > 0 ? `Svar ${numbers.join(', ')} eller ${last}` : `Svar ${last}`;
  return toGsm7(
    `${hello(input.customerName)} Vi har endnu ikke hørt fra dig. ` +
      `${answer} på SMS'en med ledige tider senest ` +
      `${formatShortDateTime(input.answerBy, input.timezone)}. Mvh ${input.tenantName}`,
  );
}
