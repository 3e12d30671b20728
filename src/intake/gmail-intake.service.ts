import { Inject, Injectable, Logger } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { AppConfig } from '../core/config/app-config.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { DomainError } from '../core/http/domain-error.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { MAX_HEADER_CHARS } from './extraction/limits.js';
import { decodeHeader, readMailBody, type MimePart } from './extraction/mail-text.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { GMAIL_CLIENT, type GmailClient, type GmailMessage } from '../integrations/gmail/gmail.client.js';
import { isIntegrationError } from '../integrations/integration-error.js';
import { GmailRepository } from './gmail.repository.js';
import { LeadIntakePipeline } from './lead-intake.pipeline.js';
import { checkSender } from './sender-check.js';

/** A sync that finds more than this many new messages still works; it only logs, for the operator. */
const LARGE_SYNC = 500;
/** Rounds of one sync job while pushes keep marking the mailbox dirty. */
const MAX_SYNC_ROUNDS = 5;
/** The full sync after a lost cursor reads this far back. */
const FULL_SYNC_DAYS = 7;

export type ImportOutcome = 'created' | 'duplicate' | 'rejected' | 'gone';

/**
 * The Gmail side of the intake (docs/architecture.md, step 1): the history sync that turns a push into
 * import jobs, the import of one message, and the watch. Runs inside the tenant's context (jobs enter
 * it from their payload). Failures come out as IntegrationError; the processors decide about retries.
 */
@Injectable()
export class GmailIntakeService {
  private readonly logger = new Logger(GmailIntakeService.name);

  constructor(
    private readonly db: TenantPrismaService,
    @Inject(GMAIL_CLIENT) private readonly gmail: GmailClient,
    private readonly repository: GmailRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly pipeline: LeadIntakePipeline,
    private readonly activities: ActivitiesService,
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Reads what arrived since the cursor and writes one import job per new message, moving the cursor
   * in the same transaction (compare-and-set). Goes round again while pushes arrived meanwhile.
   */
  async sync(): Promise<{ queued: number; fullSync: boolean }> {
    let queued = 0;
    let fullSync = false;
    for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
      const startedAt = new Date();
      const state = await this.repository.beginSync();
      let found: { messageIds: string[]; historyId: string };
      if (state.historyId === null) {
        // A mailbox connected just now: its history starts here. Mail already in the inbox was seen by
        // people before RenOS, and answering it now would text customers about week-old requests.
        found = { messageIds: [], historyId: await this.gmail.profileHistoryId() };
      } else {
        try {
          found = await this.history(state.historyId);
        } catch (error) {
          if (!isIntegrationError(error, 'Gmail') || error.kind !== 'not_found') throw error;
          // The cursor is older than Gmail keeps history: read the last days instead. Messages already
          // imported are skipped below, and the lead's unique source id stops any that slip through.
          this.logger.warn({
            message: 'Gmail history cursor too old; full sync',
            tenantId: this.db.tenantId,
          });
          found = await this.fullSync();
          fullSync = true;
        }
      }
      const outboxIds = await this.unitOfWork.run(async (work) => {
        if (!(await this.repository.advanceCursor(work.tx, state.historyId, found.historyId))) return null;
        const fresh = await this.repository.notYetImported(work.tx, found.messageIds);
        const ids = await work.enqueueMany(
          'intake.import-message',
          fresh.map((messageId) => ({
            payload: { tenantId: work.tenantId, messageId },
            dedupId: `gmail-import-${messageId}`,
          })),
        );
        await this.repository.markPushesProcessed(work.tx, startedAt);
        return ids;
      });
      if (outboxIds === null) {
        // Another sync moved the cursor first and wrote these messages' jobs; nothing is lost.
        this.logger.log({ message: 'Gmail cursor moved by another sync', tenantId: this.db.tenantId });
      } else {
        queued += outboxIds.length;
      }
      if (!(await this.repository.isDirty())) break;
    }
    if (queued > LARGE_SYNC)
      this.logger.warn({ message: 'Large Gmail sync', tenantId: this.db.tenantId, queued });
    await this.credentials.recordSuccess('google');
    return { queued, fullSync };
  }

