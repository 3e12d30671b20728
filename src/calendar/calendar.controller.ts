import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { Authenticated } from '../auth/auth.decorators.js';
import { CalendarService } from './calendar.service.js';
import { AvailabilityDto, AvailabilityQueryDto } from './dto/availability.dto.js';

@ApiTags('calendar')
@Controller('calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get('availability')
  @Authenticated()
  @ApiOkResponse({
    type: AvailabilityDto,
    description: 'Free slots in [from, to), within notice and horizon',
  })
  @ApiErrors({
    badRequest: 'A missing or invalid from, to, durationHours or teamId, or a range over 62 days',
    notFound: 'No such team',
    unavailable: 'Google Calendar could not be read',
  })
  availability(@Query() query: AvailabilityQueryDto): Promise<AvailabilityDto> {
    return this.calendar.availability(query);
  }
}
