import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { Authenticated, CurrentPrincipal, MANAGER_ROLES, WRITER_ROLES } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { IdParamDto } from '../tenants/dto/id-param.dto.js';
import {
  CreateInvoiceDto,
  CreditNoteDto,
  InvoiceQueryDto,
  RecordPaymentDto,
} from './dto/invoice-input.dto.js';
import { InvoiceDto, InvoicePageDto } from './dto/invoice.dto.js';
import { InvoicesService } from './invoices.service.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';

@ApiTags('invoices')
@Controller('invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: InvoicePageDto, description: 'STAFF see the invoices of bookings assigned to them' })
  @ApiErrors({ badRequest: 'An invalid filter, sort or page, named in details' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: InvoiceQueryDto): Promise<InvoicePageDto> {
    return this.invoices.list(principal, query);
  }

  @Post()
  @Idempotent()
  @Authenticated({ roles: WRITER_ROLES })
  @ApiCreatedResponse({ type: InvoiceDto, description: 'The draft invoice of a completed booking' })
  @ApiErrors({
    notFound: 'No such booking visible to the caller',
    conflict: 'The booking is not completed, or already has an invoice',
  })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateInvoiceDto): Promise<InvoiceDto> {
    return this.invoices.createForBooking(principal, dto.bookingId);
  }

  @Get(':id')
  @Authenticated()
  @ApiOkResponse({ type: InvoiceDto })
  @ApiErrors({ notFound: 'No such invoice visible to the caller' })
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<InvoiceDto> {
    return this.invoices.get(principal, params.id);
  }

  @Post(':id/approve')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ roles: MANAGER_ROLES })
  @ApiOkResponse({ type: InvoiceDto, description: 'Issued: numbered now, or by Billy when it is configured' })
  @ApiErrors({ conflict: 'Only a draft can be approved' })
  approve(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<InvoiceDto> {
    return this.invoices.approve(principal, params.id);
  }

  @Post(':id/send')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ roles: MANAGER_ROLES })
  @ApiOkResponse({ type: InvoiceDto, description: 'Marked sent to the customer' })
  @ApiErrors({ conflict: 'Only an issued, numbered invoice can be sent' })
  send(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<InvoiceDto> {
    return this.invoices.send(principal, params.id);
  }

  @Post(':id/sync')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ roles: MANAGER_ROLES })
  @ApiOkResponse({ type: InvoiceDto, description: 'The Billy job runs again for this invoice' })
  @ApiErrors({ conflict: 'Billy is not configured for the tenant' })
  sync(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<InvoiceDto> {
    return this.invoices.sync(principal, params.id);
  }

  @Post(':id/credit-note')
  @Idempotent()
  @Authenticated({ roles: MANAGER_ROLES })
  @ApiCreatedResponse({ type: InvoiceDto, description: 'The credit note; the invoice becomes credited' })
  @ApiErrors({ conflict: 'Not an issued invoice, or already credited' })
  creditNote(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: CreditNoteDto,
  ): Promise<InvoiceDto> {
    return this.invoices.creditNote(principal, params.id, dto);
  }

  @Post(':id/payments')
  @Idempotent()
  @HttpCode(HttpStatus.OK)
  @Authenticated({ roles: MANAGER_ROLES })
  @ApiOkResponse({ type: InvoiceDto, description: 'The payment recorded; paid when nothing is outstanding' })
  @ApiErrors({
    badRequest: 'An amount that is not positive or exceeds what is outstanding',
    conflict: 'The tenant uses Billy, or the invoice is not awaiting payment',
  })
  recordPayment(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: RecordPaymentDto,
  ): Promise<InvoiceDto> {
    return this.invoices.recordPayment(principal, params.id, dto);
  }
}
