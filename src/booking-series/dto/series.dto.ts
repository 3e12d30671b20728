import { ApiProperty } from '@nestjs/swagger';

import { PageOf } from '../../core/http/pagination.js';
import { amountFor, toHoursString, toMoneyString } from '../../core/money/money.js';
import type { Booking, BookingSeries } from '../../generated/prisma/client.js';
import { SeriesFrequency, SeriesInvoicing, SeriesStatus } from '../../generated/prisma/enums.js';
import { BookingDto } from '../../bookings/dto/booking.dto.js';
import { WEEKDAYS } from '../recurrence.js';

const day = (value: Date | null): string | null => (value ? value.toISOString().slice(0, 10) : null);

export class SeriesRuleViewDto {
  @ApiProperty({ enum: SeriesFrequency, enumName: 'SeriesFrequency' }) frequency!: SeriesFrequency;
  @ApiProperty({ example: 2 }) interval!: number;
  @ApiProperty({ enum: WEEKDAYS, isArray: true, example: ['mon'] }) weekdays!: string[];
  @ApiProperty({ type: Number, nullable: true, example: null }) weekOfMonth!: number | null;
}

/** A recurring cleaning as the API shows it; `visits`: its upcoming live visits (the list leaves them out). */
export class SeriesDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) customerId!: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) teamId!: string | null;
  @ApiProperty({ format: 'date', example: '2027-10-18' }) startsOn!: string;
  @ApiProperty({ example: '10:00' }) startTime!: string;
  @ApiProperty({ example: '3' }) durationHours!: string;
  @ApiProperty({ type: SeriesRuleViewDto }) rule!: SeriesRuleViewDto;
  @ApiProperty({ format: 'date', type: String, nullable: true }) endsOn!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1200.00' }) fixedPrice!: string | null;
  @ApiProperty({ example: '349.00' }) hourlyRate!: string;
  @ApiProperty({
    example: '1047.00',
    description: 'Per visit excl. VAT: fixedPrice, else hours × hourlyRate',
  })
  pricePerVisit!: string;
  @ApiProperty({
    enum: SeriesInvoicing,
    enumName: 'SeriesInvoicing',
    nullable: true,
    description: "null: the tenant's rule",
  })
  invoicing!: SeriesInvoicing | null;
  @ApiProperty({ enum: SeriesStatus, enumName: 'SeriesStatus' }) status!: SeriesStatus;
  @ApiProperty({ format: 'date', type: String, nullable: true }) pausedFrom!: string | null;
  @ApiProperty({ format: 'date', type: String, nullable: true }) pausedUntil!: string | null;
  @ApiProperty({ type: String, nullable: true }) notes!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) endedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: BookingDto, isArray: true, required: false }) visits?: BookingDto[];

  static from(series: BookingSeries, visits?: readonly Booking[]): SeriesDto {
    const price = series.fixedPrice ?? amountFor(series.durationHours, series.hourlyRate);
    return Object.assign(new SeriesDto(), {
      id: series.id,
      leadId: series.leadId,
      customerId: series.customerId,
      teamId: series.teamId,
      startsOn: day(series.startsOn)!,
      startTime: series.startTime,
      durationHours: toHoursString(series.durationHours)!,
      rule: {
        frequency: series.frequency,
        interval: series.interval,
        weekdays: series.weekdays,
        weekOfMonth: series.weekOfMonth,
      },
      endsOn: day(series.endsOn),
      fixedPrice: toMoneyString(series.fixedPrice),
      hourlyRate: toMoneyString(series.hourlyRate)!,
      pricePerVisit: toMoneyString(price)!,
      invoicing: series.invoicing,
      status: series.status,
      pausedFrom: day(series.pausedFrom),
      pausedUntil: day(series.pausedUntil),
      notes: series.notes,
      endedAt: series.endedAt ? series.endedAt.toISOString() : null,
      createdAt: series.createdAt.toISOString(),
      updatedAt: series.updatedAt.toISOString(),
      ...(visits ? { visits: visits.map(BookingDto.from) } : {}),
    });
  }
}

export class SeriesPageDto extends PageOf(SeriesDto) {}
