import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { METRICS, type Metrics } from './metrics.js';

const LIVE_PATH = '/api/events/live';

/** Counts open live-feed connections from the outside: one up when a request arrives, one down when its socket closes. */
@Injectable()
export class LiveClientsGauge implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'GET' || request.url.split('?', 1)[0] !== LIVE_PATH) return;
      this.metrics.liveClients.inc();
      // The response closes when the stream ends or the client goes away.
      reply.raw.once('close', () => this.metrics.liveClients.dec());
    });
  }
}
