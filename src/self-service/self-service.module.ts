import { Module } from '@nestjs/common';

import { BookingsModule } from '../bookings/bookings.module.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { SelfServiceController } from './self-service.controller.js';
import { SelfServiceService } from './self-service.service.js';

/**
 * The customer's own changes to a booking (confirm, cancel, move) from the booking link, and for the
 * SMS grammar's AFLYS and FLYT. Above bookings (the rows) and calendar (the free times to move to),
 * which is why it is not inside the bookings module: calendar already depends on bookings. The SMS
 * module sits above this one.
 */
@Module({
  imports: [BookingsModule, CalendarModule, NotificationsModule, TenantsModule],
  controllers: [SelfServiceController],
  providers: [SelfServiceService],
  exports: [SelfServiceService],
})
export class SelfServiceModule {}
