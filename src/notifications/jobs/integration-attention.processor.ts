import { Injectable } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../../core/queue/job-handler.decorator.js';
import type { JobPayloads } from '../../core/queue/jobs.js';
import type { IntegrationProvider } from '../../generated/prisma/enums.js';
import { NotificationsService } from '../notifications.service.js';

/** An integration's needsAttention flag went up: the staff notification, once per episode. */
@Injectable()
@HandlesJob('notifications.integration-attention')
export class IntegrationAttentionProcessor implements JobHandler<'notifications.integration-attention'> {
  constructor(private readonly notifications: NotificationsService) {}

  handle({ provider, since }: JobPayloads['notifications.integration-attention']): Promise<boolean> {
    return this.notifications.integrationNeedsAttention(provider as IntegrationProvider, since);
  }
}
