import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { PaginationQueryDto } from '../../core/http/pagination.js';
import { IsDateInWindow } from '../../core/validation/date-input.js';
import { OptionalEnum, OptionalUuid } from '../../core/validation/fields.js';
import { fieldRule } from '../../core/validation/rule.js';
import { SeriesFrequency, SeriesInvoicing, SeriesStatus } from '../../generated/prisma/enums.js';
import { isHalfHours } from '../../bookings/dto/booking-input.dto.js';
import { IsOptionalNotNull } from '../../tenants/dto/validators.js';
import { WEEKDAYS, type WeekdayName } from '../recurrence.js';

const IsBareDate = fieldRule(
  'isBareDate',
  (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value),
  '$property must be a date (YYYY-MM-DD)',
);
const IsLocalTime = fieldRule(
  'isLocalTime',
  (value) => typeof value === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(value),
  '$property must be a local time (HH:MM, 24-hour)',
);
const IsHalfHours = fieldRule(
  'isHalfHours',
  isHalfHours,
  '$property must be between 0.5 and 24 in half-hour steps',
);
const IsMoneyString = fieldRule(
  'isMoneyString',
  (value) => typeof value === 'string' && /^\d{1,9}(\.\d{1,2})?$/.test(value),
  '$property must be an amount in kroner with at most two decimals ("1200.00")',
);

const IsMonth = fieldRule(
  'isMonth',
  (value) => typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value),
  '$property must be a month (YYYY-MM)',
);

/** A day in the tenant's calendar, as a series names its dates. */
function BareDate(description: string, required: boolean) {
  const api = { format: 'date', example: '2027-10-18', description };
  return (target: object, key: string | symbol) => {
    (required ? ApiProperty(api) : ApiPropertyOptional(api))(target, key);
    if (!required) IsOptionalNotNull()(target, key);
    IsBareDate()(target, key);
    IsDateInWindow({ maxYearsAhead: 5 })(target, key);
  };
}

export class SeriesRuleDto {
  @ApiProperty({ enum: SeriesFrequency, enumName: 'SeriesFrequency', example: 'weekly' })
  @IsIn(Object.values(SeriesFrequency))
  frequency!: SeriesFrequency;

  @ApiProperty({ minimum: 1, maximum: 4, example: 2, description: 'Every n weeks or months' })
  @IsInt()
  @Min(1)
  @Max(4)
  interval!: number;

  @ApiPropertyOptional({
    enum: WEEKDAYS,
    isArray: true,
    example: ['mon'],
    description:
      'Weekly: the days of the week (offices: several); default the weekday of startsOn. Monthly with weekOfMonth: the weekday (first entry)',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(7)
  @IsIn(WEEKDAYS, { each: true })
  weekdays?: WeekdayName[];

  @ApiPropertyOptional({
    enum: [1, 2, 3, 4, -1],
    example: 2,
    description:
      'Monthly: the n-th weekday of the month, -1 the last; without it, the day of the month of startsOn',
  })
  @IsOptionalNotNull()
  @IsIn([1, 2, 3, 4, -1])
  weekOfMonth?: number;
}

export class CreateSeriesDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The lead the series is for (or customerId)' })
  @OptionalUuid()
  leadId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A customer: the series is for their latest lead' })
  @OptionalUuid()
  customerId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Without it, each visit goes to the first free team' })
  @OptionalUuid()
  teamId?: string;

  @BareDate('The first day of the series, in the tenant time zone', true)
  startsOn!: string;

  @ApiProperty({
    example: '10:00',
    description: 'Local time in the tenant zone; 10:00 stays 10:00 across DST',
  })
  @IsLocalTime()
  startTime!: string;

  @ApiProperty({ example: 3, description: '0.5 to 24 in half-hour steps' })
  @IsHalfHours()
  durationHours!: number;

  @ApiProperty({ type: SeriesRuleDto })
  @ValidateNested()
  @Type(() => SeriesRuleDto)
  rule!: SeriesRuleDto;

  @BareDate('The last day a visit may fall on (inclusive)', false)
  endsOn?: string;

  @ApiPropertyOptional({
    example: '1200.00',
    description: 'Price per visit excl. VAT; default hours × hourly rate',
  })
  @IsOptionalNotNull()
  @IsMoneyString()
  fixedPrice?: string;

  @ApiPropertyOptional({
    enum: SeriesInvoicing,
    enumName: 'SeriesInvoicing',
    description:
      "Per visit (a draft at completion) or one invoice per customer per month; default the tenant's rule",
  })
  @OptionalEnum(SeriesInvoicing, 'SeriesInvoicing')
  invoicing?: SeriesInvoicing;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

export const EDIT_SCOPES = ['this', 'following', 'all'] as const;
export type EditScope = (typeof EDIT_SCOPES)[number];

export class UpdateSeriesDto {
  @ApiProperty({
    enum: EDIT_SCOPES,
    example: 'following',
    description:
      'this: the visit on fromDate; following: visits from fromDate on and the series; all: every future visit and the series',
  })
  @IsIn(EDIT_SCOPES)
  scope!: EditScope;

  @BareDate('The series date of the visit (this) or the first one changed (following)', false)
  fromDate?: string;

  @ApiPropertyOptional({ example: '12:00' })
  @IsOptionalNotNull()
  @IsLocalTime()
  startTime?: string;

  @ApiPropertyOptional({ example: 2.5 })
  @IsOptionalNotNull()
  @IsHalfHours()
  durationHours?: number;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptionalNotNull()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional({ example: '1200.00', description: 'following/all only' })
  @IsOptionalNotNull()
  @IsMoneyString()
  fixedPrice?: string;

  @ApiPropertyOptional({ enum: SeriesInvoicing, enumName: 'SeriesInvoicing', description: 'all only' })
  @OptionalEnum(SeriesInvoicing, 'SeriesInvoicing')
  invoicing?: SeriesInvoicing;

  @BareDate('all only: the last day of the series', false)
  endsOn?: string;
}

export class PauseSeriesDto {
  @BareDate('The first day without visits', true)
  from!: string;

  @BareDate('The last day without visits (inclusive); without it, until resumed', false)
  to?: string;
}

export class SeriesQueryDto extends PaginationQueryDto {
  @OptionalUuid()
  customerId?: string;

  @OptionalEnum(SeriesStatus, 'SeriesStatus')
  status?: SeriesStatus;

  @OptionalUuid()
  teamId?: string;
}

export class MonthlyInvoiceDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  customerId!: string;

  @ApiProperty({ example: '2027-10', description: 'The calendar month (tenant time zone) of the visits' })
  @IsString()
  @IsMonth()
  month!: string;
}
