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
export interface AuthenticatedRequest {
  principal?: Principal;
  tenantId?: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}
