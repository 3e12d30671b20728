import { Injectable } from '@nestjs/common';

import type { Prisma } from '../../generated/prisma/client.js';
import { SystemPrismaService } from '../database/system-prisma.service.js';
import { TenantPrismaService } from '../database/tenant-prisma.service.js';

export interface StoredKey {
  id: string;
  requestHash: string;
  state: 'in_flight' | 'done';
  status: number | null;
  body: unknown;
}

export interface ClaimInput {
  userId: string;
  key: string;
  requestHash: string;
  now: Date;
  expiresAt: Date;
  /** An in_flight claim older than this was left by a process that died: it may be taken over. */
  abandonedBefore: Date;
}

/** Idempotency keys of the current tenant. */
@Injectable()
export class IdempotencyRepository {
  constructor(
    private readonly db: TenantPrismaService,
    private readonly system: SystemPrismaService,
  ) {}

  /**
   * Claims the key in one statement: a new key is inserted, an expired or abandoned one taken over.
   * Returns the claimed row's id, or null with the row that holds the key.
   */
  async claim(input: ClaimInput): Promise<{ claimed: string } | { held: StoredKey }> {
    return this.db.transaction(async (tx) => {
      const tenantId = this.db.tenantId;
      const claimed = await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO idempotency_keys (id, tenant_id, user_id, key, request_hash, state, created_at, expires_at)
        VALUES (gen_random_uuid(), ${tenantId}::uuid, ${input.userId}::uuid, ${input.key}, ${input.requestHash},
                'in_flight', ${input.now}, ${input.expiresAt})
        ON CONFLICT (tenant_id, user_id, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, state = 'in_flight', status = NULL, body = NULL,
               created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= ${input.now}
            OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.created_at < ${input.abandonedBefore})
        RETURNING id`;
      if (claimed[0]) return { claimed: claimed[0].id };
      const held = await tx.idempotencyKey.findUniqueOrThrow({
        where: { tenantId_userId_key: { tenantId, userId: input.userId, key: input.key } },
        select: { id: true, requestHash: true, state: true, status: true, body: true },
      });
      return { held };
    });
  }

  async complete(id: string, status: number, body: unknown): Promise<void> {
    await this.db.client.idempotencyKey.update({
      where: { id },
      data: { state: 'done', status, body: (body ?? null) as Prisma.InputJsonValue },
    });
  }

  /** Frees the key after a failed attempt, so a retry runs the request again. */
  async release(id: string): Promise<void> {
    await this.db.client.idempotencyKey.deleteMany({ where: { id, state: 'in_flight' } });
  }

  /** Deletes expired keys of every tenant (the daily prune). */
  async deleteExpired(now: Date): Promise<number> {
    return this.system.transaction('maintenance', async (tx) => {
      const { count } = await tx.idempotencyKey.deleteMany({ where: { expiresAt: { lte: now } } });
      return count;
    });
  }
}
