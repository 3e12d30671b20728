import type { Role } from '../generated/prisma/enums.js';

/** The authenticated caller of a request, built from a verified access token and the database. */
export interface Principal {
  userId: string;
  tenantId: string;
  role: Role;
  isSuperadmin: boolean;
  /** The refresh-token family of the session (logout revokes it). */
  sessionId: string;
}

/** Where the guard leaves the principal on the request. */
/** Who made an audited change and from where: what the audit log records of the caller. */
export interface Actor {
  principal: Principal;
  ip: string;
}

export interface AuthenticatedRequest {
  principal?: Principal;
  tenantId?: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}

/** STAFF see and act on only what is assigned to them (docs/architecture.md, Tenancy). */
export function isStaff(principal: Principal): boolean {
  return principal.role === 'staff';
}

/**
 * The user a caller's reads are limited to: a STAFF caller's own id (they see the leads, customers,
 * bookings, texts and timeline entries assigned to them), undefined for every other role.
 */
export function visibleOnlyTo(principal: Principal): string | undefined {
  return isStaff(principal) ? principal.userId : undefined;
}
