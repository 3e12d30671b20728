import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';

import { Public } from '../auth/auth.decorators.js';
import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { ClientIp } from './client-ip.decorator.js';
import { ForgotPasswordDto, ResetPasswordDto } from './dto/people.dto.js';
import { PasswordResetService } from './password-reset.service.js';

@ApiTags('auth')
@Controller('auth')
export class PasswordResetController {
  constructor(private readonly resets: PasswordResetService) {}

  @Public()
  @Post('forgot-password')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    description:
      'Always, whether or not the e-mail has an account: when it has, a reset link (valid 1 hour, single ' +
      'use) is e-mailed to it',
  })
  @ApiErrors({ tooManyRequests: 'Too many requests for the e-mail or IP; see Retry-After' })
  async forgotPassword(@Body() dto: ForgotPasswordDto, @ClientIp() ip: string): Promise<void> {
    await this.resets.requestLink(dto.email, ip);
  }

  @Public()
  @Post('reset-password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'The password is set; every session of the account has ended' })
  @ApiErrors({ badRequest: 'token is invalid or already used, or has expired; or the password is too short' })
  async resetPassword(@Body() dto: ResetPasswordDto, @ClientIp() ip: string): Promise<void> {
    await this.resets.reset(dto.token, dto.password, ip);
  }
}
