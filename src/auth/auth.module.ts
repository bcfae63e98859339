import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { FirstStartAdminKey } from './first-start.js';
import { RateLimiter } from './rate-limiter.js';

@Global()
@Module({
  providers: [
    {
      provide: RateLimiter,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => new RateLimiter(c.rateLimitPerMinute),
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    FirstStartAdminKey,
  ],
})
export class AuthModule {}
