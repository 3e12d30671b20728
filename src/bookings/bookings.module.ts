import { Module } from '@nestjs/common';

import { ActivitiesModule } from '../activities/activities.module.js';
import { InvoicesModule } from '../invoices/invoices.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { BookingExpiry } from './booking-expiry.service.js';
import { BookingPlacement } from './booking-placement.service.js';
import { BookingQueries } from './booking-queries.service.js';
import { BookingsController } from './bookings.controller.js';
import { BookingsRepository } from './bookings.repository.js';
import { BookingsService } from './bookings.service.js';
import { ExpirePendingBookingsProcessor } from './jobs/expire-pending-bookings.processor.js';
import { LeadIntakeService } from './lead-intake.service.js';
import { BookingSelfService } from './self-service.service.js';

/**
 * Bookings (docs/architecture.md, Data model): a lead's job on a team's time, its status, the customer's
 * public booking link, the expiry schedule, and creating a lead by hand for POST /leads (src/api/leads:
 * a lead with a requested time is created with its pending booking). Depends on leads, activities, tenants and invoices (completing a booking
 * drafts its invoice); nothing below depends on it.
 */
@Module({
  imports: [LeadsModule, ActivitiesModule, TenantsModule, InvoicesModule],
  controllers: [BookingsController],
  providers: [
    BookingsRepository,
    BookingPlacement,
    BookingQueries,
    BookingsService,
    BookingExpiry,
    LeadIntakeService,
    ExpirePendingBookingsProcessor,
    BookingSelfService,
  ],
  exports: [BookingsService, LeadIntakeService, BookingSelfService],
})
export class BookingsModule {}
