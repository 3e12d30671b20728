import { Injectable } from '@nestjs/common';

import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import type { Page } from '../core/http/pagination.js';
import type {
  Booking,
  InboundEvent,
  Lead,
  Prisma,
  SlotOffer,
  SmsMessage,
} from '../generated/prisma/client.js';
import { LIVE_BOOKING_STATUSES } from '../core/domain/booking-status.js';
import type {
  EmailTemplateType,
  InboundProvider,
  SmsStatus,
  SmsTemplateType,
  SmsType,
} from '../generated/prisma/enums.js';

type Db = ScopedTransaction;
type SystemTx = Prisma.TransactionClient;

export interface NewSmsMessage {
  direction: 'inbound' | 'outbound';
  leadId: string | null;
  bookingId?: string | null;
  phone: string;
  body: string;
  type: SmsType;
  status: SmsStatus;
  twilioSid?: string | null;
  segments: number;
  encoding: string;
  dedupKey?: string | null;
}

export interface NewSlotOffer {
  leadId: string;
  teamId: string;
  smsMessageId: string;
  choice: number;
  startsAt: Date;
  endsAt: Date;
  expiresAt: Date;
}

export interface SmsFilter {
  leadId?: string;
  /** STAFF: only messages of leads assigned to them. */
  visibleTo?: string;
}

export type OfferBatch = SmsMessage & { slotOffers: SlotOffer[] };
export type DueReminder = Booking & { lead: Lead };

/** SMS rows: messages, opt-outs, slot offers, inbound events. Prisma stays here. */
@Injectable()
export class SmsRepository {
  constructor(private readonly prisma: TenantPrismaService) {}

  private db(db?: Db): Db {
    return db ?? (this.prisma.client as unknown as Db);
  }

  // Tenant and lead ---------------------------------------------------------------------------------

  /** The tenant's routing number (Tenant.smsNumber) and name. */
  tenantSender(tenantId: string, db?: Db): Promise<{ name: string; smsNumber: string | null }> {
    return this.db(db).tenant.findUniqueOrThrow({
      where: { id: tenantId },
      select: { name: true, smsNumber: true },
    });
  }

  findLead(tenantId: string, leadId: string, db?: Db): Promise<Lead | null> {
    return this.db(db).lead.findFirst({ where: { id: leadId, tenantId } });
  }

