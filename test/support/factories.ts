import type { Prisma } from '../../src/generated/prisma/client.js';
import { ownerDb } from './fixtures.js';
import { newPhone } from './http.js';

/**
 * A lead written as the database owner, as the intake pipeline would have left it: contacted, with a
 * fresh phone number and an estimate, ready to be booked. `data` overrides any field.
 */
export function createLead(
  tenantId: string,
  data: Partial<Omit<Prisma.LeadUncheckedCreateInput, 'tenantId'>> = {},
) {
  return ownerDb().lead.create({
    data: {
      tenantId,
      customerName: 'Mette Hansen',
      customerPhone: newPhone().e164,
      address: 'Vestergade 1',
      city: 'Aarhus C',
      postalCode: '8000',
      serviceType: 'Flytterengøring',
      estimatedHours: '3.5',
      status: 'contacted',
      // A field given as undefined keeps its default here, as `data.x ?? default` did in the copies.
      ...Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined)),
    },
  });
}
