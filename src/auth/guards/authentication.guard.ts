import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';

import { TenantContextService } from '../../core/database/tenant-context.js';
import { DomainError } from '../../core/http/domain-error.js';
import { AUTH_REQUIREMENTS, IS_PUBLIC, type AuthRequirements } from '../auth.decorators.js';
import type { AuthenticatedRequest, Principal } from '../principal.js';

/**
 * The global guard: every route is authenticated unless marked @Public(). In one place and in this
 * order: verify the token, load the principal, enter the tenant's context (the scoped data path reads
 * it), then check the route's role requirements.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenantContext: TenantContextService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { user?: Principal }>();
    const principal = request.user!;
    request.principal = principal;
    request.tenantId = principal.tenantId;
    this.tenantContext.set({ tenantId: principal.tenantId, userId: principal.userId, role: principal.role });

    const requirements =
      this.reflector.getAllAndOverride<AuthRequirements | undefined>(AUTH_REQUIREMENTS, targets) ?? {};
    if (requirements.superadmin && !principal.isSuperadmin)
      throw new DomainError('forbidden', 'Only a superadmin may do this');
    if (requirements.roles && !requirements.roles.includes(principal.role)) {
      throw new DomainError('forbidden', `The ${principal.role} role may not do this`);
    }
    return true;
  }

  /** Passport's failures (no token, bad signature, expired) become our 401 envelope. */
  override handleRequest<TUser>(error: unknown, user: TUser, info: unknown): TUser {
    if (error instanceof DomainError) throw error;
    if (error || !user) {
      const expired = (info as { name?: string } | undefined)?.name === 'TokenExpiredError';
      throw new DomainError(
        'unauthorized',
        expired ? 'Access token expired' : 'Missing or invalid access token',
      );
    }
    return user;
  }
}
