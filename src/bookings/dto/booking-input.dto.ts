import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsNumber, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

import { BookingStatus } from '../../generated/prisma/enums.js';
import { PaginationQueryDto } from '../../core/http/pagination.js';
import { IsOptionalNotNull } from '../../tenants/dto/validators.js';
import {
  DATE_WINDOW_RULE,
  IsDateInWindow,
  MAX_BOOKING_YEARS_AHEAD,
} from '../../core/validation/date-input.js';
import { DateBoundary, OptionalEnum, OptionalUuid, PatchUuid } from '../../core/validation/fields.js';
import { fieldRule } from '../../core/validation/rule.js';

/** Hours on a booking: 0.5 to 24 in half-hour steps (a crew is booked and paid by the half hour). */
export function isHalfHours(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0.5 &&
    value <= 24 &&
    Number.isInteger(value * 2)
  );
}

const IsHalfHours = fieldRule(
  'isHalfHours',
  isHalfHours,
  '$property must be between 0.5 and 24 in half-hour steps',
);

const trimToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value;

/** An ISO 8601 instant with a date, a time and an offset: a booking time is never zone-less. */
const ISO_INSTANT = { strict: true, strictSeparator: true } as const;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const BOOKING_START_RULE = `At most ${MAX_BOOKING_YEARS_AHEAD} years from now; ${DATE_WINDOW_RULE}`;
const isInstant = (value: unknown) => typeof value === 'string' && INSTANT_PATTERN.test(value);

const IsInstant = fieldRule(
  'isInstant',
  isInstant,
  '$property must be an ISO 8601 date-time with an offset (2026-03-27T09:00:00Z)',
);

export class CreateBookingDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  leadId!: string;

  @ApiProperty({ format: 'date-time', example: '2027-04-06T08:00:00Z', description: BOOKING_START_RULE })
  @IsISO8601(ISO_INSTANT)
  @IsInstant()
  @IsDateInWindow({ maxYearsAhead: MAX_BOOKING_YEARS_AHEAD })
  startsAt!: string;

  @ApiPropertyOptional({ example: 3.5, description: "Defaults to the lead's estimated hours" })
  @IsOptionalNotNull()
  @IsNumber()
  @IsHalfHours()
  durationHours?: number;

  @PatchUuid({ description: 'Defaults to the first team free at that time' })
  teamId?: string;

  @PatchUuid({ description: "Defaults to the lead's assignee" })
  assignedUserId?: string;
}

export class UpdateBookingDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2027-04-07T08:00:00Z',
    description: BOOKING_START_RULE,
  })
  @IsOptionalNotNull()
  @IsISO8601(ISO_INSTANT)
  @IsInstant()
  @IsDateInWindow({ maxYearsAhead: MAX_BOOKING_YEARS_AHEAD })
  startsAt?: string;

  @ApiPropertyOptional({ example: 4 })
  @IsOptionalNotNull()
  @IsNumber()
  @IsHalfHours()
  durationHours?: number;

  @PatchUuid()
  teamId?: string;

  @OptionalUuid({ type: String, nullable: true, description: 'null unassigns' })
  assignedUserId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null or empty clears' })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(5000)
  notes?: string | null;
}

/** The statuses a client may ask for; `completed` is named so the answer can point to /complete. */
export class UpdateBookingStatusDto {
  @ApiProperty({ enum: BookingStatus, enumName: 'BookingStatus' })
  @IsIn(Object.values(BookingStatus))
  status!: BookingStatus;
}

export class CompleteBookingDto {
  @ApiProperty({ example: 3.5, description: '0.5 to 24, in half-hour steps' })
  @IsNumber()
  @IsHalfHours()
  hoursWorked!: number;
}

export const BOOKING_SORT_FIELDS = ['startsAt', 'createdAt'] as const;

export class BookingQueryDto extends PaginationQueryDto {
  @OptionalEnum(BookingStatus, 'BookingStatus')
  status?: BookingStatus;

  @OptionalUuid()
  teamId?: string;

  @OptionalUuid()
  leadId?: string;

  @OptionalUuid()
  seriesId?: string;

  @DateBoundary('On startsAt; ISO 8601, a bare date is a day in the tenant time zone (inclusive)')
  from?: string;

  @DateBoundary('On startsAt; ISO 8601, a bare date is a day in the tenant time zone (exclusive)')
  to?: string;

  @ApiPropertyOptional({ example: 'startsAt:asc', description: 'startsAt|createdAt : asc|desc' })
  @IsOptional()
  @IsString()
  sort?: string;
}

export class MeetingTokenParamDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  meetingToken!: string;
}
