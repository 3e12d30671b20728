import { ApiProperty } from '@nestjs/swagger';

import { ActivityStatus, ActivityType } from '../../generated/prisma/enums.js';
import { PageOf, PaginationQueryDto } from '../../core/http/pagination.js';
import type { ActivityRow } from '../activities.repository.js';
import { DateBoundary, OptionalEnum, OptionalUuid } from '../../core/validation/fields.js';

export class ActivityQueryDto extends PaginationQueryDto {
  @OptionalEnum(ActivityType, 'ActivityType')
  type?: ActivityType;

  @OptionalUuid()
  leadId?: string;

  @DateBoundary('ISO 8601; a bare date is a day in the tenant time zone (inclusive)')
  from?: string;

  @DateBoundary('ISO 8601; a bare date is a day in the tenant time zone (exclusive)')
  to?: string;
}

export class ActivityDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ActivityType, enumName: 'ActivityType' }) type!: ActivityType;
  @ApiProperty({ example: 'Nyt lead oprettet' }) title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ActivityStatus, enumName: 'ActivityStatus' }) status!: ActivityStatus;
  @ApiProperty({ nullable: true, type: String }) customerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) leadId!: string | null;
  @ApiProperty({ nullable: true, type: String }) bookingId!: string | null;
  @ApiProperty({ nullable: true, type: String }) invoiceId!: string | null;
  @ApiProperty({ nullable: true, description: 'Who did it; null for the system' }) actor!: {
    id: string;
    name: string;
  } | null;
  @ApiProperty({ nullable: true, type: Object }) metadata!: unknown;
  @ApiProperty() createdAt!: string;

  static from(row: ActivityRow): ActivityDto {
    return {
      id: row.id,
      type: row.type,
      title: row.title,
      description: row.description,
      status: row.status,
      customerId: row.customerId,
      leadId: row.leadId,
      bookingId: row.bookingId,
      invoiceId: row.invoiceId,
      actor: row.actor,
      metadata: row.metadata,
      createdAt: row.createdAt.toISOString(),
    };
  }
}

export class ActivityPageDto extends PageOf(ActivityDto) {}
