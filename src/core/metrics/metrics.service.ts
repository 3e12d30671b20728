import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

import { JobMetrics } from '../queue/job-observer.js';
import { OutboxService } from '../queue/outbox.service.js';
import { QueueService } from '../queue/queue.service.js';

/**
 * Prometheus metrics of this process. Its own registry (not prom-client's global one), so several apps
 * in one test process do not collide. Queue depth and the outbox backlog are read at scrape time.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(queues: QueueService, outbox: OutboxService, jobs: JobMetrics) {
    // Process and runtime metrics under their standard names (process_resident_memory_bytes,
    // nodejs_heap_size_used_bytes …), which dashboards and alerts made for Node read as they are.
    collectDefaultMetrics({ register: this.registry });
    this.registry.registerMetric(jobs.duration);
    this.registry.registerMetric(jobs.failures);
    this.httpDuration = new Histogram({
      name: 'renos_http_request_duration_seconds',
      help: 'HTTP request latency by route template',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'renos_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const queue of queues.all()) {
          // A scrape while Redis is away reports no queue figures rather than failing the scrape.
          const counts = await queue
            .getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized')
            .catch(() => undefined);
          for (const [state, count] of Object.entries(counts ?? {}))
            this.set({ queue: queue.name, state }, count);
        }
      },
    });
    new Gauge({
      name: 'renos_outbox_backlog',
      help: 'Outbox rows not yet handed to Redis',
      registers: [this.registry],
      async collect() {
        this.set(await outbox.backlog());
      },
    });
  }

  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }
}
