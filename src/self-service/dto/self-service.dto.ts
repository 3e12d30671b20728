import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';

import { BookingStatus } from '../../generated/prisma/enums.js';

/** The body of POST /bookings/meeting/:meetingToken/reschedule: one of the offered times. */
export class RescheduleDto {
  @ApiProperty({
    format: 'date-time',
    example: '2027-03-23T09:00:00.000Z',
    description: 'The `startsAt` of one of the options GET …/options answered (it is the option id)',
  })
  @IsISO8601({ strict: true })
  startsAt!: string;
}

/** One free time the booking can move to; `startsAt` is what the reschedule route takes. */
export class MeetingOptionDto {
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
}

export class MeetingOptionsDto {
  @ApiProperty({ type: [MeetingOptionDto], description: 'Earliest first; empty when nothing is free' })
  options!: MeetingOptionDto[];
}

/**
 * The booking after the customer's action, with only what the customer gave us or was told: no team,
 * staff, notes or ids. Repeating an action answers this same state.
 */
export class MeetingActionDto {
  @ApiProperty({ enum: BookingStatus, enumName: 'BookingStatus' }) status!: BookingStatus;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '312.50',
    description: 'A late cancellation: the fee incl. VAT (DKK) on the invoice; null otherwise',
  })
  cancellationFee!: string | null;

  static from(
    booking: { status: BookingStatus; startsAt: Date; endsAt: Date },
    cancellationFee: string | null,
  ): MeetingActionDto {
    return Object.assign(new MeetingActionDto(), {
      status: booking.status,
      startsAt: booking.startsAt.toISOString(),
      endsAt: booking.endsAt.toISOString(),
      cancellationFee,
    });
  }
}
