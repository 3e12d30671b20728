import { applyDecorators, Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { RequestClient, type RequestClientInfo } from '../core/http/request-client.js';

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
  UpdateMeDto,
} from './dto/auth.dto.js';
import type { Principal } from './principal.js';

/** A `POST` that answers 200 with a new session (a token pair). */
function SessionRoute(path: string, description?: string) {
  return applyDecorators(
    Post(path),
    HttpCode(200),
    ApiOkResponse(description === undefined ? { type: SessionDto } : { type: SessionDto, description }),
  );
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @SessionRoute('login')
  @ApiErrors({ tooManyRequests: 'Too many failed attempts for the account or IP; see Retry-After' })
  login(@Body() body: LoginDto, @RequestClient() client: RequestClientInfo): Promise<SessionDto> {
    return this.auth.login(body.email, body.password, client);
  }

  @Public()
  @SessionRoute('refresh')
  refresh(@Body() body: RefreshDto, @RequestClient() client: RequestClientInfo): Promise<SessionDto> {
    return this.auth.refresh(body.refreshToken, client);
  }

  @Authenticated()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session is ended: its refresh tokens are revoked' })
  logout(
    @CurrentPrincipal() principal: Principal,
    @Body() body: LogoutDto,
    @RequestClient() client: RequestClientInfo,
  ): Promise<void> {
    return this.auth.logout(principal, body.refreshToken, client);
  }

  @Authenticated()
  @SessionRoute('switch-tenant')
  switchTenant(
    @CurrentPrincipal() principal: Principal,
    @Body() body: SwitchTenantDto,
    @RequestClient() client: RequestClientInfo,
  ): Promise<SessionDto> {
    return this.auth.switchTenant(principal, body.tenantId, client);
  }

  @Authenticated()
  @SessionRoute('password', 'Every other session ends; this one continues with the new pair')
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
    @RequestClient() client: RequestClientInfo,
  ): Promise<SessionDto> {
    return this.auth.changePassword(principal, body.currentPassword, body.newPassword, client);
  }

  @Authenticated()
  @Get('me')
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return this.auth.me(principal);
  }

  @Authenticated()
  @Patch('me')
  @ApiOkResponse({
    type: MeDto,
    description: 'The caller as they are now. A new password ends every other session; this one continues',
  })
  @ApiErrors({
    badRequest: 'A field is invalid, currentPassword is wrong, or one of the two password fields is missing',
    tooManyRequests: 'Too many wrong current passwords for the account or IP; see Retry-After',
  })
  updateMe(
    @CurrentPrincipal() principal: Principal,
    @Body() body: UpdateMeDto,
    @RequestClient() client: RequestClientInfo,
  ): Promise<MeDto> {
    return this.auth.updateMe(principal, body, client);
  }
}
