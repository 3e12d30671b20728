import { Module } from '@nestjs/common';

import { TenantsModule } from '../tenants/tenants.module.js';
import { ActivitiesController } from './activities.controller.js';
import { ActivitiesRepository } from './activities.repository.js';
import { ActivitiesService } from './activities.service.js';
import { JobFailureTimeline } from './job-failure-timeline.js';
import { JOB_FAILURE_REPORTER } from '../core/queue/job-observer.js';

/** The bottom of the feature layer: every other feature writes its timeline here. */
@Module({
  imports: [TenantsModule],
  controllers: [ActivitiesController],
  providers: [
    ActivitiesService,
    ActivitiesRepository,
    // Found by the workers at start: a job that gives up shows on its lead's timeline.
    { provide: JOB_FAILURE_REPORTER, useClass: JobFailureTimeline },
  ],
  exports: [ActivitiesService],
})
export class ActivitiesModule {}
