import { DateTime } from 'luxon';

import {
  firstNameOf,
  formatAddress,
  formatAmount,
  formatClock,
  formatDate,
  formatHours,
  formatHoursNumber,
  formatKroner,
  greetingFor,
  serviceInSentence,
} from '../core/format/danish.js';
import { amountFor, Decimal, withVat, type DecimalInput } from '../core/money/money.js';
import type { EmailVariables } from '../email/email-variables.js';

/**
 * What will follow the first reply, as the intake knows it when it writes the reply: the reply says
 * exactly that, never more.
 *
 * - `sms_now`: the SMS offer goes out right after the reply;
 * - `sms_later`: it waits for the end of the quiet hours or for tomorrow (the daily cap) until `at`;
 * - `call`: no SMS offer (the lead needs a person, has no hours, or the number opted out): we call;
 * - `write`: no phone number at all: we answer by e-mail.
 */
export type ReplyPlan =
  { kind: 'sms_now' } | { kind: 'sms_later'; at: Date } | { kind: 'call' } | { kind: 'write' };

export interface LeadReplyInput {
  /** The name the mail gave, or null (the lead then stores "Ukendt kunde", which nobody is greeted by). */
  customerName: string | null;
  serviceType: string;
  address: string;
  postalCode: string;
  city: string;
  /** Estimated hours, or null when neither the mail nor the size gave any. */
  estimatedHours: DecimalInput | null;
  hourlyRate: DecimalInput;
  vatRate: DecimalInput;
  timezone: string;
  plan: ReplyPlan;
  /** Now, by the app's Clock: "i dag" and "i morgen" are counted from it. */
  now: Date;
}

const ANSWER_WITH_NUMBER = 'Svar med tallet ud for den tid, der passer dig, så er den booket.';

/** "i dag fra kl. 08.00", "i morgen fra kl. 08.00", "torsdag d. 24. september 2026 fra kl. 08.00". */
export function whenLater(at: Date, now: Date, timezone: string): string {
  const day = (instant: Date) => DateTime.fromJSDate(instant, { zone: timezone }).startOf('day');
  const days = Math.round(day(at).diff(day(now), 'days').days);
  const date = days === 0 ? 'i dag' : days === 1 ? 'i morgen' : formatDate(at, timezone);
  return `${date} fra ${formatClock(at, timezone)}`;
}

/** The sentence about the price: an estimate when the hours are known, else the hourly price. */
export function priceText(input: Pick<LeadReplyInput, 'estimatedHours' | 'hourlyRate' | 'vatRate'>): string {
  const hours = input.estimatedHours === null ? null : new Decimal(input.estimatedHours);
  if (hours && hours.gt(0)) {
    const total = withVat(amountFor(hours, input.hourlyRate), input.vatRate);
    return `Vi anslår opgaven til ca. ${formatHours(hours)}, svarende til ca. ${formatKroner(total)} inkl. moms.`;
  }
  return (
    `Vi tager ${formatAmount(withVat(input.hourlyRate, input.vatRate))} kr. i timen inkl. moms. ` +
    'Hvor mange timer opgaven tager, aftaler vi med dig.'
  );
}

/** The sentence about what happens next. */
export function nextStepText(plan: ReplyPlan, now: Date, timezone: string): string {
  switch (plan.kind) {
    case 'sms_now':
      return `Om lidt får du en SMS med ledige tider. ${ANSWER_WITH_NUMBER}`;
    case 'sms_later':
      return `Du får en SMS med ledige tider ${whenLater(plan.at, now, timezone)}. ${ANSWER_WITH_NUMBER}`;
    case 'call':
      return 'Vi ringer til dig snarest for at aftale en tid.';
    case 'write':
      return (
        'Vi skriver til dig snarest for at aftale en tid. ' +
        'Vil du hellere ringes op, så svar blot på denne e-mail med dit telefonnummer.'
      );
  }
}

/** The `lead_response` template's values for one lead. */
export function leadReplyVariables(input: LeadReplyInput): EmailVariables<'lead_response'> {
  const service = serviceInSentence(input.serviceType);
  const address = formatAddress(input.address, input.postalCode, input.city);
  const hours =
    input.estimatedHours !== null && new Decimal(input.estimatedHours).gt(0)
      ? new Decimal(input.estimatedHours)
      : null;
  return {
    customerName: input.customerName?.trim() ?? '',
    firstName: firstNameOf(input.customerName),
    greeting: greetingFor(input.customerName),
    serviceType: service,
    serviceDescription: address ? `${service} på ${address}` : service,
    address,
    priceText: priceText(input),
    nextStep: nextStepText(input.plan, input.now, input.timezone),
    hourlyRate: formatAmount(withVat(input.hourlyRate, input.vatRate)),
    // For templates a business edited before these sentences existed; only when there is a value.
    ...(hours
      ? {
          estimatedHours: formatHoursNumber(hours),
          estimatedPrice: formatAmount(withVat(amountFor(hours, input.hourlyRate), input.vatRate)),
        }
      : {}),
  };
}
