import { Body, Controller, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { Authenticated, CurrentPrincipal, MANAGER_ROLES, WRITER_ROLES } from '../auth/auth.decorators.js';
import { ListRoute, ManagerAction, ReadRoute } from '../auth/route.decorators.js';
import type { Principal } from '../auth/principal.js';
import { IdParamDto } from '../tenants/dto/id-param.dto.js';
import {
  CreateInvoiceDto,
  CreditNoteDto,
  InvoiceQueryDto,
  RecordPaymentDto,
  SendInvoiceQueryDto,
} from './dto/invoice-input.dto.js';
import { InvoiceDto, InvoicePageDto } from './dto/invoice.dto.js';
import { InvoicesService } from './invoices.service.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';

@ApiTags('invoices')
@Controller('invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @ListRoute(
    { type: InvoicePageDto, description: 'STAFF see the invoices of bookings assigned to them' },
    'An invalid filter, sort or page, named in details',
  )
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

  @ReadRoute(':id', InvoiceDto, 'No such invoice visible to the caller')
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<InvoiceDto> {
    return this.invoices.get(principal, params.id);
  }

  @ManagerAction(
    ':id/approve',
    { type: InvoiceDto, description: 'Issued: numbered now, or by Billy when it is configured' },
    { conflict: 'Only a draft can be approved' },
  )
  approve(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<InvoiceDto> {
    return this.invoices.approve(principal, params.id);
  }

  @ManagerAction(
    ':id/send',
    {
      type: InvoiceDto,
      description:
        "The delivery is queued (sendRequestedAt): through Billy's invoice e-mail when Billy is configured, " +
        "else the PDF by the tenant's Gmail. sentAt is set when the provider accepts it. Sending again " +
        'changes nothing unless resend=true',
    },
    {
      badRequest: 'The invoice has no customer e-mail, or resend is not true/false',
      conflict: 'Only an issued invoice (numbered, without Billy) can be sent',
    },
  )
  send(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Query() query: SendInvoiceQueryDto,
  ): Promise<InvoiceDto> {
    return this.invoices.send(principal, params.id, query.resend === true);
  }

  @ManagerAction(
    ':id/sync',
    {
      type: InvoiceDto,
      description:
        "The Billy job runs again for this invoice: pushes it and reads Billy's payment state back",
    },
    { conflict: 'Billy is not configured for the tenant' },
  )
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

  @Idempotent()
  @ManagerAction(
    ':id/payments',
    { type: InvoiceDto, description: 'The payment recorded; paid when nothing is outstanding' },
    {
      badRequest: 'An amount that is not positive or exceeds what is outstanding',
      conflict: 'The tenant uses Billy, or the invoice is not awaiting payment',
    },
  )
  recordPayment(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: RecordPaymentDto,
  ): Promise<InvoiceDto> {
    return this.invoices.recordPayment(principal, params.id, dto);
  }
}
