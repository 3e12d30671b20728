import { Module } from '@nestjs/common';

import { TenantsModule } from '../tenants/tenants.module.js';
import { StatsRepository } from './stats.repository.js';
import { StatsService } from './stats.service.js';

/** Read-only figures across leads, bookings, invoices and texts (served at GET /api/leads/stats). */
@Module({
  imports: [TenantsModule],
  providers: [StatsService, StatsRepository],
  exports: [StatsService],
})
export class StatsModule {}
