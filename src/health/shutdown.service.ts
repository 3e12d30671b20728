import type { Server } from 'node:http';

import { Injectable, Logger, type INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

import { AppConfig } from '../core/config/app-config.js';
import { OutboxService } from '../core/queue/outbox.service.js';
import { WorkerService } from '../core/queue/worker.service.js';

/** How often, while the server drains, connections that went idle are closed. */
const IDLE_SWEEP_MS = 50;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The graceful shutdown, in the order that loses nothing:
 * 1. readiness answers 503 at once (a load balancer stops sending traffic; SHUTDOWN_DRAIN_DELAY_MS
 *    gives it time to notice while requests are still served);
 * 2. the HTTP server stops accepting connections and waits for the requests in flight;
 * 3. the workers stop taking jobs and wait for the running ones (BullMQ), the outbox sweeper stops;
 * 4. only then Nest closes the rest: queues, Redis and Prisma.
 * Nest's own close alone would disconnect Prisma before the server stops, under requests still running.
 * A job cut off anyway (SIGKILL, a crash) is handed back by BullMQ's stalled check on the next start.
 */
@Injectable()
export class ShutdownService {
  private readonly logger = new Logger(ShutdownService.name);
  private running: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly workers: WorkerService,
    private readonly outbox: OutboxService,
  ) {}

  /** True from the first signal on: readiness reports 503 so no new traffic is routed here. */
  get draining(): boolean {
    return this.running !== undefined;
  }

  /** Runs the sequence once; a second signal waits for the same one. */
  shutdown(app: INestApplication, signal: string): Promise<void> {
    this.running ??= this.sequence(app, signal);
    return this.running;
  }

  private async sequence(app: INestApplication, signal: string): Promise<void> {
    const started = Date.now();
    const { drainDelayMs } = this.config.shutdown;
    this.logger.log(`${signal} received: readiness now 503, draining for ${drainDelayMs} ms`);
    if (drainDelayMs > 0) await sleep(drainDelayMs);

    // Fastify's close stops the listener, closes idle keep-alive connections and resolves once every
    // request in flight has been answered; requests arriving on a busy connection meanwhile get 503.
    // A connection that was busy when the close began stays open after its answer (keep-alive) until
    // the client or the keep-alive timeout (72 s) ends it, so each is closed as soon as it is idle.
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const closeIdle = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    try {
      await this.adapterHost.httpAdapter.close();
    } finally {
      clearInterval(closeIdle);
    }
    this.logger.log('HTTP server closed; waiting for running jobs');

    await Promise.all([this.workers.close(), this.outbox.stop()]);
    this.logger.log('Workers closed; closing queues, Redis and the database');

    await app.close();
    this.logger.log(`Shut down in ${Date.now() - started} ms`);
  }
}
