import { Module } from '@nestjs/common';

import { EmailModule } from '../email/email.module.js';
import { IntegrationAttentionProcessor } from './jobs/integration-attention.processor.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';

/**
 * Staff notifications (docs/architecture.md, Notifications): the feed, its e-mail through EmailModule,
 * and the service the features above call in their unit of work (SMS, intake). Modules below it
 * (the integrations' credentials) write the `notifications.integration-attention` job instead.
 */
@Module({
  imports: [EmailModule],
  controllers: [NotificationsController],
  providers: [NotificationsRepository, NotificationsService, IntegrationAttentionProcessor],
  exports: [NotificationsService],
})
export class NotificationsModule {}
