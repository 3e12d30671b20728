import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import { SeriesInvoicing } from '../../generated/prisma/enums.js';
import {
  SERIES_CONFLICT_RULES,
  type ClosedDays,
  type CustomerNotices,
  type ExtractionRules,
  type SeriesRules,
  type SlotRules,
  type SmsRules,
  type TimeRange,
  type WorkingHours,
} from '../tenant-defaults.js';
import { IsAfterStart, IsCalendarDate, IsClockTime, IsHoursPerSquareMetre } from './validators.js';
import { DATE_WINDOW_RULE, IsDateInWindow } from '../../core/validation/date-input.js';

/**
 * The JSON settings of a tenant, as nested DTOs: they validate a PATCH body (each object is replaced
 * whole, so every property of it is required) and describe the same shapes in OpenAPI for GET.
 */

export class TimeRangeDto implements TimeRange {
  @ApiProperty({ example: '08:00' })
  @IsClockTime()
  start!: string;

  @ApiProperty({ example: '16:00', description: 'Later than start' })
  @IsClockTime()
  @IsAfterStart()
  end!: string;
}

/** A day with no ranges is closed. */
function DayRanges(): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ type: [TimeRangeDto] })(target, key);
    IsArray()(target, key);
    ArrayMaxSize(6)(target, key);
    ValidateNested({ each: true })(target, key);
    Type(() => TimeRangeDto)(target, key);
  };
}

export class WorkingHoursDto implements WorkingHours {
  @DayRanges() mon!: TimeRangeDto[];
  @DayRanges() tue!: TimeRangeDto[];
  @DayRanges() wed!: TimeRangeDto[];
  @DayRanges() thu!: TimeRangeDto[];
  @DayRanges() fri!: TimeRangeDto[];
  @DayRanges() sat!: TimeRangeDto[];
  @DayRanges() sun!: TimeRangeDto[];
}

export class SlotRulesDto implements SlotRules {
  @ApiProperty({ type: [String], example: ['08:00', '10:00', '12:00', '14:00'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(24)
  @ArrayUnique()
  @IsClockTime({ each: true })
  startTimes!: string[];

  @ApiProperty({ example: 30, minimum: 0, maximum: 480 })
  @IsInt()
  @Min(0)
  @Max(480)
  bufferMinutes!: number;

  @ApiProperty({
    example: 1,
    minimum: 0,
    maximum: 60,
    description: '1 = the next working day at the earliest',
  })
  @IsInt()
  @Min(0)
  @Max(60)
  minimumNoticeDays!: number;

  @ApiProperty({ example: 14, minimum: 1, maximum: 365 })
  @IsInt()
  @Min(1)
  @Max(365)
  horizonDays!: number;

  @ApiProperty({ example: 1440, minimum: 0, maximum: 10080, description: '0 turns holds off' })
  @IsInt()
  @Min(0)
  @Max(10080)
  holdMinutes!: number;
}

export class ClosedDaysDto implements ClosedDays {
  @ApiProperty({ example: true })
  @IsBoolean()
  danishPublicHolidays!: boolean;

  @ApiProperty({
    type: [String],
    example: ['2026-12-31'],
    description: `YYYY-MM-DD in the tenant time zone, ${DATE_WINDOW_RULE}`,
  })
  @IsArray()
  @ArrayMaxSize(366)
  @ArrayUnique()
  @IsCalendarDate({ each: true })
  @IsDateInWindow({}, { each: true })
  dates!: string[];
}

export class ExtractionRulesDto implements ExtractionRules {
  @ApiProperty({ example: 0.7, minimum: 0, maximum: 1 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  minimumConfidence!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { Flytterengøring: 0.05 },
    description: 'Hours of work per m² by service type',
  })
  @IsObject()
  @IsHoursPerSquareMetre()
  hoursPerSquareMetre!: Record<string, number>;
}

export class SmsRulesDto implements SmsRules {
  @ApiProperty({ example: '21:00' })
  @IsClockTime()
  quietHoursStart!: string;

  @ApiProperty({ example: '08:00' })
  @IsClockTime()
  quietHoursEnd!: string;

  @ApiProperty({ example: 500, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  dailyCap!: number;
}

/** Recurring cleaning: how far ahead visits are made, where a visit on a closed or busy day goes, billing. */
export class SeriesRulesDto implements SeriesRules {
  @ApiProperty({ example: 8, minimum: 1, maximum: 52, description: 'Weeks of visits made ahead' })
  @IsInt()
  @Min(1)
  @Max(52)
  horizonWeeks!: number;

  @ApiProperty({
    enum: [...SERIES_CONFLICT_RULES],
    example: 'next_working_day',
    description:
      'A visit on a public holiday, a closed day or with its team busy: moved to the next open day, or skipped',
  })
  @IsIn(SERIES_CONFLICT_RULES)
  onConflict!: SeriesRules['onConflict'];

  @ApiProperty({
    enum: Object.values(SeriesInvoicing),
    example: 'per_visit',
    description:
      'A series that does not say: a draft per completed visit, or one invoice per customer and month',
  })
  @IsIn(Object.values(SeriesInvoicing))
  invoicing!: SeriesRules['invoicing'];
}

/** Which booking changes made by staff the customer hears of (an SMS and an e-mail each). */
export class CustomerNoticesDto implements CustomerNotices {
  @ApiProperty({
    example: true,
    description: 'A booking created confirmed by staff, or a pending one confirmed: "Tak! Du er booket …"',
  })
  @IsBoolean()
  bookingConfirmed!: boolean;

  @ApiProperty({ example: true, description: 'A confirmed booking moved (time, length or team) by PATCH' })
  @IsBoolean()
  bookingMoved!: boolean;

  @ApiProperty({ example: true, description: 'A booking cancelled by staff' })
  @IsBoolean()
  bookingCancelled!: boolean;
}
