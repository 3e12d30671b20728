import { Module } from '@nestjs/common';

import { ActivitiesModule } from '../activities/activities.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { LeadsController } from './leads.controller.js';
import { LeadsRepository } from './leads.repository.js';
import { LeadsService } from './leads.service.js';

/**
 * Leads: the list and detail, edits, status moves and soft delete. Bookings depend on this module
 * (createInTransaction, applySystemMove, findVisible, toDto), never the reverse; POST /leads is served
 * by the bookings module for that reason.
 */
@Module({
  imports: [CustomersModule, ActivitiesModule, TenantsModule],
  controllers: [LeadsController],
  providers: [LeadsRepository, LeadsService],
  exports: [LeadsService],
})
export class LeadsModule {}
