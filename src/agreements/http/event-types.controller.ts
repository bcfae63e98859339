import { Controller, Get } from '@nestjs/common';
import { describeEventTypes, type EventTypeDescription } from './event-types.description.js';

@Controller('api/event-types')
export class EventTypesController {
  private readonly described = describeEventTypes();

  /** What the pages draw their forms from: each event type's fields and where it is allowed. */
  @Get()
  list(): { items: EventTypeDescription[] } {
    return { items: this.described };
  }
}
