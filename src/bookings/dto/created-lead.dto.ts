import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { LeadDto } from '../../leads/dto/lead.dto.js';
import { BookingDto } from './booking.dto.js';

/** POST /leads with `scheduledAt`: the lead and its pending booking, confirmable for 48 hours. */
export class CreatedLeadWithBookingDto {
  @ApiProperty({ type: LeadDto }) lead!: LeadDto;
  @ApiProperty({ type: BookingDto }) booking!: BookingDto;

  @ApiProperty({ description: 'The only answer that carries the meeting token' })
  meetingToken!: string;

  @ApiPropertyOptional({ type: [String], description: 'When linking the lead to a customer needed a choice' })
  warnings?: string[];
}

/** POST /leads without `scheduledAt`: the lead, with the linking warnings when there are any. */
export class CreatedLeadDto extends LeadDto {
  @ApiPropertyOptional({ type: [String], description: 'When linking the lead to a customer needed a choice' })
  warnings?: string[];
}
