import type { LeadExtraction } from '../extraction/lead-fields.js';
import { parseWithLayout, type Layout, type LeadEmail, type ParseOptions } from './label-parser.js';

/**
 * The company's own booking form on its website mails each submission from the company's address
 * (info@rendetalje.dk for the first tenant), so the sender says nothing about the customer: name,
 * e-mail and phone come only from the form's fields. The form marks itself in the subject and footer.
 */
export const BOOKING_FORM_LAYOUT: Layout = {
  name: 'booking_form',
  source: 'booking_form',
  labels: {
    'Ønsket ydelse': 'serviceType',
    'Boligens størrelse (m²)': 'squareMetres',
    'Ønsket antal timer': 'estimatedHours',
    'Din besked': 'notes',
  },
  freeTextPriority: true,
};

export function isBookingFormMail(mail: LeadEmail): boolean {
  return /bookingformular|booking-formular|sendt fra (?:booking)?formularen|booking fra hjemmesiden/i.test(
    `${mail.subject}\n${mail.text}`,
  );
}

export function parseBookingForm(mail: LeadEmail, options: ParseOptions = {}): LeadExtraction {
  return parseWithLayout(mail, BOOKING_FORM_LAYOUT, options);
}
