import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';

import { AuditService } from './audit.service.js';
import { AuthController } from './auth.controller.js';
import { AuthRepository } from './auth.repository.js';
import { AuthService } from './auth.service.js';
import { AuthenticationGuard } from './guards/authentication.guard.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { PasswordService } from './password.service.js';
import { PrincipalCache } from './principal-cache.js';
import { SessionService } from './session.service.js';

@Module({
  imports: [PassportModule, JwtModule.register({})],
  controllers: [AuthController],
  providers: [
    AuthService,
    AuthRepository,
    SessionService,
    PasswordService,
    LoginThrottleService,
    AuditService,
    JwtStrategy,
    PrincipalCache,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [SessionService, AuditService, PasswordService, AuthService, LoginThrottleService],
})
export class AuthModule {}
