import { ApiProperty } from '@nestjs/swagger';

import type { Booking } from '../../generated/prisma/client.js';
import { BookingStatus } from '../../generated/prisma/enums.js';
import { PageOf } from '../../core/http/pagination.js';
import { Decimal, toHoursString, toMoneyString, withVat, type DecimalInput } from '../../core/money/money.js';

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** A booking as the API shows it. The meeting token is deliberately absent: it is the customer's key. */
export class BookingDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) customerId!: string | null;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) assignedUserId!: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ example: '3.5' }) durationHours!: string;
  @ApiProperty({ example: '349.00' }) hourlyRate!: string;
  @ApiProperty({ example: '1221.50' }) totalAmount!: string;
  @ApiProperty({ enum: BookingStatus, enumName: 'BookingStatus' }) status!: BookingStatus;
  @ApiProperty({ example: 1 }) revision!: number;
  @ApiProperty({ type: String, nullable: true }) googleCalendarEventId!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) tokenExpiresAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '3.5' }) hoursWorked!: string | null;
  @ApiProperty({ type: String, nullable: true }) notes!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) confirmedAt!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) completedAt!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) cancelledAt!: string | null;
  @ApiProperty({
    format: 'uuid',
    type: String,
    nullable: true,
    description: 'The recurring series of a visit',
  })
  seriesId!: string | null;
  @ApiProperty({
    format: 'date',
    type: String,
    nullable: true,
    example: '2027-10-18',
    description: 'The series date the visit stands for (before any move)',
  })
  occursOn!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(booking: Booking): BookingDto {
    return Object.assign(new BookingDto(), {
      id: booking.id,
      leadId: booking.leadId,
      customerId: booking.customerId,
      teamId: booking.teamId,
      assignedUserId: booking.assignedUserId,
      startsAt: booking.startsAt.toISOString(),
      endsAt: booking.endsAt.toISOString(),
      durationHours: toHoursString(booking.durationHours)!,
      hourlyRate: toMoneyString(booking.hourlyRate)!,
      totalAmount: toMoneyString(booking.totalAmount)!,
      status: booking.status,
      revision: booking.revision,
      googleCalendarEventId: booking.googleCalendarEventId,
      tokenExpiresAt: iso(booking.tokenExpiresAt),
      hoursWorked: toHoursString(booking.hoursWorked),
      notes: booking.notes,
      confirmedAt: iso(booking.confirmedAt),
      completedAt: iso(booking.completedAt),
      cancelledAt: iso(booking.cancelledAt),
      seriesId: booking.seriesId,
      occursOn: booking.occursOn ? booking.occursOn.toISOString().slice(0, 10) : null,
      createdAt: booking.createdAt.toISOString(),
      updatedAt: booking.updatedAt.toISOString(),
    });
  }
}

export class BookingPageDto extends PageOf(BookingDto) {}

/** One visit of a series as the customer's page lists it: when, nothing else. */
export class MeetingVisitDto {
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
}

/** What the customer's booking link shows: the job and its time, nothing that identifies anyone. */
export class MeetingViewDto {
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ example: 'Flytterengøring' }) serviceType!: string;
  @ApiProperty({ example: 'Vestergade 1' }) address!: string;
  @ApiProperty({ example: 'Aarhus C' }) city!: string;
  @ApiProperty({ enum: BookingStatus, enumName: 'BookingStatus' }) status!: BookingStatus;
  @ApiProperty({ description: 'The time to confirm the booking has passed' }) isExpired!: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: "Until when cancelling is free (the tenant's notice before the start); null: always free",
  })
  freeCancellationUntil!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '312.50',
    description: 'The fee incl. VAT (DKK) for cancelling a confirmed booking later than that; null: none',
  })
  lateCancellationFee!: string | null;
  @ApiProperty({
    type: [MeetingVisitDto],
    nullable: true,
    description:
      'A visit of a recurring series: the next visits after this one (up to 5); null for a one-off booking',
  })
  nextVisits!: MeetingVisitDto[] | null;

  static from(
    row: { startsAt: Date; endsAt: Date; status: BookingStatus; tokenExpiresAt: Date | null },
    lead: { serviceType: string; address: string; city: string },
    now: Date,
    /** The tenant's cancellation terms (its settings), which the page states. */
    terms: { freeCancellationHours: number; lateCancellationFeeOre: number; vatRate: DecimalInput },
    nextVisits: { startsAt: Date; endsAt: Date }[] | null = null,
  ): MeetingViewDto {
    const fee = terms.lateCancellationFeeOre > 0;
    return Object.assign(new MeetingViewDto(), {
      freeCancellationUntil: fee
        ? new Date(row.startsAt.getTime() - terms.freeCancellationHours * 3600_000).toISOString()
        : null,
      lateCancellationFee: fee
        ? toMoneyString(withVat(new Decimal(terms.lateCancellationFeeOre).dividedBy(100), terms.vatRate))
        : null,
      startsAt: row.startsAt.toISOString(),
      endsAt: row.endsAt.toISOString(),
      serviceType: lead.serviceType,
      address: lead.address,
      city: lead.city,
      status: row.status,
      isExpired: row.tokenExpiresAt !== null && row.tokenExpiresAt.getTime() < now.getTime(),
      nextVisits:
        nextVisits?.map((visit) => ({
          startsAt: visit.startsAt.toISOString(),
          endsAt: visit.endsAt.toISOString(),
        })) ?? null,
    });
  }
}
