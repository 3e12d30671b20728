import { Module } from '@nestjs/common';

import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { ShutdownService } from './shutdown.service.js';

@Module({
  controllers: [HealthController],
  providers: [HealthService, ShutdownService],
  exports: [ShutdownService],
})
export class HealthModule {}
