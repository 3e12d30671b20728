import { Injectable } from '@nestjs/common';

import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import { Prisma } from '../generated/prisma/client.js';
import type { GmailPush } from './pubsub-push.js';

export interface MailboxState {
  historyId: string | null;
  watchExpiresAt: Date | null;
}

/** The Gmail intake's queries: push routing over the system path, the mailbox cursor per tenant. */
@Injectable()
export class GmailRepository {
  constructor(
    private readonly system: SystemPrismaService,
    private readonly db: TenantPrismaService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Routes a push to its tenant and records it, in one system transaction: the InboundEvent (unique on
   * the Pub/Sub messageId, so a redelivery records nothing), the mailbox marked dirty (a sync already
   * running goes round again) and the outbox row of a sync. Returns the outbox ids to relay, [] for a
   * redelivery, null for an unknown mailbox.
   */
  async recordPush(push: GmailPush): Promise<{ tenantId: string; outboxIds: string[] } | null> {
    return this.system.transaction('webhook-routing', async (tx) => {
      const tenant = await tx.tenant.findFirst({
        where: { gmailAddress: push.emailAddress, active: true, deletedAt: null },
        select: { id: true },
      });
      if (!tenant) return null;
      const inserted = await tx.inboundEvent.createMany({
        data: [
          {
            tenantId: tenant.id,
            provider: 'gmail_push',
            dedupKey: push.messageId,
            payload: { emailAddress: push.emailAddress, historyId: push.historyId },
          },
        ],
        skipDuplicates: true,
      });
      if (inserted.count === 0) return { tenantId: tenant.id, outboxIds: [] };
      // Marked only when not marked yet: during a burst every push found the row dirty already, and
      // an upsert locked it anyway, so the pushes (and the sync clearing the mark) queued on one row.
      // A push that meets a sync clearing the mark right now is not lost: that sync reads the history
      // after it commits, and the sync job written below runs once more after it.
      const marked = await tx.integrationAccount.updateMany({
        where: { tenantId: tenant.id, provider: 'google', syncDirty: false },
        data: { syncDirty: true },
      });
      if (marked.count === 0)
        await tx.integrationAccount.createMany({
          data: [{ tenantId: tenant.id, provider: 'google', syncDirty: true }],
          skipDuplicates: true,
        });
      // One sync per mailbox waits at a time: pushes while one waits are that one, and a push while
      // one runs leaves one follow-up (QueueService, keepLastIfActive), so no push goes unread and
      // 2 000 pushes are not 2 000 syncs queued ahead of the imports. Syncs side by side stay safe:
      // the cursor moves by compare-and-set, and only the sync that moved it writes import jobs.
      const id = await this.outbox.write(
        tx,
        tenant.id,
        'intake.sync-mailbox',
        { tenantId: tenant.id },
        { dedupId: `intake-sync-mailbox-${tenant.id}` },
      );
      return { tenantId: tenant.id, outboxIds: [id] };
    });
  }

  /** Tenants with a mailbox, for the schedules' fan-out. */
  tenantsWithMailbox(): Promise<string[]> {
    return this.system.transaction('schedule-fan-out', async (tx) => {
      const rows = await tx.tenant.findMany({
        where: { gmailAddress: { not: null }, active: true, deletedAt: null },
        select: { id: true },
      });
      return rows.map((row) => row.id);
    });
  }

  /** Starts a sync round: clears the dirty mark and reads the cursor (creating the row the first time). */
  async beginSync(): Promise<MailboxState> {
    const tenantId = this.db.tenantId;
    return this.db.transaction(async (tx) => {
      const row = await tx.integrationAccount.upsert({
        where: { tenantId_provider: { tenantId, provider: 'google' } },
        create: { tenantId, provider: 'google' },
        update: { syncDirty: false },
        select: { gmailHistoryId: true, watchExpiresAt: true },
      });
      return { historyId: row.gmailHistoryId, watchExpiresAt: row.watchExpiresAt };
    });
  }

  async isDirty(): Promise<boolean> {
    const row = await this.db.client.integrationAccount.findUnique({
      where: { tenantId_provider: { tenantId: this.db.tenantId, provider: 'google' } },
      select: { syncDirty: true },
    });
    return row?.syncDirty ?? false;
  }

  /**
   * Moves the cursor from `from` to `to` by compare-and-set. False when another sync moved it first:
   * that sync wrote the import jobs, this one must write none.
   */
  async advanceCursor(tx: ScopedTransaction, from: string | null, to: string): Promise<boolean> {
    const tenantId = this.db.tenantId;
    const moved = await tx.integrationAccount.updateMany({
      where: { tenantId, provider: 'google', gmailHistoryId: from },
      data: { gmailHistoryId: to },
    });
    return moved.count === 1;
  }

  /** Of these Gmail ids, the ones no lead was imported from yet. */
  async notYetImported(tx: ScopedTransaction, messageIds: readonly string[]): Promise<string[]> {
    if (messageIds.length === 0) return [];
    const existing = await tx.lead.findMany({
      where: { tenantId: this.db.tenantId, sourceMessageId: { in: [...messageIds] } },
      select: { sourceMessageId: true },
    });
    const done = new Set(existing.map((lead) => lead.sourceMessageId));
    return [...new Set(messageIds)].filter((id) => !done.has(id));
  }

  /** Pushes recorded until now have been acted on by this sync. */
  async markPushesProcessed(tx: ScopedTransaction, until: Date): Promise<void> {
    await tx.inboundEvent.updateMany({
      where: {
        tenantId: this.db.tenantId,
        provider: 'gmail_push',
        status: 'received',
        receivedAt: { lte: until },
      },
      data: { status: 'processed', processedAt: new Date() },
    });
  }

  async recordWatch(historyId: string, expiresAt: Date): Promise<void> {
    const tenantId = this.db.tenantId;
    await this.db.transaction(async (tx) => {
      await tx.integrationAccount.upsert({
        where: { tenantId_provider: { tenantId, provider: 'google' } },
        create: { tenantId, provider: 'google', gmailHistoryId: historyId, watchExpiresAt: expiresAt },
        update: { watchExpiresAt: expiresAt },
      });
      // The first watch also starts the cursor: everything after it is new mail.
      await tx.integrationAccount.updateMany({
        where: { tenantId, provider: 'google', gmailHistoryId: null },
        data: { gmailHistoryId: historyId },
      });
    });
  }

  async findLeadByMessage(messageId: string): Promise<{ id: string } | null> {
    return this.db.client.lead.findFirst({
      where: { tenantId: this.db.tenantId, sourceMessageId: messageId },
      select: { id: true },
    });
  }

  /** Whether the number texted STOP (read for the first reply, which must not promise an SMS then). */
  async isOptedOut(phone: string): Promise<boolean> {
    return (await this.db.client.smsOptOut.count({ where: { tenantId: this.db.tenantId, phone } })) > 0;
  }

  /** Texts sent since `since`, for the daily cap (read for the first reply). */
  textsSince(since: Date): Promise<number> {
    return this.db.client.smsMessage.count({
      where: { tenantId: this.db.tenantId, direction: 'outbound', createdAt: { gte: since } },
    });
  }

  async tenantMailSettings(): Promise<{
    leadSenderDomains: string[];
    gmailAddress: string | null;
    smsNumber: string | null;
  }> {
    return this.db.client.tenant.findUniqueOrThrow({
      where: { id: this.db.tenantId },
      select: { leadSenderDomains: true, gmailAddress: true, smsNumber: true },
    });
  }
}

/** A unique violation: for an import, the caller checks whether the message's lead now exists. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
