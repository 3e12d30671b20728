import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Authenticated, CurrentPrincipal, MANAGER_ROLES, WRITER_ROLES } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ListRoute, ManagerAction, ReadRoute } from '../auth/route.decorators.js';
import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';
import { InvoiceDto } from '../invoices/dto/invoice.dto.js';
import { IdParamDto } from '../tenants/dto/id-param.dto.js';
import { BookingSeriesService } from './booking-series.service.js';
import {
  CreateSeriesDto,
  MonthlyInvoiceDto,
  PauseSeriesDto,
  SeriesQueryDto,
  UpdateSeriesDto,
} from './dto/series-input.dto.js';
import { SeriesDto, SeriesPageDto } from './dto/series.dto.js';

@ApiTags('booking-series')
@Controller('booking-series')
export class BookingSeriesController {
  constructor(private readonly series: BookingSeriesService) {}

  @ListRoute({ type: SeriesPageDto }, 'An invalid filter or page, named in details')
  list(@Query() query: SeriesQueryDto): Promise<SeriesPageDto> {
    return this.series.list(query);
  }

  @Post()
  @Idempotent()
  @Authenticated({ roles: WRITER_ROLES })
  @ApiCreatedResponse({
    type: SeriesDto,
    description: "The series and its first visits (the tenant's horizon, default 8 weeks)",
  })
  @ApiErrors({ notFound: 'No such lead or team visible to the caller', conflict: 'The team is not active' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateSeriesDto): Promise<SeriesDto> {
    return this.series.create(principal, dto);
  }

  /** Static path, so it wins over `:id`. */
  @Post('monthly-invoices')
  @Authenticated({ roles: MANAGER_ROLES })
  @ApiCreatedResponse({
    type: InvoiceDto,
    description: 'A draft with one line per completed visit of the month',
  })
  @ApiErrors({ conflict: 'The customer already has the monthly invoice, or no visit waits for one' })
  monthlyInvoice(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: MonthlyInvoiceDto,
  ): Promise<InvoiceDto> {
    return this.series.monthlyInvoice(principal, dto);
  }

  @ReadRoute(':id', SeriesDto, 'No such series')
  get(@Param() params: IdParamDto): Promise<SeriesDto> {
    return this.series.get(params.id);
  }

  @Patch(':id')
  @Authenticated({ roles: MANAGER_ROLES })
  @ApiOkResponse({ type: SeriesDto, description: 'The series with its upcoming visits after the change' })
  @ApiErrors({
    notFound: 'No such series, or (scope this) no live visit on fromDate',
    conflict:
      'series_visits_clash: visits would collide with other bookings (details.clashes names them; nothing changed); or the series has ended',
  })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: UpdateSeriesDto,
  ): Promise<SeriesDto> {
    return this.series.update(principal, params.id, dto);
  }

  @ManagerAction(
    ':id/pause',
    { type: SeriesDto, description: 'Visits in the pause are cancelled and the customer told' },
    { notFound: 'No such series', conflict: 'The series has ended' },
  )
  pause(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: PauseSeriesDto,
  ): Promise<SeriesDto> {
    return this.series.pause(principal, params.id, dto);
  }

  @ManagerAction(
    ':id/resume',
    { type: SeriesDto, description: 'The horizon gets its missing visits again' },
    { notFound: 'No such series', conflict: 'The series has ended' },
  )
  resume(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<SeriesDto> {
    return this.series.resume(principal, params.id);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authenticated({ roles: MANAGER_ROLES })
  @ApiNoContentResponse({ description: 'Ended: future visits cancelled, their calendar events removed' })
  @ApiErrors({ notFound: 'No such series', conflict: 'The series has ended already' })
  end(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<void> {
    return this.series.end(principal, params.id);
  }
}
