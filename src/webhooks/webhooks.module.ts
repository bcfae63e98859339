import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { OutboundPolicy } from './outbound-url.js';
import { SubscriptionsController } from './subscriptions.controller.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

/** Webhook subscriptions and their delivery (the store comes from the persistence module). */
@Module({
  controllers: [SubscriptionsController],
  providers: [
    WebhookDispatcher,
    // One policy for checking subscriptions and for delivering: its listed names are resolved once.
    {
      provide: OutboundPolicy,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new OutboundPolicy(config.webhooks.allowedHosts),
    },
  ],
})
export class WebhooksModule {}
