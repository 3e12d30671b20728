import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { Public } from '../auth/auth.decorators.js';
import { AppConfig } from '../core/config/app-config.js';
import { DomainError } from '../core/http/domain-error.js';
import { MetricsService } from '../core/metrics/metrics.service.js';
import { HealthService, type Readiness } from './health.service.js';

const CHECK = { type: 'string', enum: ['up', 'down'] };
const READINESS = {
  type: 'object',
  required: ['status', 'checks', 'integrations'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    checks: {
      type: 'object',
      required: ['database', 'redis'],
      properties: { database: CHECK, redis: CHECK },
    },
    integrations: {
      type: 'object',
      required: ['needsAttention'],
      properties: {
        needsAttention: {
          type: 'object',
          additionalProperties: { type: 'integer' },
          example: { google: 1 },
          description: 'Per provider, how many integrations need an admin',
        },
      },
    },
  },
};

/** Public: load balancers and Prometheus call these without a user (metrics may ask for METRICS_TOKEN). */
@ApiTags('ops')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  /** Liveness: the process answers. Nothing else is checked, so a Redis outage never restarts the app. */
  @Get('health')
  @ApiOkResponse({
    description: 'The process is alive',
    schema: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
    },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOkResponse({
    description:
      'PostgreSQL and Redis answer; `integrations.needsAttention` counts, per provider, the integrations an admin must fix (reported, never a reason to be unready)',
    schema: READINESS,
  })
  @ApiErrors({ unavailable: 'Names what is unreachable, or says the app is shutting down' })
  ready(): Promise<Readiness> {
    return this.health.readiness();
  }

  /** Prometheus text format; asks for METRICS_TOKEN as a bearer token when that is set. */
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({
    description: 'The Prometheus text format',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  async scrape(@Headers('authorization') authorization?: string): Promise<string> {
    const token = this.config.observability.metricsToken;
    if (token && authorization !== `Bearer ${token}`)
      throw new DomainError('unauthorized', 'Metrics token required');
    return this.metrics.registry.metrics();
  }
}
