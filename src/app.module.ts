import { Module, type DynamicModule, type Type } from '@nestjs/common';

import { ClsModule } from 'nestjs-cls';

import { LeadsApiModule } from './api/leads/leads-api.module.js';
import { ActivitiesModule } from './activities/activities.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BookingSeriesModule } from './booking-series/booking-series.module.js';
import { BookingsModule } from './bookings/bookings.module.js';
import { CalendarModule } from './calendar/calendar.module.js';
import { CacheModule } from './core/cache/cache.module.js';
import { AppConfig } from './core/config/app-config.js';
import { ConfigModule } from './core/config/config.module.js';
import { Clock, ClockModule } from './core/time/clock.js';
import { DatabaseModule } from './core/database/database.module.js';
import { MetricsModule } from './core/metrics/metrics.module.js';
import { IdempotencyModule } from './core/idempotency/idempotency.module.js';
import { QueueModule } from './core/queue/queue.module.js';
import { RedisModule } from './core/redis/redis.module.js';
import { UnitOfWorkModule } from './core/unit-of-work/unit-of-work.js';
import { EmailModule } from './email/email.module.js';
import { HealthModule } from './health/health.module.js';
import { IntakeModule } from './intake/intake.module.js';
import { InvoicesModule } from './invoices/invoices.module.js';
import { SelfServiceModule } from './self-service/self-service.module.js';
import { SmsModule } from './sms/sms.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PeopleModule } from './people/people.module.js';
import { StatsModule } from './stats/stats.module.js';
import { IntegrationSettingsModule } from './integration-settings/integration-settings.module.js';
import { TemplatesModule } from './templates/templates.module.js';
import { TenantsModule } from './tenants/tenants.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extraModules: Type[] = [], clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule.forRoot(clock),
        // A context per request (and per job), where the guard puts the tenant for the scoped data path;
        // its id is the request's id (X-Request-Id), which every log line of the request carries.
        ClsModule.forRoot({
          global: true,
          middleware: { mount: true, generateId: true, idGenerator: (request: { id: string }) => request.id },
        }),
        DatabaseModule,
        RedisModule,
        CacheModule,
        QueueModule,
        UnitOfWorkModule,
        IdempotencyModule,
        MetricsModule,
        AuthModule,
        TenantsModule,
        PeopleModule,
        IntegrationSettingsModule,
        ActivitiesModule,
        BookingsModule,
        BookingSeriesModule,
        InvoicesModule,
        CalendarModule,
        StatsModule,
        EmailModule,
        NotificationsModule,
        IntakeModule,
        SelfServiceModule,
        SmsModule,
        TemplatesModule,
        LeadsApiModule,
        HealthModule,
        ...extraModules,
      ],
    };
  }
}
