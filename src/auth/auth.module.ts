import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { Door, FailedAuthLimiter, KeyRateLimiter } from './door.js';
import { FirstStartAdminKey } from './first-start.js';
import { SessionController } from './session.controller.js';

@Global()
@Module({
  controllers: [SessionController],
  providers: [
    {
      provide: KeyRateLimiter,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => new KeyRateLimiter(c.rateLimitPerMinute),
    },
    {
      provide: FailedAuthLimiter,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => new FailedAuthLimiter(c.authFailuresPerMinute),
    },
    Door,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    FirstStartAdminKey,
  ],
  exports: [Door],
})
export class AuthModule {}
