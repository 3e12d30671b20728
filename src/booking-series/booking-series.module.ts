import { Module } from '@nestjs/common';

import { ActivitiesModule } from '../activities/activities.module.js';
import { BookingsModule } from '../bookings/bookings.module.js';
import { InvoicesModule } from '../invoices/invoices.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { BookingSeriesController } from './booking-series.controller.js';
import { BookingSeriesRepository } from './booking-series.repository.js';
import { BookingSeriesService } from './booking-series.service.js';
import { MaterialiseSeriesProcessor } from './jobs/materialise-series.processor.js';
import { MonthlyInvoicesProcessor } from './jobs/monthly-invoices.processor.js';
import { SeriesMaterialiser } from './series-materialiser.service.js';

/**
 * Recurring cleaning (fast rengøring): series, their visits made ahead by the hourly schedule, edits,
 * pause and end, and monthly invoicing. Sits above bookings (visits are bookings placed there), invoices
 * and notifications; nothing depends on it.
 */
@Module({
  imports: [
    ActivitiesModule,
    BookingsModule,
    InvoicesModule,
    LeadsModule,
    NotificationsModule,
    TenantsModule,
  ],
  controllers: [BookingSeriesController],
  providers: [
    BookingSeriesRepository,
    BookingSeriesService,
    SeriesMaterialiser,
    MaterialiseSeriesProcessor,
    MonthlyInvoicesProcessor,
  ],
  exports: [BookingSeriesService],
})
export class BookingSeriesModule {}
