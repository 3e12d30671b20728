import { Injectable } from '@nestjs/common';

import { parseRangeBoundary } from '../core/time/tenant-time.js';
import { TenantProfileService } from '../tenants/tenant-profile.service.js';
import { AvailabilityService } from './availability.service.js';
import { AvailabilityFieldError } from './calendar.errors.js';
import { SlotDto, type AvailabilityDto, type AvailabilityQueryDto } from './dto/availability.dto.js';

/** The longest range one availability query may ask about: two months, beyond any sensible horizon. */
export const MAX_AVAILABILITY_DAYS = 62;
const DAY_MS = 24 * 3600 * 1000;

/** The HTTP side of the calendar: reads the query in the tenant's zone and answers slots as UTC strings. */
@Injectable()
export class CalendarService {
  constructor(
    private readonly availabilityService: AvailabilityService,
    private readonly profile: TenantProfileService,
  ) {}

  async availability(query: AvailabilityQueryDto): Promise<AvailabilityDto> {
    const { timezone } = await this.profile.current();
    const from = parseRangeBoundary(query.from, timezone, 'from');
    const to = parseRangeBoundary(query.to, timezone, 'to');
    if (to.getTime() <= from.getTime()) throw new AvailabilityFieldError('to', 'to must be after from');
    if (to.getTime() - from.getTime() > MAX_AVAILABILITY_DAYS * DAY_MS) {
      throw new AvailabilityFieldError('to', `to must be at most ${MAX_AVAILABILITY_DAYS} days after from`);
    }
    const slots = await this.availabilityService.available({
      from,
      to,
      durationHours: query.durationHours,
      teamId: query.teamId,
    });
    return { slots: slots.map(SlotDto.from) };
  }
}
