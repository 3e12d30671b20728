import { Injectable } from '@nestjs/common';

import { ActivitiesService } from '../activities/activities.service.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { LeadsService } from '../leads/leads.service.js';
import { BookingsRepository } from './bookings.repository.js';

/** How many expired bookings one tenant's run handles; the next run (5 minutes later) takes the rest. */
const EXPIRY_BATCH = 500;

/** The 5-minute schedule's work: pending bookings the customer did not confirm in time expire. */
@Injectable()
export class BookingExpiry {
  constructor(
    private readonly repository: BookingsRepository,
    private readonly system: SystemPrismaService,
    private readonly unitOfWork: UnitOfWork,
    private readonly leads: LeadsService,
    private readonly activities: ActivitiesService,
  ) {}

  /** The tenants with pending bookings past their deadline: the schedule's fan-out, over the system path. */
  tenantsWithExpiredPending(now: Date): Promise<string[]> {
    return this.system.transaction('schedule-fan-out', (tx) =>
      this.repository.tenantsWithExpiredPending(now, tx),
    );
  }

  /**
   * Expires the current tenant's pending bookings past `tokenExpiresAt`. Compare-and-set on `pending`,
   * so a booking confirmed meanwhile is left alone and a second run changes nothing. A pending booking
   * never had a calendar event, so expiry writes no calendar job.
   */
  expirePending(now: Date): Promise<number> {
    return this.unitOfWork.run(async (work) => {
      const { tx, tenantId } = work;
      const candidates = await this.repository.findExpiredPending(tenantId, now, EXPIRY_BATCH, tx);
      let count = 0;
      for (const booking of candidates) {
        if (!(await this.repository.expireIfPending(tenantId, booking.id, now, tx))) continue;
        count += 1;
        await this.activities.record(tx, {
          type: 'booking',
          title: 'Booking udløbet',
          description: 'Bookingen blev ikke bekræftet i tide',
          status: 'warning',
          customerId: booking.customerId,
          leadId: booking.leadId,
          bookingId: booking.id,
          actorUserId: null,
          metadata: { tokenExpiresAt: booking.tokenExpiresAt?.toISOString() ?? null },
        });
        await this.leads.applySystemMove(tx, booking.leadId, 'bookings_ended', null);
      }
      if (count > 0) work.invalidatesCache();
      return count;
    });
  }
}
