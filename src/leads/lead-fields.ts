import type { ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { DomainError } from '../core/http/domain-error.js';
import { normalizePhone } from '../core/phone/phone.js';
import { LeadFieldError } from './leads.errors.js';
import type { LeadsRepository } from './leads.repository.js';

/** The field rules creating and editing a lead share. */

/** E.164, or null when absent; a number the DTO let through but libphonenumber cannot read is a 400. */
export function normalizedPhone(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const phone = normalizePhone(value);
  if (!phone) {
    throw new LeadFieldError([
      {
        field: 'customerPhone',
        message: 'customerPhone must be a valid phone number (Danish unless +country code)',
      },
    ]);
  }
  return phone;
}

export const sameEmail = (a: string | null, b: string | null) =>
  (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

export const staffAssignsSelfOnly = () =>
  new DomainError('forbidden', 'STAFF can assign leads only to themselves', [
    { field: 'assignedUserId', message: 'STAFF can assign leads only to themselves' },
  ]);

/** A lead may be assigned only to an active member of its tenant. */
export async function assertAssignable(
  repository: LeadsRepository,
  tx: ScopedTransaction,
  tenantId: string,
  userId: string,
): Promise<void> {
  if (!(await repository.isActiveMember(tx, tenantId, userId))) {
    throw new LeadFieldError([
      { field: 'assignedUserId', message: 'assignedUserId must be an active member of the tenant' },
    ]);
  }
}
