import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';

import { ActivitiesService } from '../activities/activities.service.js';
import { type Principal, visibleOnlyTo } from '../auth/principal.js';
import { AppConfig } from '../core/config/app-config.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import { paginated } from '../core/http/pagination.js';
import { RedisLockService } from '../core/redis/redis-lock.service.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import { UnitOfWork, type Work } from '../core/unit-of-work/unit-of-work.js';
import type { SmsMessage } from '../generated/prisma/client.js';
import type { SmsStatus, SmsType } from '../generated/prisma/enums.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { isIntegrationError, type IntegrationError } from '../integrations/integration-error.js';
import { failureOf, giveUp, providerFailure, type FailureSummary } from '../integrations/provider-failure.js';
import {
  SMS_SENDER,
  type SmsSender,
  type SentSms,
  type SentSmsQuery,
  type SmsAccount,
} from '../integrations/twilio/twilio.client.js';
import { LeadsService } from '../leads/leads.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { SmsDto, type SendSmsDto, type SmsPageDto, type SmsQueryDto } from './dto/sms.dto.js';
import { LeadHasNoPhoneError, RecipientOptedOutError } from './sms.errors.js';
import { SmsRepository } from './sms.repository.js';
import { segmentInfo, toGsm7 } from './text/gsm7.js';

export interface QueueTextInput {
  leadId: string | null;
  bookingId?: string | null;
  customerId?: string | null;
  phone: string;
  body: string;
  type: SmsType;
}

/** A text to record as queued: its body in GSM-7 where possible, with the segments it will cost. */
function outboundText(input: QueueTextInput) {
  const body = toGsm7(input.body);
  const info = segmentInfo(body);
  return {
    direction: 'outbound' as const,
    leadId: input.leadId,
    bookingId: input.bookingId ?? null,
    phone: input.phone,
    body,
    type: input.type,
    status: 'queued' as const,
    segments: info.segments,
    encoding: info.encoding,
  };
}

/** Outlasts a send: the look-up of an earlier try and the send each time out after 15 s. */
const SEND_LOCK_MS = 60_000;

/** The webhook path Twilio reports delivery to; the full URL is PUBLIC_BASE_URL + this. */
export const STATUS_CALLBACK_PATH = '/api/webhooks/twilio/status';

/** Types that answer the customer's own message: they go out even to a number that just opted out. */
const ANSWER_TYPES: readonly SmsType[] = ['opt_out'];

/**
 * Order of delivery states: a callback may only move a message forward (Twilio's callbacks arrive out of
 * order: "sent" after "delivered" is common). The three final states never change.
 */
const STATUS_RANK: Readonly<Record<SmsStatus, number>> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  undelivered: 2,
  failed: 2,
  received: 2,
};

