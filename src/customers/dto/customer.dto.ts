import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';

import { PageOf, PaginationQueryDto } from '../../core/http/pagination.js';
import { toHoursString, toMoneyString } from '../../core/money/money.js';
import type { Customer, Prisma } from '../../generated/prisma/client.js';
import {
  BookingStatus,
  CustomerKind,
  InvoiceStatus,
  LeadSource,
  LeadStatus,
  Priority,
  SeriesFrequency,
  SeriesStatus,
} from '../../generated/prisma/enums.js';
import type { CustomerDetailRow } from '../customers.repository.js';
import { trim } from '../../core/validation/fields.js';

export class CustomerQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Part of the name, e-mail or phone, any case' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ description: 'createdAt|name:asc|desc', example: 'name:asc' })
  @IsOptional()
  @IsString()
  sort?: string;
}

export class CustomerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Mette Jensen' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '+4522334455' }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty({ nullable: true, type: String }) postalCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) city!: string | null;
  @ApiProperty({ enum: CustomerKind, enumName: 'CustomerKind' }) kind!: CustomerKind;
  @ApiProperty({ nullable: true, type: String, example: 'Fynsk Revision ApS', description: 'For kind company' })
  companyName!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '12345678' }) cvr!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(customer: Customer): CustomerDto {
    return {
      id: customer.id,
      name: customer.name,
      email: customer.email,
      phone: customer.phone,
      address: customer.address,
      postalCode: customer.postalCode,
      city: customer.city,
      kind: customer.kind,
      companyName: customer.companyName,
      cvr: customer.cvr,
      createdAt: customer.createdAt.toISOString(),
      updatedAt: customer.updatedAt.toISOString(),
    };
  }
}

export class CustomerPageDto extends PageOf(CustomerDto) {}

/** A lead of the customer as the customer page lists it; the full lead is at GET /leads/:id. */
export class CustomerLeadDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() customerName!: string;
  @ApiProperty({ enum: LeadStatus, enumName: 'LeadStatus' }) status!: LeadStatus;
  @ApiProperty({ enum: LeadSource, enumName: 'LeadSource' }) source!: LeadSource;
  @ApiProperty({ enum: Priority, enumName: 'Priority' }) priority!: Priority;
  @ApiProperty() serviceType!: string;
  @ApiProperty() address!: string;
  @ApiProperty() postalCode!: string;
  @ApiProperty() city!: string;
  @ApiProperty({ nullable: true, type: String, example: '2.5' }) estimatedHours!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '872.50' }) estimatedPrice!: string | null;
  @ApiProperty({ nullable: true, type: String }) assignedUserId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CustomerBookingDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty({ enum: BookingStatus, enumName: 'BookingStatus' }) status!: BookingStatus;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ example: '3' }) durationHours!: string;
  @ApiProperty({ example: '1047.00' }) totalAmount!: string;
  @ApiProperty({
    format: 'uuid',
    type: String,
    nullable: true,
    description: 'The recurring series of a visit',
  })
  seriesId!: string | null;
}

/** A recurring cleaning of the customer, with its next visits. */
export class CustomerSeriesDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SeriesStatus, enumName: 'SeriesStatus' }) status!: SeriesStatus;
  @ApiProperty({ enum: SeriesFrequency, enumName: 'SeriesFrequency' }) frequency!: SeriesFrequency;
  @ApiProperty({ example: 2 }) interval!: number;
  @ApiProperty({ example: ['mon'], type: [String] }) weekdays!: string[];
  @ApiProperty({ example: '10:00' }) startTime!: string;
  @ApiProperty({ format: 'date', example: '2027-10-18' }) startsOn!: string;
  @ApiProperty({ format: 'date', type: String, nullable: true }) endsOn!: string | null;
  @ApiProperty({ type: [CustomerBookingDto], description: 'The next live visits (at most five)' })
  upcomingVisits!: CustomerBookingDto[];
}

const customerBooking = (booking: {
  id: string;
  leadId: string;
  teamId: string;
  status: BookingStatus;
  startsAt: Date;
  endsAt: Date;
  durationHours: Prisma.Decimal;
  totalAmount: Prisma.Decimal;
  seriesId: string | null;
}): CustomerBookingDto => ({
  id: booking.id,
  leadId: booking.leadId,
  teamId: booking.teamId,
  status: booking.status,
  startsAt: booking.startsAt.toISOString(),
  endsAt: booking.endsAt.toISOString(),
  durationHours: toHoursString(booking.durationHours)!,
  totalAmount: toMoneyString(booking.totalAmount)!,
  seriesId: booking.seriesId,
});

export class CustomerInvoiceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) bookingId!: string | null;
  @ApiProperty() reference!: string;
  @ApiProperty({ nullable: true, type: String }) number!: string | null;
  @ApiProperty({ enum: InvoiceStatus, enumName: 'InvoiceStatus' }) status!: InvoiceStatus;
  @ApiProperty({ example: '1047.00' }) subtotal!: string;
  @ApiProperty({ example: '261.75' }) vatAmount!: string;
  @ApiProperty({ example: '1308.75' }) total!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-04-14' }) dueDate!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CustomerDetailDto extends CustomerDto {
  @ApiProperty({ type: [CustomerLeadDto] }) leads!: CustomerLeadDto[];
  @ApiProperty({ type: [CustomerBookingDto] }) bookings!: CustomerBookingDto[];
  @ApiProperty({ type: [CustomerInvoiceDto] }) invoices!: CustomerInvoiceDto[];
  @ApiProperty({ type: [CustomerSeriesDto] }) series!: CustomerSeriesDto[];

  static fromDetail(row: CustomerDetailRow): CustomerDetailDto {
    return {
      ...CustomerDto.from(row),
      leads: row.leads.map((lead) => ({
        id: lead.id,
        customerName: lead.customerName,
        status: lead.status,
        source: lead.source,
        priority: lead.priority,
        serviceType: lead.serviceType,
        address: lead.address,
        postalCode: lead.postalCode,
        city: lead.city,
        estimatedHours: toHoursString(lead.estimatedHours),
        estimatedPrice: toMoneyString(lead.estimatedPrice),
        assignedUserId: lead.assignedUserId,
        createdAt: lead.createdAt.toISOString(),
      })),
      bookings: row.bookings.map(customerBooking),
      series: row.bookingSeries.map((series) => ({
        id: series.id,
        status: series.status,
        frequency: series.frequency,
        interval: series.interval,
        weekdays: series.weekdays,
        startTime: series.startTime,
        startsOn: series.startsOn.toISOString().slice(0, 10),
        endsOn: series.endsOn ? series.endsOn.toISOString().slice(0, 10) : null,
        upcomingVisits: series.visits.map(customerBooking),
      })),
      invoices: row.invoices.map((invoice) => ({
        id: invoice.id,
        bookingId: invoice.bookingId,
        reference: invoice.reference,
        number: invoice.number,
        status: invoice.status,
        subtotal: toMoneyString(invoice.subtotal)!,
        vatAmount: toMoneyString(invoice.vatAmount)!,
        total: toMoneyString(invoice.total)!,
        // A calendar date column: its UTC date is the date itself.
        dueDate: invoice.dueDate ? invoice.dueDate.toISOString().slice(0, 10) : null,
        createdAt: invoice.createdAt.toISOString(),
      })),
    };
  }
}
