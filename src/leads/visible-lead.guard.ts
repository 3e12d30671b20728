import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isUUID } from 'class-validator';

import type { AuthenticatedRequest } from '../auth/principal.js';
import { LeadsService } from './leads.service.js';

/**
 * Answers 404 for a lead the caller may not see before the body is validated, so another tenant's (or, for
 * STAFF, an unassigned) lead answers the same whatever the body holds: a 400 would tell the caller nothing,
 * but the rule "another tenant's id is a 404" (docs/architecture.md, Tenancy) stays exceptionless. Guards run
 * after the global authentication guard (principal and tenant set) and before the pipes. A malformed id
 * passes through, for the param pipe to answer 400 naming it.
 */
@Injectable()
export class VisibleLeadGuard implements CanActivate {
  constructor(private readonly leads: LeadsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { params?: { id?: string } }>();
    const id = request.params?.id;
    if (request.principal && id && isUUID(id)) await this.leads.findVisible(id, request.principal);
    return true;
  }
}
