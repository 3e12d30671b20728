import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';

import { HandlesJob, isLastAttempt, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { CredentialsService } from '../../integrations/credentials/credentials.service.js';
import { isIntegrationError, type IntegrationError } from '../../integrations/integration-error.js';
import { failureOf, giveUp } from '../../integrations/provider-failure.js';
import {
  CalendarNotConnectedError,
  CalendarSyncService,
  type SyncOutcome,
} from '../calendar-sync.service.js';

/** Payload of `calendar.sync-booking`: which booking's event to bring in line with the booking. */
export type SyncBookingPayload = JobPayloads['calendar.sync-booking'];

const REASONS = {
  credentials: 'Google afviste adgangen. Forbind Google igen under Integrationer.',
  forbidden: 'Google-kontoen har ikke adgang til holdets kalender. Del kalenderen eller ret kalender-id’et.',
  not_found: 'Holdets kalender findes ikke i Google. Ret kalender-id’et på holdet.',
  invalid: 'Google afviste kalenderbegivenheden.',
  retry: 'Google Kalender svarede ikke, heller ikke efter flere forsøg.',
};

/** Why a calendar failure that no retry can fix left the booking out of the calendar. */
function reasonOf(error: IntegrationError): string {
  if (error.kind === 'needs_attention') return error.accessDenied ? REASONS.forbidden : REASONS.credentials;
  if (error.kind === 'not_found') return REASONS.not_found;
  return REASONS.invalid;
}

/**
 * Writes a booking into its team's Google Calendar (insert, move, delete). Vendor failures become:
 * retry (BullMQ backoff) for outages; give up with a timeline entry, and needs-attention on the
 * integration, for what only an admin can fix.
 */
@Injectable()
@HandlesJob('calendar.sync-booking')
export class SyncBookingProcessor implements JobHandler<'calendar.sync-booking'> {
  constructor(
    private readonly sync: CalendarSyncService,
    private readonly credentials: CredentialsService,
  ) {}

  async handle(payload: SyncBookingPayload, job?: Job<SyncBookingPayload>): Promise<SyncOutcome> {
    try {
      return await this.sync.sync(payload.bookingId);
    } catch (error) {
      if (error instanceof CalendarNotConnectedError) {
        await this.sync.recordFailure(
          payload.bookingId,
          'Google er ikke forbundet, så bookingen er ikke lagt i kalenderen.',
        );
        throw new UnrecoverableError(error.message);
      }
      if (!isIntegrationError(error, 'Google Kalender')) throw error;
      // An event id that exists, or an event deleted for good: the next run converges.
      if (error.kind === 'retry' || error.kind === 'conflict' || error.gone) {
        if (job !== undefined && isLastAttempt(job))
          await this.sync.recordFailure(payload.bookingId, REASONS.retry);
        throw error;
      }
      await this.credentials.recordFailure('google', failureOf(error), { needsAttention: true });
      await this.sync.recordFailure(payload.bookingId, reasonOf(error));
      throw giveUp(error);
    }
  }
}
