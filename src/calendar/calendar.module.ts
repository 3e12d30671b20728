import { Module } from '@nestjs/common';

import { ActivitiesModule } from '../activities/activities.module.js';
import { BookingsModule } from '../bookings/bookings.module.js';
import { CredentialsModule } from '../integrations/credentials/credentials.module.js';
import { GoogleCalendarModule } from '../integrations/google-calendar/google-calendar.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { AvailabilityService } from './availability.service.js';
import { CalendarSyncService } from './calendar-sync.service.js';
import { CalendarController } from './calendar.controller.js';
import { CalendarRepository } from './calendar.repository.js';
import { CalendarService } from './calendar.service.js';
import { SyncBookingProcessor } from './jobs/sync-booking.processor.js';

/**
 * Team calendars (docs/architecture.md, steps 4, 6 and 7): availability (GET /calendar/availability and
 * the SMS offer share AvailabilityService) and the `calendar.sync-booking` job that keeps each booking's
 * Google Calendar event in line with it. Bookings write that job to the outbox by name and import nothing
 * here; the sync records the event it made through BookingsService, the owner of booking rows.
 */
@Module({
  imports: [TenantsModule, ActivitiesModule, BookingsModule, CredentialsModule, GoogleCalendarModule],
  controllers: [CalendarController],
  providers: [
    CalendarRepository,
    AvailabilityService,
    CalendarService,
    CalendarSyncService,
    SyncBookingProcessor,
  ],
  exports: [AvailabilityService],
})
export class CalendarModule {}
