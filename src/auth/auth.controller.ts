import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import type { FastifyRequest } from 'fastify';

import { Authenticated, CurrentPrincipal, Public } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import {
  ChangePasswordDto,
  LoginDto,
  LogoutDto,
  MeDto,
  RefreshDto,
  SessionDto,
  SwitchTenantDto,
} from './dto/auth.dto.js';
import type { Principal } from './principal.js';

function client(request: FastifyRequest) {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionDto })
  @ApiErrors({ tooManyRequests: 'Too many failed attempts for the account or IP; see Retry-After' })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<SessionDto> {
    return this.auth.login(body.email, body.password, client(request));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionDto })
  refresh(@Body() body: RefreshDto, @Req() request: FastifyRequest): Promise<SessionDto> {
    return this.auth.refresh(body.refreshToken, client(request));
  }

  @Authenticated()
  @Post('logout')
  @HttpCode(204)
  logout(
    @CurrentPrincipal() principal: Principal,
    @Body() body: LogoutDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.auth.logout(principal, body.refreshToken, client(request));
  }

  @Authenticated()
  @Post('switch-tenant')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionDto })
  switchTenant(
    @CurrentPrincipal() principal: Principal,
    @Body() body: SwitchTenantDto,
    @Req() request: FastifyRequest,
  ): Promise<SessionDto> {
    return this.auth.switchTenant(principal, body.tenantId, client(request));
  }

  @Authenticated()
  @Post('password')
  @HttpCode(200)
  @ApiOkResponse({
    type: SessionDto,
    description: 'Every other session ends; this one continues with the new pair',
  })
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<SessionDto> {
    return this.auth.changePassword(principal, body.currentPassword, body.newPassword, client(request));
  }

  @Authenticated()
  @Get('me')
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return this.auth.me(principal);
  }
}
