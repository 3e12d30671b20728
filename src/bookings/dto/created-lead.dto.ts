import { ApiProperty } from '@nestjs/swagger';

import { LeadDto } from '../../leads/dto/lead.dto.js';
import { BookingDto } from './booking.dto.js';

/**
 * What POST /leads answers, with or without `scheduledAt`: the lead itself, and beside its fields
 * the pending booking and its meeting token when a time was asked for. One shape, so a client reads
 * `id` the same way whatever it sent.
 */
export class CreatedLeadDto extends LeadDto {
  @ApiProperty({
    type: BookingDto,
    nullable: true,
    description: 'With `scheduledAt`: the pending booking on the first free team, confirmable for 48 hours',
  })
  booking!: BookingDto | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "With `scheduledAt`: the booking's meeting token. The only answer that ever carries it",
  })
  meetingToken!: string | null;

  @ApiProperty({
    type: [String],
    description: 'What linking the lead to a customer had to choose; empty when nothing was ambiguous',
  })
  warnings!: string[];
}
