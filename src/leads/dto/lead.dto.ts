import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

import { ActivityDto } from '../../activities/dto/activity.dto.js';
import { PageOf } from '../../core/http/pagination.js';
import { CustomerDto } from '../../customers/dto/customer.dto.js';
import { isLiveBooking } from '../../core/domain/booking-status.js';
import { toHoursString, toMoneyString } from '../../core/money/money.js';
import { BookingStatus, LeadSource, LeadStatus, Priority } from '../../generated/prisma/enums.js';
import type { LeadDetailRow, LeadOnTheWire, LeadWithNextBooking } from '../leads.repository.js';

/**
 * A lead on the wire (docs/architecture.md, Wire conventions): money and hours as strings, times as ISO UTC.
 */
export class LeadDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) customerId!: string | null;
  @ApiProperty({ example: 'Mette Jensen' }) customerName!: string;
  @ApiProperty({ nullable: true, type: String }) customerEmail!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '+4522334455' }) customerPhone!: string | null;
  @ApiProperty({ enum: LeadSource, enumName: 'LeadSource' }) source!: LeadSource;
  @ApiProperty({ example: 'Flytterengøring' }) serviceType!: string;
  @ApiProperty() address!: string;
  @ApiProperty() city!: string;
  @ApiProperty({ example: '8000' }) postalCode!: string;
  @ApiProperty({ nullable: true, type: String, example: '2.5' }) estimatedHours!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '872.50' }) estimatedPrice!: string | null;
  @ApiProperty({ enum: LeadStatus, enumName: 'LeadStatus' }) status!: LeadStatus;
  @ApiProperty({ enum: Priority, enumName: 'Priority' }) priority!: Priority;
  @ApiProperty({ nullable: true, type: String }) notes!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Start of the earliest live booking',
  })
  bookingDate!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) assignedUserId!: string | null;
  @ApiProperty() needsAttention!: boolean;
  @ApiProperty({ nullable: true, type: String }) needsAttentionReason!: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'What the AI extraction found, per field' })
  extraction!: unknown;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) responseSentAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) smsSentAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description:
      "The same customer's open lead this lead joined (same phone or e-mail, within the tenant's " +
      'conversationDays): that lead carries the reply and the SMS offer; this one records its source',
  })
  conversationLeadId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  /** `bookingDate`: the start of the earliest live booking, when the caller knows it. */
  static from(lead: LeadOnTheWire, extra: { bookingDate?: Date | null } = {}): LeadDto {
    return {
      id: lead.id,
      customerId: lead.customerId,
      customerName: lead.customerName,
      customerEmail: lead.customerEmail,
      customerPhone: lead.customerPhone,
      source: lead.source,
      serviceType: lead.serviceType,
      address: lead.address,
      city: lead.city,
      postalCode: lead.postalCode,
      estimatedHours: toHoursString(lead.estimatedHours),
      estimatedPrice: toMoneyString(lead.estimatedPrice),
      status: lead.status,
      priority: lead.priority,
      notes: lead.notes,
      bookingDate: extra.bookingDate ? extra.bookingDate.toISOString() : null,
      assignedUserId: lead.assignedUserId,
      needsAttention: lead.needsAttention,
      needsAttentionReason: lead.needsAttentionReason,
      extraction: lead.extraction,
      responseSentAt: lead.responseSentAt?.toISOString() ?? null,
      smsSentAt: lead.smsSentAt?.toISOString() ?? null,
      conversationLeadId: lead.conversationLeadId,
      createdAt: lead.createdAt.toISOString(),
      updatedAt: lead.updatedAt.toISOString(),
    };
  }

  /** A lead read with its next live booking (lists, answers to edits). */
  static withNextBooking(row: LeadWithNextBooking): LeadDto {
    return LeadDto.from(row, { bookingDate: row.bookings[0]?.startsAt ?? null });
  }
}

export class LeadPageDto extends PageOf(LeadDto) {}

export class LeadBookingDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ enum: BookingStatus, enumName: 'BookingStatus' }) status!: BookingStatus;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
}

/** Another source of the same conversation: a later lead of the customer that joined this one. */
export class LinkedLeadDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: LeadSource, enumName: 'LeadSource' }) source!: LeadSource;
  @ApiProperty() customerName!: string;
  @ApiProperty() serviceType!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** GET /leads/:id: the lead with its customer, its bookings and the latest 20 activities. */
export class LeadDetailDto extends LeadDto {
  @ApiProperty({ type: CustomerDto, nullable: true }) customer!: CustomerDto | null;
  @ApiProperty({ type: [LeadBookingDto] }) bookings!: LeadBookingDto[];
  @ApiProperty({
    type: [LinkedLeadDto],
    description:
      'Later leads of the same customer that joined this conversation (its other sources), oldest first',
  })
  linkedLeads!: LinkedLeadDto[];
  @ApiProperty({ type: [ActivityDto], description: 'The latest 20, newest first' })
  activities!: ActivityDto[];

  static fromDetail(row: LeadDetailRow): LeadDetailDto {
    const nextLive = row.bookings.find((booking) => isLiveBooking(booking.status));
    return {
      ...LeadDto.from(row, { bookingDate: nextLive?.startsAt ?? null }),
      customer: row.customer ? CustomerDto.from(row.customer) : null,
      bookings: row.bookings.map((booking) => ({
        id: booking.id,
        startsAt: booking.startsAt.toISOString(),
        endsAt: booking.endsAt.toISOString(),
        status: booking.status,
        teamId: booking.teamId,
      })),
      linkedLeads: row.linkedLeads.map((linked) => ({
        id: linked.id,
        source: linked.source,
        customerName: linked.customerName,
        serviceType: linked.serviceType,
        createdAt: linked.createdAt.toISOString(),
      })),
      // Read with the lead, in its transaction. A STAFF member sees this lead only when it is assigned
      // to them, so every line of its timeline is theirs to see, as GET /leads/:id/activities filters.
      activities: row.activities.map((activity) => ActivityDto.from(activity)),
    };
  }
}

/** POST /leads/:id/status: a user move (docs/architecture.md, Data model). */
export class LeadStatusDto {
  @ApiProperty({ enum: LeadStatus, enumName: 'LeadStatus', example: 'contacted' })
  @IsIn(Object.values(LeadStatus))
  status!: LeadStatus;
}
