import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

import { PaginationQueryDto } from '../../core/http/pagination.js';
import { LeadSource, LeadStatus, Priority } from '../../generated/prisma/enums.js';
import { trim } from './lead-validators.js';
import { DATE_WINDOW_RULE, IsDateInWindow } from '../../core/validation/date-input.js';

export const LEAD_SORT_FIELDS = [
  'createdAt',
  'updatedAt',
  'customerName',
  'estimatedPrice',
  'status',
] as const;

const booleanQuery = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class LeadQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: LeadStatus, enumName: 'LeadStatus' })
  @IsOptional()
  @IsIn(Object.values(LeadStatus))
  status?: LeadStatus;

  @ApiPropertyOptional({ enum: LeadSource, enumName: 'LeadSource' })
  @IsOptional()
  @IsIn(Object.values(LeadSource))
  source?: LeadSource;

  @ApiPropertyOptional({ enum: Priority, enumName: 'Priority' })
  @IsOptional()
  @IsIn(Object.values(Priority))
  priority?: Priority;

  @ApiPropertyOptional({
    description: `Created from (ISO 8601; a bare date is a day in the tenant time zone, inclusive); ${DATE_WINDOW_RULE}`,
  })
  @IsOptional()
  @IsDateInWindow()
  from?: string;

  @ApiPropertyOptional({
    description: `Created before (ISO 8601; a bare date is a day in the tenant time zone, exclusive); ${DATE_WINDOW_RULE}`,
  })
  @IsOptional()
  @IsDateInWindow()
  to?: string;

  @ApiPropertyOptional({ description: 'Part of the name, e-mail, phone, address or city, any case' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assignedUserId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean()
  needsAttention?: boolean;

  @ApiPropertyOptional({
    description: `One of ${LEAD_SORT_FIELDS.join(', ')} with :asc or :desc`,
    example: 'createdAt:desc',
  })
  @IsOptional()
  @IsString()
  sort?: string;
}
