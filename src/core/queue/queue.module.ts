import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { JobMetrics } from './job-observer.js';
import { PruneProcessor } from './maintenance/prune.processor.js';
import { OutboxService } from './outbox.service.js';
import { QueueService } from './queue.service.js';
import { WorkerService } from './worker.service.js';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [QueueService, OutboxService, WorkerService, PruneProcessor, JobMetrics],
  exports: [QueueService, OutboxService, JobMetrics, WorkerService],
})
export class QueueModule {}
