import { Global, Module, type DynamicModule } from '@nestjs/common';

import { AppConfig } from './app-config.js';

/**
 * Provides the one AppConfig, built by the caller (main.ts or a test) before the app is created, so a
 * bad environment stops the start before anything connects anywhere.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