  /** Imports one message: checks the sender, reads the body, hands it to the intake pipeline. */
  async importMessage(messageId: string): Promise<ImportOutcome> {
    if (await this.repository.findLeadByMessage(messageId)) return 'duplicate';
    let message: GmailMessage;
    try {
      message = await this.gmail.get(messageId);
    } catch (error) {
      if (isIntegrationError(error, 'Gmail') && error.kind === 'not_found') {
        this.logger.warn({
          message: 'Gmail message gone before import',
          tenantId: this.db.tenantId,
          messageId,
        });
        return 'gone';
      }
      throw error;
    }
    const payload = message.payload ?? {};
    const headers = payload.headers ?? [];
    // A header is the sender's to write: only its first MAX_HEADER_CHARS are read.
    const header = (name: string): string[] =>
      headers
        .filter((h) => h.name?.toLowerCase() === name)
        .map((h) => (h.value ?? '').slice(0, MAX_HEADER_CHARS));
    const from = decodeHeader(header('from')[0] ?? '');
    const subject = decodeHeader(header('subject')[0] ?? '');
    const settings = await this.repository.tenantMailSettings();
    const verdict = checkSender(from, header('authentication-results'), settings.leadSenderDomains);
    if (!verdict.accepted) {
      await this.reject(messageId, from, subject, verdict.reason);
      return 'rejected';
    }
    const body = readMailBody(payload as MimePart);
    const result = await this.pipeline.createFromMail(
      { from, subject, text: body.text, warnings: body.warnings },
      {
        sourceMessageId: messageId,
        threadId: message.threadId ?? null,
        rfcMessageId: header('message-id')[0] ?? null,
        senderEmail: verdict.senderEmail,
      },
    );
    return result.created ? 'created' : 'duplicate';
  }

  /** Starts (or renews) the mailbox watch: Gmail pushes to PUBSUB_TOPIC for seven days. */
  async watch(): Promise<{ historyId: string; expiresAt: Date }> {
    const topic = this.config.google.pubsubTopic;
    if (!topic)
      throw new DomainError('unavailable', 'PUBSUB_TOPIC is not configured: Gmail has nowhere to push');
    const watched = await this.gmail.watch(topic);
    await this.repository.recordWatch(watched.historyId, watched.expiresAt);
    await this.credentials.recordSuccess('google');
    return watched;
  }

  private async history(startHistoryId: string): Promise<{ messageIds: string[]; historyId: string }> {
    const messageIds: string[] = [];
    let historyId = startHistoryId;
    let pageToken: string | undefined;
    do {
      const page = await this.gmail.history(startHistoryId, pageToken);
      messageIds.push(...page.messageIds);
      if (page.historyId) historyId = page.historyId;
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return { messageIds, historyId };
  }

  /** The last days' inbox mail from the allowed senders, and the cursor to go on from. */
  private async fullSync(): Promise<{ messageIds: string[]; historyId: string }> {
    // The cursor is read first: whatever arrives while listing is found again by the next sync.
    const historyId = await this.gmail.profileHistoryId();
    const { leadSenderDomains } = await this.repository.tenantMailSettings();
    if (leadSenderDomains.length === 0) return { messageIds: [], historyId };
    const query = `newer_than:${FULL_SYNC_DAYS}d from:(${leadSenderDomains.join(' OR ')})`;
    const messageIds: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.gmail.list(query, pageToken);
      messageIds.push(...page.messages.map((m) => m.id));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    // Oldest first, so leads appear in the order the mails came.
    return { messageIds: messageIds.reverse(), historyId };
  }

  private async reject(messageId: string, from: string, subject: string, reason: string): Promise<void> {
    this.logger.warn({
      message: 'Mail not accepted as a lead',
      tenantId: this.db.tenantId,
      messageId,
      reason,
    });
    // Only a forged or unverified allowed sender is worth a line on the timeline; other senders'
    // mail (newsletters, colleagues) is simply not a lead.
    if (!reason.startsWith('neither DKIM nor SPF')) return;
    await this.db.transaction((tx) =>
      this.activities.record(tx, {
        type: 'email',
        title: 'E-mail afvist: afsenderen kunne ikke bekræftes',
        description: `${from} — ${subject}`.slice(0, 500),
        status: 'warning',
        metadata: { gmailMessageId: messageId, reason },
      }),
    );
  }
}
