import { Module } from '@nestjs/common';
import { EventsController } from './events.controller.js';
import { LiveConnections } from './live-connections.js';

/** The global feed and its live server-sent events. */
@Module({
  controllers: [EventsController],
  providers: [LiveConnections],
})
export class LiveModule {}
