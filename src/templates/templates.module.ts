import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { EmailTemplatesController, SmsTemplatesController } from './templates.controller.js';
import { TemplatesService } from './templates.service.js';

/**
 * /email-templates and /sms-templates: the tenant reads and edits the texts its customers get. The
 * sending code (EmailService, the SMS services) reads the same rows; this module only writes them, each change in the audit log.
 */
@Module({
  imports: [AuthModule],
  controllers: [EmailTemplatesController, SmsTemplatesController],
  providers: [TemplatesService],
})
export class TemplatesModule {}
