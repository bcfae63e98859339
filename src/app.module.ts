import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AgreementsModule } from './agreements/agreements.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CLOCK, systemClock, type Clock } from './clock.js';
import { APP_CONFIG, type AppConfig } from './config/app.config.js';
import { HealthController } from './health/health.controller.js';
import { LiveModule } from './live/live.module.js';
import { LogModule } from './log/log.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PersistenceModule } from './persistence.module.js';
import { WebModule } from './web/web.module.js';
import { BusTracing } from './telemetry/bus-tracing.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        CqrsModule.forRoot(),
        PersistenceModule.forRoot(config, { serving: true }),
        AuthModule,
        AgreementsModule,
        LiveModule,
        LogModule,
        WebModule,
        MetricsModule,
        WebhooksModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: CLOCK, useValue: clock }, BusTracing],
      exports: [APP_CONFIG, CLOCK],
    };
  }
}
