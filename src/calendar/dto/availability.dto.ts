import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, Max, Min } from 'class-validator';

import type { Slot } from '../availability.js';
import { DATE_WINDOW_RULE, IsDateInWindow } from '../../core/validation/date-input.js';
import { OptionalUuid } from '../../core/validation/fields.js';

export class AvailabilityQueryDto {
  @ApiProperty({
    example: '2026-03-27',
    description: `ISO 8601; a bare date is the start of that day in the tenant time zone (inclusive); ${DATE_WINDOW_RULE}`,
  })
  @IsDateInWindow()
  from!: string;

  @ApiProperty({
    example: '2026-04-03',
    description: `ISO 8601; a bare date is the start of that day in the tenant time zone (exclusive); ${DATE_WINDOW_RULE}`,
  })
  @IsDateInWindow()
  to!: string;

  @ApiProperty({ example: 3.5, description: 'Job length in hours, 0.5 to 24; rounded up to the half hour' })
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.5)
  @Max(24)
  durationHours!: number;

  @OptionalUuid({ description: 'One team; default every active team' })
  teamId?: string;
}

export class SlotDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-27T09:00:00.000Z' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-27T12:30:00.000Z' }) endsAt!: string;
  @ApiProperty({ format: 'uuid' }) teamId!: string;

  static from(slot: Slot): SlotDto {
    return Object.assign(new SlotDto(), {
      startsAt: slot.startsAt.toISOString(),
      endsAt: slot.endsAt.toISOString(),
      teamId: slot.teamId,
    });
  }
}

export class AvailabilityDto {
  @ApiProperty({
    type: [SlotDto],
    description: 'Earliest first; a time free on two teams is listed per team',
  })
  slots!: SlotDto[];
}
