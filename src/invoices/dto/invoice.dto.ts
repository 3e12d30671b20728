import { ApiProperty } from '@nestjs/swagger';

import { PageOf } from '../../core/http/pagination.js';
import { toMoneyString } from '../../core/money/money.js';
import type { InvoiceLine } from '../../generated/prisma/client.js';
import { InvoiceKind, InvoiceStatus } from '../../generated/prisma/enums.js';
import type { InvoiceWithLines } from '../invoices.repository.js';

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);
const day = (value: Date | null): string | null => (value ? value.toISOString().slice(0, 10) : null);
const amount = (value: Parameters<typeof toMoneyString>[0]): string => toMoneyString(value)!;

export class InvoiceLineDto {
  @ApiProperty({ example: 1 }) position!: number;
  @ApiProperty({ example: 'Flytterengøring, 3.5 timer' }) description!: string;
  @ApiProperty({ example: '3.50' }) quantity!: string;
  @ApiProperty({ example: '349.00', description: 'Excl. VAT' }) unitPrice!: string;
  @ApiProperty({ example: '25.00' }) vatRate!: string;
  @ApiProperty({ example: '1221.50' }) netAmount!: string;
  @ApiProperty({ example: '305.38' }) vatAmount!: string;
  @ApiProperty({ example: '1526.88' }) grossAmount!: string;

  static from(line: InvoiceLine): InvoiceLineDto {
    return Object.assign(new InvoiceLineDto(), {
      position: line.position,
      description: line.description,
      quantity: amount(line.quantity),
      unitPrice: amount(line.unitPrice),
      vatRate: amount(line.vatRate),
      netAmount: amount(line.netAmount),
      vatAmount: amount(line.vatAmount),
      grossAmount: amount(line.grossAmount),
    });
  }
}

export class BillyTotalsDto {
  @ApiProperty({ example: '1221.50' }) amount!: string;
  @ApiProperty({ example: '305.38' }) tax!: string;
  @ApiProperty({ example: '1526.88' }) grossAmount!: string;
}

/** An invoice as the API shows it: money as strings with two decimals, dates as YYYY-MM-DD. */
export class InvoiceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: InvoiceKind, enumName: 'InvoiceKind' }) kind!: InvoiceKind;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) bookingId!: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) creditedInvoiceId!: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) customerId!: string | null;
  @ApiProperty() customerName!: string;
  @ApiProperty({ type: String, nullable: true }) customerEmail!: string | null;
  @ApiProperty({ type: String, nullable: true }) customerAddress!: string | null;
  @ApiProperty({ type: String, nullable: true }) customerCvr!: string | null;
  @ApiProperty({ description: 'Our reference; Billy finds the invoice by it' }) reference!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The legal number, set on approval' })
  number!: string | null;
  @ApiProperty({ example: 'DKK' }) currency!: string;
  @ApiProperty({ example: '1221.50' }) subtotal!: string;
  @ApiProperty({ example: '305.38' }) vatAmount!: string;
  @ApiProperty({ example: '1526.88' }) total!: string;
  @ApiProperty({ example: '0.00' }) paidAmount!: string;
  @ApiProperty({ example: '1526.88', description: 'total − paidAmount while unpaid' }) outstanding!: string;
  @ApiProperty({ enum: InvoiceStatus, enumName: 'InvoiceStatus' }) status!: InvoiceStatus;
  @ApiProperty({ type: String, nullable: true }) billyInvoiceId!: string | null;
  @ApiProperty({ type: BillyTotalsDto, nullable: true }) billyTotals!: BillyTotalsDto | null;
  @ApiProperty() needsAttention!: boolean;
  @ApiProperty({ type: String, nullable: true }) needsAttentionReason!: string | null;
  @ApiProperty({ format: 'date', type: String, nullable: true }) issueDate!: string | null;
  @ApiProperty({ format: 'date', type: String, nullable: true }) dueDate!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) approvedAt!: string | null;
  @ApiProperty({
    format: 'date-time',
    type: String,
    nullable: true,
    description: 'When the mail provider (Billy or Gmail) accepted the latest delivery',
  })
  sentAt!: string | null;
  @ApiProperty({ example: 1, description: 'Deliveries to the customer accepted by the mail provider' })
  deliveries!: number;
  @ApiProperty({
    format: 'date-time',
    type: String,
    nullable: true,
    description: 'A send is queued (set by POST /send, cleared when the delivery is accepted)',
  })
  sendRequestedAt!: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) paidAt!: string | null;
  @ApiProperty({ type: [InvoiceLineDto] }) lines!: InvoiceLineDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(invoice: InvoiceWithLines): InvoiceDto {
    const paid = invoice.paidAmount ?? invoice.total.times(0);
    const settled =
      invoice.status === 'paid' || invoice.status === 'credited' || invoice.kind === 'credit_note';
    const totals = invoice.billyTotals as { amount?: string; tax?: string; grossAmount?: string } | null;
    return Object.assign(new InvoiceDto(), {
      id: invoice.id,
      kind: invoice.kind,
      bookingId: invoice.bookingId,
      creditedInvoiceId: invoice.creditedInvoiceId,
      customerId: invoice.customerId,
      customerName: invoice.customerName,
      customerEmail: invoice.customerEmail,
      customerAddress: invoice.customerAddress,
      customerCvr: invoice.customerCvr,
      reference: invoice.reference,
      number: invoice.number,
      currency: invoice.currency,
      subtotal: amount(invoice.subtotal),
      vatAmount: amount(invoice.vatAmount),
      total: amount(invoice.total),
      paidAmount: amount(paid),
      outstanding: amount(settled || invoice.status === 'draft' ? 0 : invoice.total.minus(paid)),
      status: invoice.status,
      billyInvoiceId: invoice.billyInvoiceId,
      billyTotals:
        totals?.amount !== undefined
          ? { amount: totals.amount, tax: totals.tax ?? '', grossAmount: totals.grossAmount ?? '' }
          : null,
      needsAttention: invoice.needsAttention,
      needsAttentionReason: invoice.needsAttentionReason,
      issueDate: day(invoice.issueDate),
      dueDate: day(invoice.dueDate),
      approvedAt: iso(invoice.approvedAt),
      sentAt: iso(invoice.sentAt),
      deliveries: invoice.deliveries,
      sendRequestedAt: iso(invoice.sendRequestedAt),
      paidAt: iso(invoice.paidAt),
      lines: invoice.lines.map(InvoiceLineDto.from),
      createdAt: invoice.createdAt.toISOString(),
      updatedAt: invoice.updatedAt.toISOString(),
    });
  }
}

export class InvoicePageDto extends PageOf(InvoiceDto) {}
