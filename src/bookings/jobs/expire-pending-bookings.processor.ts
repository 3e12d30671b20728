import { Injectable } from '@nestjs/common';

import { TenantContextService } from '../../core/database/tenant-context.js';
import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import { BookingExpiry } from '../booking-expiry.service.js';
import { Clock } from '../../core/time/clock.js';

/** Payload of `bookings.expire-pending`: none; the schedule covers every tenant. */
export type ExpirePendingBookingsPayload = JobPayloads['bookings.expire-pending'];

/**
 * Every 5 minutes: pending bookings whose customer did not confirm before `tokenExpiresAt` expire,
 * and their leads follow. Finds the tenants over the system path, then handles each inside its own
 * tenant context and transaction. One tenant's failure does not stop the others, but the job still
 * fails afterwards so BullMQ retries it (the work is idempotent, so a retry only does what is left).
 */
@Injectable()
@HandlesJob('bookings.expire-pending')
export class ExpirePendingBookingsProcessor implements JobHandler<'bookings.expire-pending'> {
  constructor(
    private readonly expiry: BookingExpiry,
    private readonly context: TenantContextService,
    private readonly clock: Clock,
  ) {}

  async handle(_payload: ExpirePendingBookingsPayload): Promise<{ tenants: number; expired: number }> {
    const now = this.clock.now();
    const tenantIds = await this.expiry.tenantsWithExpiredPending(now);
    const { tenants, total } = await this.context.countForEachTenant(
      tenantIds,
      'Expiring pending bookings',
      () => this.expiry.expirePending(now),
    );
    return { tenants, expired: total };
  }
}
