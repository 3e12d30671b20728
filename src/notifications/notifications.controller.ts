import { Controller, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { MANAGER_ROLES } from '../auth/auth.decorators.js';
import { ActionRoute, ListRoute } from '../auth/route.decorators.js';
import { IdParamDto } from '../tenants/dto/id-param.dto.js';
import { NotificationDto, NotificationPageDto, NotificationQueryDto } from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';

/**
 * The staff's notification feed. Notifications name customers of every lead, so the roles that see
 * the whole tenant read them and managers mark them read; STAFF (who see their own leads only) do not.
 */
@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @ListRoute(
    {
      type: NotificationPageDto,
      description: 'Newest first; `unread=true` for the unread ones only. Not for STAFF (403)',
    },
    'A bad filter or page, named in details',
    { roles: ['admin', 'manager', 'viewer'] },
  )
  list(@Query() query: NotificationQueryDto): Promise<NotificationPageDto> {
    return this.notifications.list(query);
  }

  @ActionRoute(
    ':id/read',
    { type: NotificationDto, description: 'Read; again is the same answer with the first time read' },
    { notFound: 'No such notification in the tenant' },
    { roles: MANAGER_ROLES },
  )
  markRead(@Param() params: IdParamDto): Promise<NotificationDto> {
    return this.notifications.markRead(params.id);
  }
}
