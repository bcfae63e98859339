import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { publicDir, webPages } from './web-pages.js';

/** Serves the browser pages at / from the same server as the API. */
@Module({})
export class WebModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // Scripts boot an application context without HTTP: nothing to serve there.
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    // Not awaited, like Nest's own useStaticAssets: Fastify loads it before it listens.
    void adapter.getInstance<FastifyInstance>().register(webPages, { root: publicDir() });
  }
}
