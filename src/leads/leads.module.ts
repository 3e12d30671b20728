import { Module } from '@nestjs/common';

import { ActivitiesModule } from '../activities/activities.module.js';
import { CustomersModule } from '../customers/customers.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { LeadCreation } from './lead-creation.service.js';
import { LeadsRepository } from './leads.repository.js';
import { LeadsService } from './leads.service.js';

/**
 * Leads: the list and detail, edits, status moves and soft delete, as a service the other features
 * call (createInTransaction, applySystemMove, findVisible). Bookings, SMS and intake depend on this
 * module, never the reverse; the /api/leads routes are in src/api/leads, above all of them.
 */
@Module({
  imports: [CustomersModule, ActivitiesModule, TenantsModule],
  providers: [LeadsRepository, LeadCreation, LeadsService],
  exports: [LeadsService],
})
export class LeadsModule {}
