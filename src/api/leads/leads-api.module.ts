import { Module } from '@nestjs/common';

import { BookingsModule } from '../../bookings/bookings.module.js';
import { IntakeModule } from '../../intake/intake.module.js';
import { SmsModule } from '../../sms/sms.module.js';
import { StatsModule } from '../../stats/stats.module.js';
import { LeadsModule } from '../../leads/leads.module.js';
import { LeadsController } from './leads.controller.js';

/**
 * The /api/leads resource, whose routes several features serve (leads, bookings, SMS, stats, intake). src/api
 * holds such resources: it sits above every feature, so a route is found from its path without those
 * features depending on each other in a circle. A resource one feature serves alone keeps its
 * controller in that feature's folder.
 */
@Module({
  imports: [LeadsModule, BookingsModule, SmsModule, StatsModule, IntakeModule],
  controllers: [LeadsController],
})
export class LeadsApiModule {}
