import { Module } from '@nestjs/common';
import { LiveClientsGauge } from './live-clients.js';
import { MetricsController } from './metrics.controller.js';

/** GET /metrics. The Metrics instance itself comes from the persistence module, which instruments the store. */
@Module({ controllers: [MetricsController], providers: [LiveClientsGauge] })
export class MetricsModule {}
