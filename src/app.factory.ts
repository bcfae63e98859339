import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module.js';
import { systemClock, type Clock } from './clock.js';
import type { AppConfig } from './config/app.config.js';
import { setUpOpenApi } from './http/openapi.js';
import { clientErrorHandler } from './http/client-errors.js';
import { frameworkErrors, jsonBodyParser } from './http/json-body.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { isValidRequestId } from './http/request-context.js';
import { redactUrl } from './http/redact.js';
import { securityHeaders } from './http/security-headers.js';
import { writesFirst } from './http/writes-first.js';
import { Door } from './auth/door.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.port.js';
import { traceRequests } from './telemetry/http-tracing.js';
import { accessIn, accessOf, markPublic, type RouteAccess } from './auth/route-access.js';

export interface CreateAppOptions {
  clock?: Clock;
}

/** Builds the application (not yet listening): used by main.ts and by every e2e test. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  const adapter = new FastifyAdapter({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            // The live feed takes the key as ?access_token= (EventSource sends no headers): never log it.
            serializers: {
              req: (req: { method: string; url: string; id: string }) => ({
                method: req.method,
                url: redactUrl(req.url),
                requestId: req.id,
              }),
            },
          },
    bodyLimit: config.bodyLimitBytes,
    // A client that sends its request slowly (or never finishes it) is cut off: 408.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    http: {
      headersTimeout,
      // Node checks these timeouts every 30 s by default: a 10 s limit could then take 40 s.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
    routerOptions: { maxParamLength: 200 },
    requestIdHeader: false,
    clientErrorHandler,
    frameworkErrors,
    genReqId: (req: { headers: Record<string, unknown> }) => {
      const given = req.headers['x-request-id'];
      return isValidRequestId(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options.clock ?? systemClock),
    adapter,
    {
      // One JSON line per message, like Fastify's request logs.
      logger:
        config.logLevel === 'silent'
          ? false
          : new ConsoleLogger({ json: true, logLevels: nestLevels(config.logLevel) }),
      abortOnError: false,
      // JSON only: the parser below is registered by hand; no form bodies (a cross-site form cannot post here).
      bodyParser: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.server.maxConnections = config.maxConnections;
  // First of the hooks: a request refused at the door is traced too.
  traceRequests(fastify);
  const routes: RouteRecord[] = [];
  fastify.addHook('onRoute', (route) => {
    // The API documentation (the Swagger UI, its assets and the JSON) is public; so is a CORS
    // preflight (`OPTIONS *`, sent without credentials). Decided per route as it is registered.
    const methods = [route.method].flat();
    if (isDocsRoute(route.url) || (route.url === '*' && methods.includes('OPTIONS'))) markPublic(route);
    // The options as registered: a plugin's own onRoute hook (the pages) runs after this one.
    for (const method of methods) routes.push({ method, url: route.url, options: route });
  });
  const store = app.get<EventStore>(EVENT_STORE);
  if (store.pump) writesFirst(fastify, () => store.pump!());
  // Before anything else, each request passes the door: origin-form target, a matched route, a key.
  fastify.addHook('onRequest', app.get(Door).onRequest);
  registries.set(app, routes);
  // The API speaks JSON only: any other body is refused with 415 before it reaches a route.
  fastify.removeContentTypeParser(['text/plain']);
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimitBytes }, jsonBodyParser(fastify));
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.headers(securityHeaders(request.routeOptions.url, accessOf(request)));
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  setUpOpenApi(app, DOCS_PATH, config.publicUrl);
  return app;
}

export interface RegisteredRoute {
  method: string;
  url: string;
  /** Who may call it (route-access.ts): anything but `public` needs a key. */
  access: RouteAccess;
}

const DOCS_PATH = '/docs';
const isDocsRoute = (url: string) =>
  url === DOCS_PATH || url === `${DOCS_PATH}-json` || url.startsWith(`${DOCS_PATH}/`);

/** A route as registered; its options are read late: a plugin's own onRoute hook may still mark it. */
type RouteRecord = { method: string; url: string; options: { config?: unknown } };

const registries = new WeakMap<NestFastifyApplication, RouteRecord[]>();

/** Every route the application registered (filled when it initialises): for tests and docs checks. */
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  return (registries.get(app) ?? []).map(({ method, url, options }) => ({
    method,
    url,
    access: accessIn(options.config),
  }));
}

export const bootLogger = new Logger('TreatyLedger');

function nestLevels(level: string): ('fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const order = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  const upTo = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 }[level] ?? 3;
  return order.slice(0, upTo + 1);
}