/** Twilio's MessageStatus values in our states. */
export function smsStatusOf(twilioStatus: string): SmsStatus | null {
  switch (twilioStatus) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
      return 'queued';
    case 'sent':
    case 'delivery_unknown':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

/** The states a message may move from to reach `to`. */
export const statusesBefore = (to: SmsStatus): SmsStatus[] =>
  (Object.keys(STATUS_RANK) as SmsStatus[]).filter(
    (status) => STATUS_RANK[status] < STATUS_RANK[to] && status !== 'received',
  );

/**
 * Outgoing texts. A text is recorded (SmsMessage, queued) with its outbox job in the transaction of the
 * change that needs it; the `sms.send` job sends it once through the tenant's Twilio account, with the
 * StatusCallback, and records Twilio's sid, segments and encoding. Delivery callbacks move the status.
 */
@Injectable()
export class SmsService {
  private readonly logger = new Logger(SmsService.name);

  constructor(
    private readonly repository: SmsRepository,
    private readonly db: TenantPrismaService,
    private readonly outbox: OutboxService,
    private readonly activities: ActivitiesService,
    private readonly credentials: CredentialsService,
    @Inject(SMS_SENDER) private readonly sender: SmsSender,
    private readonly leads: LeadsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
    private readonly locks: RedisLockService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Records a text to send, in the caller's transaction. Relay the returned ids after commit. */
  async queueText(work: Work, input: QueueTextInput): Promise<SmsMessage> {
    const message = await this.repository.createMessage(work.tenantId, outboundText(input), work.tx);
    await work.enqueue('sms.send', { tenantId: work.tenantId, smsMessageId: message.id });
    return message;
  }

  /**
   * Records a text that must go out once for one event (`dedupKey`, unique per tenant), in the
   * caller's transaction; null when a text with that key exists already (a redelivered job).
   */
  async queueTextOnce(work: Work, input: QueueTextInput & { dedupKey: string }): Promise<SmsMessage | null> {
    const message = await this.repository.createMessageOnce(
      work.tenantId,
      { ...outboundText(input), dedupKey: input.dedupKey },
      work.tx,
    );
    if (message) await work.enqueue('sms.send', { tenantId: work.tenantId, smsMessageId: message.id });
    return message;
  }

  // API ---------------------------------------------------------------------------------------------

  async list(principal: Principal, query: SmsQueryDto): Promise<SmsPageDto> {
    if (query.leadId) await this.leads.findVisible(query.leadId, principal);
    const page = await this.repository.page(
      this.db.tenantId,
      { leadId: query.leadId, visibleTo: visibleOnlyTo(principal) },
      query.skip,
      query.pageSize,
    );
    return paginated(query, page, SmsDto.from);
  }

  /** POST /sms: staff text a lead's customer by hand. */
  async sendManual(principal: Principal, dto: SendSmsDto): Promise<SmsDto> {
    const lead = await this.leads.findVisible(dto.leadId, principal);
    if (!lead.customerPhone) throw new LeadHasNoPhoneError();
    const tenantId = this.db.tenantId;
    const message = await this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      if (await this.repository.isOptedOut(tenantId, lead.customerPhone!, tx))
        throw new RecipientOptedOutError();
      const queued = await this.queueText(work, {
        leadId: lead.id,
        phone: lead.customerPhone!,
        body: dto.body,
        type: 'other',
      });
      await this.activities.record(tx, {
        type: 'sms',
        title: 'SMS sendt',
        description: queued.body,
        status: 'info',
        customerId: lead.customerId,
        leadId: lead.id,
        actorUserId: principal.userId,
        metadata: { smsMessageId: queued.id, segments: queued.segments },
      });
      return queued;
    });
    return SmsDto.from(message);
  }

  // The sms.send job --------------------------------------------------------------------------------

  /**
   * Sends one recorded text, once: a message that already has a sid or left `queued` is done. The
   * vendor's answer decides what follows: 21610 records the opt-out and stops; a refused number or
   * missing credentials fail the message for good (UnrecoverableError); an outage is retried, and the
   * last attempt fails the message where the timeline shows it.
   */
  deliver(smsMessageId: string, attempt: { number: number; last: boolean }): Promise<SmsStatus> {
    // Two runs of one job can overlap: BullMQ hands a job back when its lock lapses (a stalled event
    // loop under load) while the first run still works. Both would read the text as unsent; the lock
    // lets one send and the other retry later, when it finds the text sent.
    return this.locks.withLock(`sms-send:${smsMessageId}`, SEND_LOCK_MS, () =>
      this.deliverOnce(smsMessageId, attempt),
    );
  }

  private async deliverOnce(
    smsMessageId: string,
    attempt: { number: number; last: boolean },
  ): Promise<SmsStatus> {
    const tenantId = this.db.tenantId;
    const { message, optedOut, sender } = await this.repository.sendingContext(tenantId, smsMessageId);
    if (!message || message.direction !== 'outbound') return 'failed';
    if (message.status !== 'queued' || message.twilioSid) return message.status;

    if (!ANSWER_TYPES.includes(message.type) && optedOut) {
      await this.fail(
        message,
        null,
        { code: 'recipient_opted_out', message: 'Kunden har afmeldt SMS' },
        'warning',
      );
      return 'failed';
    }
    const resolved = await this.credentials.resolveCredentials('twilio');
    if (!resolved) {
      await this.fail(message, null, providerFailure('Twilio', 'not_configured'), 'error');
      throw new UnrecoverableError('Twilio is not configured for this tenant');
    }
    const from = sender.smsNumber ?? resolved.credentials.phoneNumber;
    try {
      // An earlier try may have reached Twilio and lost only its answer (or the process died before
      // the sid was stored): find it instead of texting the customer twice.
      const earlier =
        message.sendAttempts > 0
          ? await this.earlierTry(resolved.credentials, {
              to: message.phone,
              from,
              body: message.body,
              since: message.createdAt,
            })
          : null;
      await this.repository.countSendAttempt(tenantId, message.id);
      const sent =
        earlier ??
        (await this.sender.send(resolved.credentials, {
          to: message.phone,
          from,
          body: message.body,
          statusCallback: `${this.config.http.publicBaseUrl}${STATUS_CALLBACK_PATH}`,
        }));
      const status = smsStatusOf(sent.status) ?? 'queued';
      await this.repository.markSent(tenantId, message.id, {
        twilioSid: sent.sid,
        // "queued" at Twilio is still sent as far as we are concerned: it left our hands.
        status: status === 'queued' ? 'sent' : status,
        segments: sent.segments ?? message.segments ?? 1,
        sentAt: new Date(),
      });
      await this.credentials.recordSuccess('twilio');
      return 'sent';
    } catch (error) {
      if (!isIntegrationError(error, 'Twilio')) throw error;
      return this.handleSendError(message, error, attempt);
    }
  }

  /** This message's own earlier try at Twilio: same route and body, and not a sid another message has. */
  private async earlierTry(account: SmsAccount, query: SentSmsQuery): Promise<SentSms | null> {
    const candidates = await this.sender.findSent(account, query);
    if (candidates.length === 0) return null;
    const known = await this.repository.knownSids(
      this.db.tenantId,
      candidates.map((candidate) => candidate.sid),
    );
    return candidates.find((candidate) => !known.has(candidate.sid)) ?? null;
  }

  private async handleSendError(
    message: SmsMessage,
    error: IntegrationError,
    attempt: { number: number; last: boolean },
  ): Promise<SmsStatus> {
    const tenantId = this.db.tenantId;
    // The text, its timeline entry and the integration show the summary of the failure's kind;
    // Twilio's own words ("connect ECONNREFUSED …") stay in the job's log line.
    const failure = failureOf(error);
    // Twilio's numeric error code, kept on the text for support.
    const code = typeof error.vendorCode === 'number' ? error.vendorCode : null;
    switch (error.kind) {
      case 'opted_out':
        // Twilio refuses the number (the customer texted STOP to the carrier or to Twilio): record it
        // as ours too, so nothing else is attempted, and do not retry.
        await this.db.transaction(async (tx) => {
          await this.repository.addOptOut(tenantId, message.phone, `twilio_${code ?? 21610}`, tx);
          await this.failIn(
            tx,
            message,
            code,
            { code: failure.code, message: 'Kunden har afmeldt SMS (Twilio 21610)' },
            'warning',
          );
        });
        return 'failed';
      case 'needs_attention':
        await this.credentials.recordFailure('twilio', failure, { needsAttention: true });
        await this.fail(message, code, failure, 'error');
        throw giveUp(error);
      case 'retry':
        await this.credentials.recordFailure('twilio', failure);
        if (attempt.last) await this.fail(message, code, failure, 'error');
        this.logger.warn({
          message: 'SMS send will be retried',
          attempt: attempt.number,
          error: error.message,
        });
        throw error;
      default:
        // `give_up` (Twilio refused the text itself); the adapter raises no other kind.
        await this.credentials.recordFailure('twilio', failure);
        await this.fail(message, code, failure, 'error');
        throw giveUp(error);
    }
  }

  private async fail(
    message: SmsMessage,
    code: number | null,
    failure: FailureSummary,
    status: 'warning' | 'error',
  ): Promise<void> {
    await this.unitOfWork.run(async (work) => {
      work.invalidatesCache();
      // A refusal or an outage that outlasted every try needs a person; an opted-out number does not.
      if ((await this.failIn(work.tx, message, code, failure, status)) && status === 'error')
        await this.notifyFailed(work, message, failure.message);
    });
  }

  /** Staff hear of a text that will not arrive (docs/architecture.md, Notifications). */
  private async notifyFailed(work: Work, message: SmsMessage, reason: string): Promise<void> {
    const lead = message.leadId
      ? await this.repository.findLead(work.tenantId, message.leadId, work.tx)
      : null;
    await this.notifications.smsFailed(work, {
      smsMessageId: message.id,
      phone: message.phone,
      reason,
      lead,
      bookingId: message.bookingId,
    });
  }

  /** `code`: Twilio's numeric error code; `failure`: our summary, the text's errorMessage. */
  private async failIn(
    tx: ScopedTransaction,
    message: SmsMessage,
    code: number | null,
    failure: FailureSummary,
    status: 'warning' | 'error',
  ): Promise<boolean> {
    const tenantId = this.db.tenantId;
    const marked = await this.repository.markFailed(
      tenantId,
      message.id,
      { errorCode: code, errorMessage: failure.message },
      tx,
    );
    if (!marked) return false;
    await this.activities.record(tx, {
      type: 'sms',
      title: 'SMS ikke sendt',
      description: failure.message,
      status,
      leadId: message.leadId,
      bookingId: message.bookingId,
      metadata: {
        smsMessageId: message.id,
        smsType: message.type,
        errorCode: code,
        failureCode: failure.code,
      },
    });
    return true;
  }

  // Delivery callbacks (the sms.status job) ---------------------------------------------------------

  /**
   * Applies one status callback: the message moves forward only. A failed or undelivered text lands on
   * the lead's timeline (and in the stats' smsFailed). Throws while the message's sid is not recorded
   * yet (the callback outran the send job's commit), so the job retries.
   */
  async applyStatus(inboundEventId: string, attempt: { last: boolean }): Promise<void> {
    const tenantId = this.db.tenantId;
    const event = await this.repository.findInboundEvent(tenantId, inboundEventId);
    if (!event || event.status !== 'received') return;
    const params = event.payload as Record<string, string>;
    const sid = params.MessageSid ?? params.SmsSid ?? '';
    const status = smsStatusOf(params.MessageStatus ?? params.SmsStatus ?? '');
    const message = sid ? await this.repository.findMessageBySid(tenantId, sid) : null;
    if (!message || !status) {
      if (!message && status && !attempt.last) throw new Error(`No SMS with sid ${sid} yet`);
      await this.db.transaction((tx) =>
        this.repository.finishInboundEvent(
          tenantId,
          event.id,
          'ignored',
          tx,
          message ? 'unknown status' : 'unknown sid',
        ),
      );
      return;
    }
    const errorCode = params.ErrorCode ? Number.parseInt(params.ErrorCode, 10) : null;
    const failed = status === 'failed' || status === 'undelivered';
    await this.unitOfWork.run(async (work) => {
      const tx = work.tx;
      if (failed) work.invalidatesCache();
      const moved = await this.repository.advanceStatus(
        tenantId,
        message.id,
        statusesBefore(status),
        {
          status,
          ...(status === 'delivered' ? { deliveredAt: new Date() } : {}),
          ...(failed
            ? {
                errorCode,
                errorMessage: `Twilio ${params.MessageStatus ?? status}${errorCode ? ` (${errorCode})` : ''}`,
              }
            : {}),
        },
        tx,
      );
      if (moved && failed) {
        await this.activities.record(tx, {
          type: 'sms',
          title: status === 'failed' ? 'SMS fejlede' : 'SMS ikke leveret',
          description: `Til ${message.phone}${errorCode ? `: fejlkode ${errorCode}` : ''}`,
          status: 'error',
          leadId: message.leadId,
          bookingId: message.bookingId,
          metadata: { smsMessageId: message.id, twilioSid: sid, status, errorCode },
        });
        await this.notifyFailed(
          work,
          message,
          `${status === 'failed' ? 'Twilio meldte fejl' : 'beskeden blev ikke leveret'}${errorCode ? ` (fejlkode ${errorCode})` : ''}`,
        );
      }
      await this.repository.finishInboundEvent(tenantId, event.id, moved ? 'processed' : 'ignored', tx);
    });
  }
}
