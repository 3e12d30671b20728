import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import type { Role } from '../generated/prisma/enums.js';
import type { Actor, AuthenticatedRequest, Principal } from './principal.js';

export const IS_PUBLIC = 'renos:public';
export const AUTH_REQUIREMENTS = 'renos:auth-requirements';

export interface AuthRequirements {
  /** Roles allowed; omitted = any member of the tenant. */
  roles?: readonly Role[];
  /** Only superadmins (tenant creation, the queue dashboard). */
  superadmin?: boolean;
}

/**
 * The one way out of authentication: login, refresh, the webhooks (they verify their own signatures),
 * the meeting-token view, health, docs and metrics (docs/architecture.md, Tenancy).
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * What a route requires of its caller. Every route is authenticated by the global guard anyway; this
 * adds the role matrix (docs/architecture.md, Tenancy) and documents both in OpenAPI, in one place.
 */
export function Authenticated(requirements: AuthRequirements = {}) {
  return applyDecorators(
    SetMetadata(AUTH_REQUIREMENTS, requirements),
    ApiBearerAuth(),
    ApiErrors({
      unauthorized: 'No token, or an invalid or expired one',
      forbidden: 'The role may not do this',
    }),
  );
}

function principalOf(request: AuthenticatedRequest, decorator: string): Principal {
  const principal = request.principal;
  if (!principal) throw new Error(`${decorator} used on a route without an authenticated principal`);
  return principal;
}

/** The authenticated caller; fails loudly if a route without authentication asks for it. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal =>
  principalOf(context.switchToHttp().getRequest<AuthenticatedRequest>(), 'CurrentPrincipal'),
);

/** The authenticated caller with the address it called from, for a change the audit log records. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  return { principal: principalOf(request, 'CurrentActor'), ip: request.ip };
});

/** Roles that may manage what the role matrix calls "create / edit" (STAFF only where assigned). */
export const WRITER_ROLES: readonly Role[] = ['admin', 'manager', 'staff'];
export const MANAGER_ROLES: readonly Role[] = ['admin', 'manager'];
export const ADMIN_ROLES: readonly Role[] = ['admin'];
