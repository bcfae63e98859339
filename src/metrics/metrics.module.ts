import { Module } from '@nestjs/common';
import { HttpMetrics } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';

/** GET /metrics. The Metrics instance itself comes from the persistence module, which instruments the store. */
@Module({ controllers: [MetricsController], providers: [HttpMetrics] })
export class MetricsModule {}
