import { formatPhone } from '../core/format/danish.js';

/**
 * What staff read in the feed and in the notification e-mail, in Danish. Staff-facing, so the customer's
 * full name; phone numbers as customers write them (core/format/danish.ts).
 */

/** A title is one line in a list and an e-mail subject: long customer texts are cut. */
const MAX_QUOTE = 120;

function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_QUOTE ? `${line.slice(0, MAX_QUOTE - 1).trimEnd()}…` : line;
}

export function who(customerName: string | null | undefined, phone: string | null | undefined): string {
  const number = phone ? formatPhone(phone) : null;
  if (customerName && number) return `${customerName} (${number})`;
  return customerName || number || 'ukendt kunde';
}

export const unreadableReplyTitle = (body: string) => `Svar fra kunde kræver en person: »${quote(body)}«`;

/** Why a lead waits for a person, as the title says it. */
export type LeadAttentionCause = 'intake_no_phone' | 'intake_unsure' | 'no_slots' | 'reply_failed';

export function leadAttentionTitle(cause: LeadAttentionCause, customerName: string): string {
  switch (cause) {
    case 'intake_no_phone':
      return `Nyt lead kræver en person: ${customerName} har ikke opgivet et telefonnummer`;
    case 'intake_unsure':
      return `Nyt lead kræver en person: oplysningerne fra ${customerName} skal tjekkes`;
    case 'no_slots':
      return `Ingen ledige tider at tilbyde: ring til ${customerName}`;
    case 'reply_failed':
      return `SMS-svar fra ${customerName} kunne ikke behandles: læs det og ring op`;
  }
}

export const smsFailedTitle = (recipient: string, reason: string) =>
  `SMS kunne ikke sendes til ${recipient}: ${reason}`;

export const integrationTitle = (provider: string, summary: string) =>
  `${provider} kræver handling: ${summary}`;

export const offerUnansweredTitle = (customerName: string) =>
  `Intet svar på SMS med tider: ring til ${customerName}`;

export const invoiceNotDeliveredTitle = (number: string, customerName: string, reason: string) =>
  `Faktura nr. ${number} er ikke sendt til ${customerName}: ${reason}`;

export const seriesVisitMovedTitle = (customerName: string, moved: boolean) =>
  moved
    ? `Fast rengøring hos ${customerName} er flyttet til en anden dag`
    : `Fast rengøring hos ${customerName} er sprunget over`;

/** The notification e-mail: the title, what else staff need, and where the feed is. */
export function notificationEmail(input: { title: string; details: string[]; companyName: string }): {
  subject: string;
  body: string;
} {
  return {
    subject: `RenOS: ${input.title}`,
    body: [
      'Hej',
      '',
      input.title,
      ...(input.details.length > 0 ? ['', ...input.details] : []),
      '',
      'Beskeden ligger også i RenOS under notifikationer, hvor den kan markeres som læst.',
      '',
      `Denne e-mail er sendt til notifikationsadressen for ${input.companyName}.`,
    ].join('\n'),
  };
}
