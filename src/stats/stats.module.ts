import { Module } from '@nestjs/common';

import { TenantsModule } from '../tenants/tenants.module.js';
import { StatsController } from './stats.controller.js';
import { StatsRepository } from './stats.repository.js';
import { StatsService } from './stats.service.js';

/** Read-only figures across leads, bookings, invoices and texts: on top of the feature layer. */
@Module({
  imports: [TenantsModule],
  controllers: [StatsController],
  providers: [StatsService, StatsRepository],
})
export class StatsModule {}
