import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { EmailModule } from '../email/email.module.js';
import { InvitationsController } from './invitations.controller.js';
import { InvitationsService } from './invitations.service.js';
import { PasswordResetController } from './password-reset.controller.js';
import { PasswordResetService } from './password-reset.service.js';
import { PeopleRepository } from './people.repository.js';

/**
 * People management: invitations to a tenant (/invitations) and "forgot password" (/auth/forgot-password,
 * /auth/reset-password). Its own folder because it e-mails (EmailModule), which the auth folder, below
 * every feature, may not import.
 */
@Module({
  imports: [AuthModule, EmailModule],
  controllers: [InvitationsController, PasswordResetController],
  providers: [PeopleRepository, InvitationsService, PasswordResetService],
})
export class PeopleModule {}
