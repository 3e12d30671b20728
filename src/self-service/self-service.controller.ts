import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Public } from '../auth/auth.decorators.js';
import { MeetingTokenParamDto } from '../bookings/dto/booking-input.dto.js';
import { ApiErrors, type ApiErrorDescriptions } from '../core/http/api-errors.decorator.js';
import { MeetingActionDto, MeetingOptionsDto, RescheduleDto } from './dto/self-service.dto.js';
import { SelfServiceService } from './self-service.service.js';

/**
 * Per-route limits on top of the global one (@fastify/rate-limit, per client address): a customer
 * clicks a few times at most; a script guessing tokens or hammering a booking gets 429.
 */
const ACTION_LIMIT = { rateLimit: { max: 10, timeWindow: 60_000 } };
const OPTIONS_LIMIT = { rateLimit: { max: 30, timeWindow: 60_000 } };

const NOT_FOUND =
  'No booking has this token: unknown, past its confirmation deadline, expired, completed or deleted (or its lead is)';

/**
 * A POST the customer makes from their link: public, 200 with the booking's new state, under the
 * action limit (so 429 too), and the given errors besides.
 */
function CustomerAction(path: string, description: string, errors: ApiErrorDescriptions) {
  return applyDecorators(
    Post(path),
    Public(),
    HttpCode(200),
    RouteConfig(ACTION_LIMIT),
    ApiOkResponse({ type: MeetingActionDto, description }),
    ApiErrors({ ...errors, tooManyRequests: 'Too many requests from this address' }),
  );
}

/**
 * The customer's own changes through the booking link they were sent (public: the token is the key).
 * Beside the read route of the bookings module, which this extends.
 */
@ApiTags('bookings')
@Controller('bookings/meeting')
export class SelfServiceController {
  constructor(private readonly selfService: SelfServiceService) {}

  @Get(':meetingToken/options')
  @Public()
  @RouteConfig(OPTIONS_LIMIT)
  @ApiOkResponse({ type: MeetingOptionsDto, description: 'Free times the booking can move to' })
  @ApiErrors({
    notFound: NOT_FOUND,
    conflict: 'The booking is cancelled or under way: it cannot move (`booking_not_changeable`)',
    tooManyRequests: 'Too many requests from this address',
  })
  options(@Param() params: MeetingTokenParamDto): Promise<MeetingOptionsDto> {
    return this.selfService.optionsByLink(params.meetingToken);
  }

  @CustomerAction(':meetingToken/confirm', 'Confirmed; repeated, the same state and nothing sent again', {
    notFound: NOT_FOUND,
    conflict: 'The booking is cancelled or under way (`booking_not_changeable`)',
  })
  confirm(@Param() params: MeetingTokenParamDto): Promise<MeetingActionDto> {
    return this.selfService.confirmByLink(params.meetingToken);
  }

  @CustomerAction(
    ':meetingToken/cancel',
    "Cancelled; free until the tenant's notice (freeCancellationHours), later with the fee in `cancellationFee`, " +
      'put on the booking’s draft invoice. Repeated, the same state and nothing sent again',
    {
      notFound: NOT_FOUND,
      conflict: 'The booking is under way (`booking_not_changeable`)',
    },
  )
  cancel(@Param() params: MeetingTokenParamDto): Promise<MeetingActionDto> {
    return this.selfService.cancelByLink(params.meetingToken);
  }

  @CustomerAction(
    ':meetingToken/skip',
    'One visit of a recurring series left out; the series goes on. On the terms of a cancellation ' +
      '(free until freeCancellationHours before, later with the fee). Repeated, the same state',
    {
      notFound: NOT_FOUND,
      conflict: 'Not a visit of a series (`not_a_series_visit`), or under way (`booking_not_changeable`)',
    },
  )
  skip(@Param() params: MeetingTokenParamDto): Promise<MeetingActionDto> {
    return this.selfService.skipByLink(params.meetingToken);
  }

  @CustomerAction(':meetingToken/reschedule', 'Moved to the chosen free time', {
    badRequest: 'startsAt is not a date-time',
    notFound: NOT_FOUND,
    conflict:
      'The time was taken meanwhile or never free (`time_no_longer_free`: ask for the options again), ' +
      'or the booking cannot move (`booking_not_changeable`)',
  })
  reschedule(@Param() params: MeetingTokenParamDto, @Body() dto: RescheduleDto): Promise<MeetingActionDto> {
    return this.selfService.rescheduleByLink(params.meetingToken, dto.startsAt);
  }
}
