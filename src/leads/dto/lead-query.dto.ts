import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

import { PaginationQueryDto } from '../../core/http/pagination.js';
import { LeadSource, LeadStatus, Priority } from '../../generated/prisma/enums.js';
import { trim } from './lead-validators.js';
import { DateBoundary, OptionalEnum, OptionalUuid } from '../../core/validation/fields.js';

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
  @OptionalEnum(LeadStatus, 'LeadStatus')
  status?: LeadStatus;

  @OptionalEnum(LeadSource, 'LeadSource')
  source?: LeadSource;

  @OptionalEnum(Priority, 'Priority')
  priority?: Priority;

  @DateBoundary('Created from (ISO 8601; a bare date is a day in the tenant time zone, inclusive)')
  from?: string;

  @DateBoundary('Created before (ISO 8601; a bare date is a day in the tenant time zone, exclusive)')
  to?: string;

  @ApiPropertyOptional({ description: 'Part of the name, e-mail, phone, address or city, any case' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  search?: string;

  @OptionalUuid()
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
