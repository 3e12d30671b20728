import type { Booking, Lead } from '../generated/prisma/client.js';
import { formatDate, formatTime } from '../core/format/danish.js';
import type { Work } from '../core/unit-of-work/unit-of-work.js';
import type { EmailService } from '../email/email.service.js';
import type { EmailTemplateType } from '../generated/prisma/enums.js';

type Address = Pick<Lead, 'address' | 'postalCode' | 'city'>;
type Addressee = Address & Pick<Lead, 'id' | 'customerEmail' | 'customerName' | 'serviceType'>;

/** Where the crew goes, as the customer reads it in a text or an e-mail: "Vestergade 4, 8000 Aarhus C". */
export const addressOf = (lead: Address): string => `${lead.address}, ${lead.postalCode} ${lead.city}`;

/**
 * The customer's e-mail about their booking (its confirmation, its reminder), when the lead has an
 * address, relayed after `work` commits. It fills the placeholders every booking template shares;
 * `variables` adds the template's own.
 */
export async function queueBookingEmail(
  email: EmailService,
  work: Work,
  mail: {
    type: EmailTemplateType;
    booking: Pick<Booking, 'id' | 'startsAt'>;
    lead: Addressee;
    timezone: string;
    step?: number;
    variables?: Record<string, string>;
  },
): Promise<void> {
  const { booking, lead, timezone } = mail;
  if (!lead.customerEmail) return;
  work.relayAfterCommit(
    await email.enqueue(work.tx, {
      tenantId: work.tenantId,
      subjectType: 'booking',
      subjectId: booking.id,
      type: mail.type,
      step: mail.step,
      to: lead.customerEmail,
      leadId: lead.id,
      variables: {
        customerName: lead.customerName,
        serviceType: lead.serviceType,
        bookingDate: formatDate(booking.startsAt, timezone),
        bookingTime: formatTime(booking.startsAt, timezone),
        address: addressOf(lead),
        ...mail.variables,
      },
    }),
  );
}
