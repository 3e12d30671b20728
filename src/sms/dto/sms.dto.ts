import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

import { PageMetaDto, PaginationQueryDto } from '../../core/http/pagination.js';
import type { SmsMessage } from '../../generated/prisma/client.js';
import { SmsDirection, SmsStatus, SmsType } from '../../generated/prisma/enums.js';

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** `GET /sms?leadId=…&page=…`: newest first. */
export class SmsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  leadId?: string;
}

/** `POST /sms`: a free text to a lead's customer. */
export class SendSmsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  leadId!: string;

  @ApiProperty({ maxLength: 1000, example: 'Hej Hanne. Vi er lidt forsinkede og er der ca. kl. 10:30.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  body!: string;
}

export class SmsDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SmsDirection, enumName: 'SmsDirection' }) direction!: SmsDirection;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) leadId!: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) bookingId!: string | null;
  @ApiProperty({ example: '+4522334455' }) phone!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ enum: SmsType, enumName: 'SmsType' }) type!: SmsType;
  @ApiProperty({ enum: SmsStatus, enumName: 'SmsStatus' }) status!: SmsStatus;
  @ApiProperty({ type: String, nullable: true }) twilioSid!: string | null;
  @ApiProperty({ type: Number, nullable: true }) segments!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'GSM-7' }) encoding!: string | null;
  @ApiProperty({ type: Number, nullable: true }) errorCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) errorMessage!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) sentAt!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(row: SmsMessage): SmsDto {
    return Object.assign(new SmsDto(), {
      id: row.id,
      direction: row.direction,
      leadId: row.leadId,
      bookingId: row.bookingId,
      phone: row.phone,
      body: row.body,
      type: row.type,
      status: row.status,
      twilioSid: row.twilioSid,
      segments: row.segments,
      encoding: row.encoding,
      errorCode: row.errorCode,
      errorMessage: row.errorMessage,
      sentAt: iso(row.sentAt),
      deliveredAt: iso(row.deliveredAt),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    });
  }
}

export class SmsPageDto {
  @ApiProperty({ type: [SmsDto] }) data!: SmsDto[];
  @ApiProperty({ type: PageMetaDto }) meta!: PageMetaDto;
}

export class OfferedSlotDto {
  @ApiProperty({ example: 1 }) choice!: number;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
}

/** What `POST /leads/:id/send-booking-options` did. */
export class BookingOptionsResultDto {
  @ApiProperty({
    enum: ['sent', 'deferred', 'no_slots'],
    description:
      'sent: the times are texted now; deferred: quiet hours or the daily cap hold it until sendAt; no_slots: nothing free in the horizon, the customer is told we will call',
  })
  outcome!: 'sent' | 'deferred' | 'no_slots';

  @ApiProperty({ format: 'uuid', type: String, nullable: true }) smsMessageId!: string | null;
  @ApiProperty({ type: [OfferedSlotDto] }) slots!: OfferedSlotDto[];
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) sendAt!: string | null;
}
