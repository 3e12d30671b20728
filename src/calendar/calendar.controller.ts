import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';

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
  @ApiBadRequestResponse({
    description: 'A missing or invalid from, to, durationHours or teamId, or a range over 62 days',
  })
  @ApiNotFoundResponse({ description: 'No such team' })
  @ApiServiceUnavailableResponse({ description: 'Google Calendar could not be read' })
  availability(@Query() query: AvailabilityQueryDto): Promise<AvailabilityDto> {
    return this.calendar.availability(query);
  }
}