  /** Serialises the tenant's offers until the transaction ends: two offers never hold one time. */
  async lockOffers(tenantId: string, db: Db): Promise<void> {
    await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`slot-offers:${tenantId}`}, 0))`;
  }

  /** Whether another lead's held offer or a live booking now overlaps one of these times on its team. */
  async anyHeldOrBooked(
    tenantId: string,
    leadId: string,
    slots: ReadonlyArray<{ startsAt: Date; endsAt: Date; teamId: string }>,
    now: Date,
    db: Db,
    bufferMinutes = 0,
  ): Promise<boolean> {
    const bufferMs = Math.max(0, bufferMinutes) * 60_000;
    for (const slot of slots) {
      // Availability keeps the buffer clear around every job: the re-check does too.
      const overlap = {
        startsAt: { lt: new Date(slot.endsAt.getTime() + bufferMs) },
        endsAt: { gt: new Date(slot.startsAt.getTime() - bufferMs) },
      };
      const held = await db.slotOffer.count({
        where: {
          tenantId,
          teamId: slot.teamId,
          status: 'offered',
          expiresAt: { gt: now },
          leadId: { not: leadId },
          ...overlap,
        },
      });
      if (held > 0) return true;
      const booked = await db.booking.count({
        where: {
          tenantId,
          teamId: slot.teamId,
          status: { in: [...LIVE_BOOKING_STATUSES] },
          deletedAt: null,
          ...overlap,
        },
      });
      if (booked > 0) return true;
    }
    return false;
  }

  /** The most recent lead with this phone that is not deleted. */
  latestLeadByPhone(tenantId: string, phone: string, db?: Db): Promise<Lead | null> {
    return this.db(db).lead.findFirst({
      where: { tenantId, customerPhone: phone, deletedAt: null },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  /** Serialises claims on one team's time until the transaction ends. */
  async lockTeam(teamId: string, db: Db): Promise<void> {
    await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`team:${teamId}`}, 0))`;
  }

  // Opt-outs ----------------------------------------------------------------------------------------

  async isOptedOut(tenantId: string, phone: string, db?: Db): Promise<boolean> {
    return (await this.db(db).smsOptOut.count({ where: { tenantId, phone } })) > 0;
  }

  /** Records the opt-out; false when the number had already opted out. */
  async addOptOut(tenantId: string, phone: string, keyword: string, db: Db): Promise<boolean> {
    const rows = await db.smsOptOut.createManyAndReturn({
      data: [{ tenantId, phone, keyword }],
      skipDuplicates: true,
      select: { id: true },
    });
    return rows.length > 0;
  }

  async removeOptOut(tenantId: string, phone: string, db: Db): Promise<boolean> {
    return (await db.smsOptOut.deleteMany({ where: { tenantId, phone } })).count > 0;
  }

  // Offers ------------------------------------------------------------------------------------------

  /** The lead's offers still open (status offered), newest first. */
  openOffers(tenantId: string, leadId: string, db?: Db): Promise<SlotOffer[]> {
    return this.db(db).slotOffer.findMany({
      where: { tenantId, leadId, status: 'offered' },
      orderBy: [{ createdAt: 'desc' }, { choice: 'asc' }],
    });
  }

  async createOffers(tenantId: string, offers: readonly NewSlotOffer[], db: Db): Promise<void> {
    await db.slotOffer.createMany({ data: offers.map((offer) => ({ tenantId, ...offer })) });
  }

  async withdrawOpenOffers(tenantId: string, leadId: string, db: Db): Promise<number> {
    const result = await db.slotOffer.updateMany({
      where: { tenantId, leadId, status: 'offered' },
      data: { status: 'withdrawn' },
    });
    return result.count;
  }

  /** Compare-and-set: the offer becomes accepted only if it is still offered. */
  async acceptOffer(tenantId: string, offerId: string, bookingId: string, db: Db): Promise<boolean> {
    const result = await db.slotOffer.updateMany({
      where: { id: offerId, tenantId, status: 'offered' },
      data: { status: 'accepted', bookingId },
    });
    return result.count === 1;
  }

  findOffer(tenantId: string, offerId: string, db: Db): Promise<SlotOffer | null> {
    return db.slotOffer.findFirst({ where: { id: offerId, tenantId } });
  }

  /** The last offer texted to this phone, with its slots: what a reply from the number answers. */
  latestOfferBatch(tenantId: string, phone: string, db?: Db): Promise<OfferBatch | null> {
    return this.db(db).smsMessage.findFirst({
      where: { tenantId, phone, direction: 'outbound', type: 'booking_options', slotOffers: { some: {} } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: { slotOffers: { orderBy: { choice: 'asc' } } },
    });
  }

  /** One offer text with its times: the reminder and lapse jobs of an offer find it by its text. */
  offerBatch(tenantId: string, smsMessageId: string, db?: Db): Promise<OfferBatch | null> {
    return this.db(db).smsMessage.findFirst({
      where: { tenantId, id: smsMessageId, type: 'booking_options' },
      include: { slotOffers: { orderBy: { choice: 'asc' } } },
    });
  }

  /** Compare-and-set: an offer's one reminder is marked on its times; false when it had one already. */
  async markOfferReminded(tenantId: string, smsMessageId: string, at: Date, db: Db): Promise<boolean> {
    const result = await db.slotOffer.updateMany({
      where: { tenantId, smsMessageId, remindedAt: null },
      data: { remindedAt: at },
    });
    return result.count > 0;
  }

  // Messages ----------------------------------------------------------------------------------------

  createMessage(tenantId: string, data: NewSmsMessage, db: Db): Promise<SmsMessage> {
    return db.smsMessage.create({ data: { tenantId, ...data } });
  }

  /** The tenant's own wording of this text, or undefined: the default of sms-templates.ts is sent then. */
  async smsTemplate(tenantId: string, type: SmsTemplateType, db?: Db): Promise<string | undefined> {
    const row = await this.db(db).smsTemplate.findUnique({
      where: { tenantId_type: { tenantId, type } },
      select: { body: true },
    });
    return row?.body;
  }

  /** Creates the message unless one with its dedupKey exists (then null): a text told once. */
  async createMessageOnce(
    tenantId: string,
    data: NewSmsMessage & { dedupKey: string },
    db: Db,
  ): Promise<SmsMessage | null> {
    const rows = await db.smsMessage.createManyAndReturn({
      data: [{ tenantId, ...data }],
      skipDuplicates: true,
    });
    return rows[0] ?? null;
  }

  async hasMessageWithKey(tenantId: string, dedupKey: string, db?: Db): Promise<boolean> {
    return (await this.db(db).smsMessage.count({ where: { tenantId, dedupKey } })) > 0;
  }

  /** Whether an e-mail of this type and step about the booking is recorded (the notice's, earlier). */
  async hasBookingEmail(
    tenantId: string,
    bookingId: string,
    type: EmailTemplateType,
    step: number,
    db?: Db,
  ): Promise<boolean> {
    const count = await this.db(db).outboundEmail.count({
      where: { tenantId, subjectType: 'booking', subjectId: bookingId, type, step },
    });
    return count > 0;
  }

  /** A booking with its lead (the customer's name, contact and address), deleted ones included. */
  bookingWithLead(tenantId: string, id: string, db?: Db): Promise<DueReminder | null> {
    return this.db(db).booking.findFirst({ where: { tenantId, id }, include: { lead: true } });
  }

  findMessage(tenantId: string, id: string, db?: Db): Promise<SmsMessage | null> {
    return this.db(db).smsMessage.findFirst({ where: { id, tenantId } });
  }

  /**
   * What sending one text reads, in one transaction: the message, whether its number opted out, and
   * the tenant's sender (three reads were three transactions on every text).
   */
  sendingContext(
    tenantId: string,
    id: string,
  ): Promise<{
    message: SmsMessage | null;
    optedOut: boolean;
    sender: { name: string; smsNumber: string | null };
  }> {
    return this.prisma.transaction(async (tx) => {
      const message = await this.findMessage(tenantId, id, tx);
      const optedOut = message ? await this.isOptedOut(tenantId, message.phone, tx) : false;
      return { message, optedOut, sender: await this.tenantSender(tenantId, tx) };
    });
  }

  findMessageBySid(tenantId: string, sid: string, db?: Db): Promise<SmsMessage | null> {
    return this.db(db).smsMessage.findFirst({ where: { tenantId, twilioSid: sid } });
  }

  /** Compare-and-set on a queued message without a sid: a message is sent once. */
  async markSent(
    tenantId: string,
    id: string,
    data: { twilioSid: string; status: SmsStatus; segments: number; sentAt: Date },
    db?: Db,
  ): Promise<boolean> {
    const result = await this.db(db).smsMessage.updateMany({
      where: { id, tenantId, status: 'queued', twilioSid: null },
      data,
    });
    return result.count === 1;
  }

  /** Of these Twilio sids, the ones already recorded on a message. */
  async knownSids(tenantId: string, sids: readonly string[]): Promise<Set<string>> {
    const rows = await this.db().smsMessage.findMany({
      where: { tenantId, twilioSid: { in: [...sids] } },
      select: { twilioSid: true },
    });
    return new Set(rows.flatMap((row) => (row.twilioSid ? [row.twilioSid] : [])));
  }

  /** Counts a send about to be tried; committed before the call, so a crash cannot hide it. */
  async countSendAttempt(tenantId: string, id: string, db?: Db): Promise<void> {
    await this.db(db).smsMessage.updateMany({
      where: { id, tenantId },
      data: { sendAttempts: { increment: 1 } },
    });
  }

  async markFailed(
    tenantId: string,
    id: string,
    data: { errorCode: number | null; errorMessage: string },
    db?: Db,
  ): Promise<boolean> {
    const result = await this.db(db).smsMessage.updateMany({
      where: { id, tenantId, status: 'queued', twilioSid: null },
      data: { ...data, status: 'failed' },
    });
    return result.count === 1;
  }

  /** Moves a message's status only from one of `from` (never backwards); false when it did not move. */
  async advanceStatus(
    tenantId: string,
    id: string,
    from: readonly SmsStatus[],
    data: { status: SmsStatus; deliveredAt?: Date; errorCode?: number | null; errorMessage?: string | null },
    db: Db,
  ): Promise<boolean> {
    const result = await db.smsMessage.updateMany({
      where: { id, tenantId, status: { in: [...from] } },
      data,
    });
    return result.count === 1;
  }

  countOutboundSince(tenantId: string, since: Date, db?: Db): Promise<number> {
    return this.db(db).smsMessage.count({
      where: { tenantId, direction: 'outbound', createdAt: { gte: since } },
    });
  }

  /** Whether the number has texted us since `since` (an answer of any kind to an offer sent then). */
  async receivedSince(tenantId: string, phone: string, since: Date, db?: Db): Promise<boolean> {
    const count = await this.db(db).smsMessage.count({
      where: { tenantId, phone, direction: 'inbound', createdAt: { gt: since } },
    });
    return count > 0;
  }

  async sentOfTypeSince(
    tenantId: string,
    phone: string,
    type: SmsType,
    since: Date,
    db: Db,
  ): Promise<boolean> {
    const count = await db.smsMessage.count({
      where: { tenantId, phone, direction: 'outbound', type, createdAt: { gte: since } },
    });
    return count > 0;
  }

  async page(tenantId: string, filter: SmsFilter, skip: number, take: number): Promise<Page<SmsMessage>> {
    const where: Prisma.SmsMessageWhereInput = {
      tenantId,
      ...(filter.leadId ? { leadId: filter.leadId } : {}),
      ...(filter.visibleTo ? { lead: { assignedUserId: filter.visibleTo } } : {}),
    };
    const db = this.db();
    const [rows, total] = await Promise.all([
      db.smsMessage.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip, take }),
      db.smsMessage.count({ where }),
    ]);
    return { rows, total };
  }

  // Inbound events ----------------------------------------------------------------------------------

  /** Records a webhook delivery; null when this dedup key was recorded before (a redelivery). */
  async recordInboundEvent(
    tenantId: string,
    provider: InboundProvider,
    dedupKey: string,
    payload: Record<string, string>,
    db: Db,
  ): Promise<string | null> {
    const rows = await db.inboundEvent.createManyAndReturn({
      data: [{ tenantId, provider, dedupKey, payload }],
      skipDuplicates: true,
      select: { id: true },
    });
    return rows[0]?.id ?? null;
  }

  findInboundEvent(tenantId: string, id: string, db?: Db): Promise<InboundEvent | null> {
    return this.db(db).inboundEvent.findFirst({ where: { id, tenantId } });
  }

  /** Compare-and-set from received: the event's effects are applied once. */
  async finishInboundEvent(
    tenantId: string,
    id: string,
    status: 'processed' | 'ignored' | 'failed',
    db: Db,
    lastError?: string,
  ): Promise<boolean> {
    const result = await db.inboundEvent.updateMany({
      where: { id, tenantId, status: 'received' },
      data: { status, processedAt: new Date(), lastError: lastError ?? null, attempts: { increment: 1 } },
    });
    return result.count === 1;
  }

  // Reminders ---------------------------------------------------------------------------------------

  /** Confirmed bookings starting in (now, until] that have not been reminded. */
  dueReminders(tenantId: string, now: Date, until: Date, db?: Db): Promise<DueReminder[]> {
    return this.db(db).booking.findMany({
      where: {
        tenantId,
        status: 'confirmed',
        deletedAt: null,
        reminderSentAt: null,
        startsAt: { gt: now, lte: until },
      },
      include: { lead: true },
      orderBy: { startsAt: 'asc' },
      take: 500,
    });
  }

  // System path (webhook routing, schedule fan-out) ---------------------------------------------------

  tenantBySmsNumber(tx: SystemTx, phone: string): Promise<{ id: string; active: boolean } | null> {
    return tx.tenant.findFirst({
      where: { smsNumber: phone, deletedAt: null },
      select: { id: true, active: true },
    });
  }

  async tenantsWithDueReminders(tx: SystemTx, now: Date, until: Date): Promise<string[]> {
    const rows = await tx.booking.findMany({
      where: {
        status: 'confirmed',
        deletedAt: null,
        reminderSentAt: null,
        startsAt: { gt: now, lte: until },
      },
      distinct: ['tenantId'],
      select: { tenantId: true },
    });
    return rows.map((row) => row.tenantId);
  }
}
