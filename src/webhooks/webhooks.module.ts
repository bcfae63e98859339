import { Module } from '@nestjs/common';
import { SubscriptionsController } from './subscriptions.controller.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

/** Webhook subscriptions and their delivery (the store comes from the persistence module). */
@Module({ controllers: [SubscriptionsController], providers: [WebhookDispatcher] })
export class WebhooksModule {}
