import { ApiProperty } from '@nestjs/swagger';

/**
 * GET /leads/stats (docs/architecture.md, Wire conventions). Money as strings with two decimals, excl. VAT
 * for bookings.
 */
export class LeadStatsDto {
  @ApiProperty({ description: 'Leads, not deleted' }) totalLeads!: number;
  @ApiProperty({ description: 'Live bookings (pending, confirmed, in progress) starting in the future' })
  upcoming!: number;
  @ApiProperty({ description: 'Completed bookings' }) completed!: number;
  @ApiProperty({ description: 'Pending bookings that expired unconfirmed' }) expired!: number;
  @ApiProperty({ example: { new: 3, contacted: 2, booked: 1, completed: 0, invoiced: 0, lost: 0 } })
  byStatus!: Record<string, number>;
  @ApiProperty({ example: { leadpoint: 4, leadmail: 1, booking_form: 0, email: 0, manual: 1 } })
  bySource!: Record<string, number>;
  @ApiProperty({ description: 'Leads created since Monday 00:00 of this ISO week, in the tenant time zone' })
  newThisWeek!: number;
  @ApiProperty({ description: 'Leads ever booked ÷ leads, 0–1', example: 0.25 }) conversionRate!: number;
  @ApiProperty({
    description: 'Bookings confirmed, in progress or completed (excl. VAT)',
    example: '1047.00',
  })
  bookedRevenue!: string;
  @ApiProperty({ description: 'Invoices approved or later (incl. VAT)', example: '1308.75' })
  invoicedRevenue!: string;
  @ApiProperty({ description: 'Paid invoices (incl. VAT)', example: '0.00' }) paidRevenue!: string;
  @ApiProperty({
    description: 'Live visits of recurring series starting in the next 30 days (excl. VAT, as bookedRevenue)',
    example: '2094.00',
  })
  recurringRevenue30d!: string;
  @ApiProperty({
    description: 'Approved, sent or overdue invoices not yet paid (incl. VAT)',
    example: '1308.75',
  })
  outstanding!: string;
  @ApiProperty({ description: 'Texts that failed or were undelivered' }) smsFailed!: number;
}
