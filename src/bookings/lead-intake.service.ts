import { Injectable } from '@nestjs/common';

import type { Principal } from '../auth/principal.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import type { CreateLeadDto } from '../leads/dto/create-lead.dto.js';
import { LeadDto } from '../leads/dto/lead.dto.js';
import { LeadsService } from '../leads/leads.service.js';
import { BookingsService } from './bookings.service.js';
import { BookingDto } from './dto/booking.dto.js';
import type { CreatedLeadDto } from './dto/created-lead.dto.js';

/**
 * Creating a lead by hand. It lives in the bookings module because a lead with a requested time is
 * created together with its pending booking in one transaction: either both exist or neither does
 * (no free team means no lead either). Bookings depend on leads, never the reverse.
 */
@Injectable()
export class LeadIntakeService {
  constructor(
    private readonly leads: LeadsService,
    private readonly bookings: BookingsService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async create(principal: Principal, dto: CreateLeadDto): Promise<CreatedLeadDto> {
    const result = await this.bookings.guardOverlap((claim) =>
      this.unitOfWork.run(async (work) => {
        const { lead, warnings } = await this.leads.createInTransaction(work.tx, dto, principal);
        const placed = dto.scheduledAt
          ? await this.bookings.placePendingBooking(
              work.tx,
              lead,
              new Date(dto.scheduledAt),
              principal.userId,
              claim,
            )
          : undefined;
        work.invalidatesCache();
        return { lead, warnings, placed };
      }),
    );

    const { placed } = result;
    return {
      ...LeadDto.from(result.lead, { bookingDate: placed?.booking.startsAt ?? null }),
      booking: placed ? BookingDto.from(placed.booking) : null,
      meetingToken: placed?.meetingToken ?? null,
      warnings: result.warnings,
    };
  }
}
