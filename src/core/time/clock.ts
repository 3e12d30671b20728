import { Global, Module, type DynamicModule } from '@nestjs/common';

/**
 * The time business rules read: quiet hours, notice and horizon, reminders, expiry, overdue, "this
 * week". It is injected rather than read from `Date` so a test can put the app at 03:00 or on the day
 * of a daylight-saving change, and the outcome never depends on when or where the suite runs.
 * Timestamps that only record when something happened (createdAt, sentAt) may come from the database.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** Provides the one Clock: the system's, unless the caller (a test, the demo) passes its own. */
@Global()
@Module({})
export class ClockModule {
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ClockModule,
      providers: [{ provide: Clock, useValue: clock }],
      exports: [Clock],
    };
  }
}
