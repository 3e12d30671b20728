import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { Authenticated, CurrentPrincipal, Public, WRITER_ROLES } from '../auth/auth.decorators.js';
import { ActionRoute, ListRoute, ReadRoute } from '../auth/route.decorators.js';
import type { Principal } from '../auth/principal.js';
import { IdParamDto } from '../tenants/dto/id-param.dto.js';
import { BookingQueries } from './booking-queries.service.js';
import { BookingsService } from './bookings.service.js';
import {
  BookingQueryDto,
  CompleteBookingDto,
  CreateBookingDto,
  MeetingTokenParamDto,
  UpdateBookingDto,
  UpdateBookingStatusDto,
} from './dto/booking-input.dto.js';
import { BookingDto, BookingPageDto, MeetingViewDto } from './dto/booking.dto.js';
import { Idempotent } from '../core/idempotency/idempotent.decorator.js';

@ApiTags('bookings')
@Controller('bookings')
export class BookingsController {
  constructor(
    private readonly bookings: BookingsService,
    private readonly queries: BookingQueries,
  ) {}

  @ListRoute(
    { type: BookingPageDto, description: 'STAFF see the bookings assigned to them' },
    'An invalid filter, sort or page, named in details',
  )
  list(@CurrentPrincipal() principal: Principal, @Query() query: BookingQueryDto): Promise<BookingPageDto> {
    return this.queries.list(principal, query);
  }

  @Post()
  @Idempotent()
  @Authenticated({ roles: WRITER_ROLES })
  @ApiCreatedResponse({ type: BookingDto, description: 'A confirmed booking; the lead becomes booked' })
  @ApiErrors({
    notFound: 'No such lead or team visible to the caller',
    conflict: 'The team has a booking at that time; details name it',
  })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateBookingDto): Promise<BookingDto> {
    return this.bookings.create(principal, dto);
  }

  /** Public: the customer's booking link. Static path, so it wins over `:id` in the router. */
  @Get('meeting/:meetingToken')
  @Public()
  @ApiOkResponse({ type: MeetingViewDto })
  @ApiErrors({
    notFound:
      'No live booking has this token: unknown, past its confirmation deadline, expired, cancelled, completed or deleted (or its lead is)',
  })
  meeting(@Param() params: MeetingTokenParamDto): Promise<MeetingViewDto> {
    return this.queries.meetingView(params.meetingToken);
  }

  @ReadRoute(':id', BookingDto, 'No such booking visible to the caller')
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<BookingDto> {
    return this.queries.get(principal, params.id);
  }

  @Patch(':id')
  @Authenticated({ roles: WRITER_ROLES })
  @ApiOkResponse({ type: BookingDto, description: 'Moving (time, length, team) bumps the revision' })
  @ApiErrors({
    notFound: 'No such booking visible to the caller',
    conflict: 'Overlap with another booking, or the booking is no longer live',
  })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: UpdateBookingDto,
  ): Promise<BookingDto> {
    return this.bookings.update(principal, params.id, dto);
  }

  @ActionRoute(
    ':id/status',
    { type: BookingDto, description: 'Cancelling is for admins and managers' },
    { conflict: 'An illegal move; details name from, to and the allowed moves' },
    { method: 'patch' },
  )
  changeStatus(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: UpdateBookingStatusDto,
  ): Promise<BookingDto> {
    return this.bookings.changeStatus(principal, params.id, dto.status);
  }

  @ActionRoute(
    ':id/complete',
    { type: BookingDto },
    { conflict: 'Only confirmed or in-progress bookings can be completed' },
  )
  complete(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParamDto,
    @Body() dto: CompleteBookingDto,
  ): Promise<BookingDto> {
    return this.bookings.complete(principal, params.id, dto);
  }
}
