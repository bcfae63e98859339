import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { METRICS, type Metrics } from './metrics.js';

const LIVE_PATH = '/api/events/live';

/**
 * What is measured at the HTTP edge: open live-feed connections (up when one arrives, down
 * when its response closes) and writes refused for a stale If-Match (412).
 */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    // Callback hooks, not async ones: they run on every request, and a promise each costs more than they do.
    fastify.addHook('onRequest', (request, reply, done) => {
      if (request.method === 'GET' && request.url.split('?', 1)[0] === LIVE_PATH) {
        this.metrics.liveClients.inc();
        // The response closes when the stream ends or the client goes away.
        reply.raw.once('close', () => this.metrics.liveClients.dec());
      }
      done();
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      if (reply.statusCode === 412 && request.method === 'POST') this.metrics.conflicts.inc();
      done();
    });
  }
}
