import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

import { PaginationQueryDto } from '../../core/http/pagination.js';
import { InvoiceStatus } from '../../generated/prisma/enums.js';
import { DATE_WINDOW_RULE, IsDateInWindow } from '../../core/validation/date-input.js';
import { OptionalEnum, OptionalUuid } from '../../core/validation/fields.js';

export const INVOICE_SORT_FIELDS = ['createdAt', 'approvedAt', 'dueDate', 'total'] as const;

export class InvoiceQueryDto extends PaginationQueryDto {
  @OptionalEnum(InvoiceStatus, 'InvoiceStatus')
  status?: InvoiceStatus;

  @OptionalUuid()
  customerId?: string;

  @ApiPropertyOptional({ description: 'true: unpaid invoices past their due date' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ example: 'createdAt:desc', description: `${INVOICE_SORT_FIELDS.join(', ')}` })
  @IsOptional()
  @IsString()
  sort?: string;
}

export class CreateInvoiceDto {
  @ApiProperty({ format: 'uuid', description: 'A completed booking without an invoice' })
  @IsUUID()
  bookingId!: string;
}

export class CreditNoteDto {
  @ApiPropertyOptional({ example: 'Fejl i antal timer', description: 'Why the invoice is credited' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

/** A positive amount in kroner with at most two decimals, as a string ("1526.88") or a number. */
const AMOUNT_PATTERN = /^\d{1,10}(\.\d{1,2})?$/;

export class RecordPaymentDto {
  @ApiProperty({ example: '1526.88', description: 'Kroner incl. VAT, at most two decimals' })
  @Transform(({ value }) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value))
  @IsString({ message: 'amount must be an amount in kroner with at most two decimals' })
  @Matches(AMOUNT_PATTERN, { message: 'amount must be an amount in kroner with at most two decimals' })
  amount!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-11-30T10:00:00Z',
    description: `Defaults to now; ${DATE_WINDOW_RULE}`,
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'paidAt must be an ISO 8601 date or date-time' })
  @IsDateInWindow()
  paidAt?: string;
}

/** POST /invoices/:id/send?resend=true: send the invoice again although the customer has it. */
export class SendInvoiceQueryDto {
  @ApiPropertyOptional({
    description:
      'true: a new delivery even when the invoice was sent (or retry one that failed); ' +
      'without it a second send changes nothing',
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  resend?: boolean;
}
