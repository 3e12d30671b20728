import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

import { PageOf, PaginationQueryDto } from '../../core/http/pagination.js';
import type { Notification } from '../../generated/prisma/client.js';
import { NotificationKind } from '../../generated/prisma/enums.js';

const booleanQuery = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** `GET /notifications?unread=true&page=…`: newest first. */
export class NotificationQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ type: Boolean, description: 'true: only unread; false: only read; absent: all' })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean()
  unread?: boolean;
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NotificationKind, enumName: 'NotificationKind' }) kind!: NotificationKind;
  @ApiProperty({ example: 'Svar fra kunde kræver en person: »kan I komme torsdag i stedet?«' })
  title!: string;
  @ApiPropertyOptional({ format: 'uuid' }) leadId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) bookingId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) invoiceId?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) readAt!: string | null;

  static from(row: Notification): NotificationDto {
    return Object.assign(new NotificationDto(), {
      id: row.id,
      kind: row.kind,
      title: row.title,
      ...(row.leadId ? { leadId: row.leadId } : {}),
      ...(row.bookingId ? { bookingId: row.bookingId } : {}),
      ...(row.invoiceId ? { invoiceId: row.invoiceId } : {}),
      createdAt: row.createdAt.toISOString(),
      readAt: row.readAt ? row.readAt.toISOString() : null,
    });
  }
}

export class NotificationPageDto extends PageOf(NotificationDto) {}
