import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import type winston from 'winston';

import { AppModule } from './app.module.js';
import { AppConfig } from './core/config/app-config.js';
import { AllExceptionsFilter } from './core/http/all-exceptions.filter.js';
import { warnOnceAboutUntrustedForwardedFor } from './core/http/forwarded-for-warning.js';
import { onlyOperationalRoutes } from './core/http/worker-routes.js';
import { MetricsService } from './core/metrics/metrics.service.js';
import { codeForStatus, reasonPhrase, type ErrorEnvelope } from './core/http/error-envelope.js';
import { requestIdFor } from './core/http/request-id.js';
import {
  jsonNestsDeeperThan,
  MAX_JSON_DEPTH,
  refuseUnstorableText,
  TooDeepError,
} from './core/http/request-shape.js';
import { createValidationPipe } from './core/http/validation.js';
import { RedisService } from './core/redis/redis.service.js';
import { createNestLogger, createWinston } from './core/logging/logger.js';
import type { Clock } from './core/time/clock.js';
import { registerQueueBoard } from './health/queue-board.js';
import { buildOpenApiDocument } from './openapi.js';

/** Fastify's own meaning of a hop count: trust the nearest `hops` proxies. */
function trustProxySetting(value: boolean | number | string) {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value;
}

export interface RegisteredRoute {
  method: string;
  url: string;
}

const registeredRoutes = new WeakMap<object, RegisteredRoute[]>();

/** The routes the app's router holds (available once the app is initialised). */
export function listRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  return [...(registeredRoutes.get(app) ?? [])];
}

export interface CreateAppOptions {
  /** Tests pass a quieter logger; the default writes JSON lines at LOG_LEVEL. */
  logger?: winston.Logger;
  /** Modules composed beside AppModule (the e2e tests add probe controllers this way). */
  extraModules?: Type[];
  /** The time business rules read; the system clock unless a test or the demo sets its own. */
  clock?: Clock;
}

/**
 * Builds the HTTP application (not listening yet). main.ts and the e2e tests both use it, so the tests
 * exercise exactly what production runs: prefix, pipes, filters, hooks, helmet, CORS, docs.
 */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const winstonLogger = options.logger ?? createWinston(config);
  const nestLogger: LoggerService = createNestLogger(winstonLogger);
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    // Off unless configured: otherwise any client could pick its own IP with X-Forwarded-For and
    // slip past the per-IP limits and into the audit log under another address.
    trustProxy: trustProxySetting(config.http.trustProxy),
    genReqId: requestIdFor,
    // Our hook logs one line per request, with the fields we choose (no headers, no bodies).
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options.extraModules, options.clock),
    adapter,
    {
      logger: nestLogger,
      abortOnError: false,
    },
  );
  app.setGlobalPrefix(config.http.globalPrefix);

  await app.register(helmet, {
    // Swagger UI at /api/docs needs inline styles and scripts; the API itself serves only JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  if (config.http.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.http.rateLimitPerMinute,
      timeWindow: 60_000,
      // Counted in Redis, so the limit holds across instances; while Redis is away requests pass.
      redis: app.get(RedisService).client,
      nameSpace: `${config.redis.queuePrefix}:rate-limit:`,
      skipOnError: true,
      // Webhooks are signed and their senders retry; limiting them would only lose messages.
      allowList: (request) => request.url.startsWith(`/${config.http.globalPrefix}/webhooks/`),
      errorResponseBuilder: (request, context): ErrorEnvelope => ({
        statusCode: 429,
        code: codeForStatus(429),
        error: reasonPhrase(429),
        message: `Rate limit of ${context.max} requests per minute exceeded`,
        requestId: String(request.id),
      }),
    });
  }
  app.enableCors({
    origin: config.http.corsOrigins.length > 0 ? [...config.http.corsOrigins] : false,
    credentials: true,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed'],
  });

  const filter = new AllExceptionsFilter();
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(filter);

  const fastify = app.getHttpAdapter().getInstance();
  // JSON nested too deep is refused before it is parsed (validation would recurse through it); the
  // rest is Fastify's own parser, with its refusal of __proto__ and constructor keys.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>(
    'application/json',
    { bodyLimit: config.http.bodyLimitBytes },
    (request, body, done) => {
      if (jsonNestsDeeperThan(body, MAX_JSON_DEPTH)) return done(new TooDeepError(), undefined);
      parseJson(request, body.toString('utf8'), done);
    },
  );
  fastify.addHook('preValidation', refuseUnstorableText(`/${config.http.globalPrefix}/webhooks/`));
  const metrics = app.get(MetricsService);
  // Every route as the router registers it, for the operator's view and for the tests that sweep all
  // routes (a new route is covered without editing them).
  const routes: RegisteredRoute[] = [];
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url: route.url });
    }
  });
  registeredRoutes.set(app, routes);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('X-Request-Id', request.id);
  });
  if (config.http.trustProxy === false) {
    fastify.addHook(
      'onRequest',
      warnOnceAboutUntrustedForwardedFor((message) => winstonLogger.warn(message)),
    );
  }
  // A worker-only instance listens for its health checks and metrics only.
  if (!config.runsApi) fastify.addHook('onRequest', onlyOperationalRoutes(config.http.globalPrefix));
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest(request.method, route, reply.statusCode, seconds);
    winstonLogger.log(reply.statusCode >= 500 ? 'error' : 'info', 'request', {
      requestId: request.id,
      method: request.method,
      route,
      status: reply.statusCode,
      latencyMs: Math.round(reply.elapsedTime * 10) / 10,
      tenantId: (request as FastifyRequest & { tenantId?: string }).tenantId,
    });
  });
  await registerQueueBoard(app, `/${config.http.globalPrefix}/admin/queues`);
  SwaggerModule.setup(`${config.http.globalPrefix}/docs`, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${config.http.globalPrefix}/docs-json`,
  });

  return app;
}
