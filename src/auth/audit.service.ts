import { Injectable } from '@nestjs/common';

import type { Prisma } from '../generated/prisma/client.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';

export type AuditAction =
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'refresh_reuse'
  | 'password_change'
  | 'password_reset_request'
  | 'password_reset'
  | 'invitation_create'
  | 'invitation_accept'
  | 'invitation_withdraw'
  | 'tenant_switch'
  | 'tenant_create'
  | 'user_create'
  | 'role_change'
  | 'deactivate'
  | 'delete'
  | 'settings_change'
  | 'credential_change';

export interface AuditEntry {
  action: AuditAction;
  tenantId?: string | null;
  actorUserId?: string | null;
  targetType?: string;
  targetId?: string;
  ip?: string;
  userAgent?: string;
  metadata?: Prisma.InputJsonObject;
}

/**
 * The audit log: security-relevant actions with actor, tenant and IP. Written through the system path
 * because some entries have no tenant yet (a failed login) and the app role may only append to it.
 */
@Injectable()
export class AuditService {
  constructor(private readonly system: SystemPrismaService) {}

  async record(entry: AuditEntry, tx?: Prisma.TransactionClient): Promise<void> {
    const data = {
      action: entry.action,
      tenantId: entry.tenantId ?? null,
      actorUserId: entry.actorUserId ?? null,
      targetType: entry.targetType,
      targetId: entry.targetId,
      ip: entry.ip,
      userAgent: entry.userAgent?.slice(0, 512),
      metadata: entry.metadata,
    };
    if (tx) {
      await tx.auditLog.create({ data });
      return;
    }
    await this.system.transaction('authentication', (client) => client.auditLog.create({ data }));
  }
}
