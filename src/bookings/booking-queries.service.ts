import { Injectable } from '@nestjs/common';

import { isStaff, type Principal } from '../auth/principal.js';
import { isLiveBooking } from '../core/domain/booking-status.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { paginated, parseSort } from '../core/http/pagination.js';
import { parseRangeBoundary } from '../core/time/tenant-time.js';
import type { Booking } from '../generated/prisma/client.js';
import { Clock } from '../core/time/clock.js';
import { TenantProfileService } from '../tenants/tenant-profile.service.js';
import { BookingsRepository } from './bookings.repository.js';
import { BookingNotFoundError, MeetingNotFoundError } from './bookings.errors.js';
import { BOOKING_SORT_FIELDS, type BookingQueryDto } from './dto/booking-input.dto.js';
import { BookingDto, MeetingViewDto, type BookingPageDto } from './dto/booking.dto.js';

/** The visits of a recurring series the page of one of them lists after it. */
const NEXT_VISITS = 5;
/** Reading bookings: the list, one booking, and the customer's public booking link. */
@Injectable()
export class BookingQueries {
  constructor(
    private readonly repository: BookingsRepository,
    private readonly tenantPrisma: TenantPrismaService,
    private readonly system: SystemPrismaService,
    private readonly profile: TenantProfileService,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal, query: BookingQueryDto): Promise<BookingPageDto> {
    const orderBy = parseSort(query.sort, BOOKING_SORT_FIELDS, { field: 'startsAt', direction: 'asc' });
    const timezone = query.from || query.to ? (await this.profile.current()).timezone : 'UTC';
    const page = await this.repository.page(
      this.tenantPrisma.tenantId,
      {
        status: query.status,
        teamId: query.teamId,
        leadId: query.leadId,
        seriesId: query.seriesId,
        from: query.from ? parseRangeBoundary(query.from, timezone, 'from') : undefined,
        to: query.to ? parseRangeBoundary(query.to, timezone, 'to') : undefined,
        visibleTo: isStaff(principal) ? principal.userId : undefined,
      },
      orderBy,
      { skip: query.skip, take: query.pageSize },
    );
    return paginated(query, page, BookingDto.from);
  }

  async get(principal: Principal, bookingId: string): Promise<BookingDto> {
    return BookingDto.from(await this.findVisible(principal, bookingId));
  }

  /**
   * The customer's booking link: by token over the system path, answering only the public fields, and
   * only while the booking is live. A link outlives its use (forwarded mails, shared screens), so once
   * the booking is cancelled, expired, done or deleted (or its lead is) the link answers 404 exactly
   * like a token that never existed: not even that it once showed an address. A pending booking's link
   * dies at its confirmation deadline, before the expiry schedule gets to it; a confirmed one's lives
   * on, as the customer was told it would.
   */
  async meetingView(meetingToken: string): Promise<MeetingViewDto> {
    // Tokens are base64url; anything else cannot match and is not worth a query.
    if (!/^[A-Za-z0-9_-]{16,200}$/.test(meetingToken)) throw new MeetingNotFoundError();
    const now = this.clock.now();
    const { row, nextVisits } = await this.system.transaction('meeting-token', async (tx) => {
      const row = await this.repository.findByMeetingToken(meetingToken, tx);
      const nextVisits =
        row?.seriesId != null
          ? await this.repository.nextSeriesVisits(row.tenantId, row.seriesId, row.startsAt, NEXT_VISITS, tx)
          : null;
      return { row, nextVisits };
    });
    if (!row || row.lead.deletedAt || !isLiveBooking(row.status)) throw new MeetingNotFoundError();
    const deadlinePassed = row.tokenExpiresAt !== null && row.tokenExpiresAt.getTime() <= now.getTime();
    if (row.status === 'pending' && deadlinePassed) throw new MeetingNotFoundError();
    // The deadline is for confirming: a confirmed booking past it is not expired.
    const deadline = row.status === 'pending' ? row.tokenExpiresAt : null;
    return MeetingViewDto.from({ ...row, tokenExpiresAt: deadline }, row.lead, now, row.tenant, nextVisits);
  }

  /** The booking if the principal may see it (STAFF: theirs only), else BookingNotFoundError. */
  async findVisible(principal: Principal, bookingId: string): Promise<Booking> {
    const booking = await this.repository.find(
      this.tenantPrisma.tenantId,
      bookingId,
      isStaff(principal) ? principal.userId : undefined,
    );
    if (!booking) throw new BookingNotFoundError();
    return booking;
  }
}
