import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiProduces } from '@nestjs/swagger';
import { PublicMetrics } from '../auth/route-access.js';
import { METRICS, type Metrics } from './metrics.js';

/** Prometheus text format. Outside /api, like /health: scrapers carry no API key. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: Metrics) {}

  @Get()
  @PublicMetrics()
  @ApiOperation({
    summary: 'Prometheus metrics: appends, append latency, conflicts, projection lag, live clients, pool use',
  })
  @ApiProduces('text/plain')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
