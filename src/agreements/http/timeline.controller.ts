import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { decodeCursor, DEFAULT_LIMIT, pageBody } from '../../http/pagination.js';
import { parseOrThrow } from '../../http/zod-validation.js';
import { GetTimeline } from '../read/agreement.queries.js';
import { globalTimelineQuery, timelineCursor } from './accountability.requests.js';

@Controller('api/timeline')
export class TimelineController {
  constructor(private readonly queries: QueryBus) {}

  /** Events across agreements in business-date order (ties by position). */
  @Get()
  async list(@Query() query: unknown) {
    const { limit, cursor, ...filter } = parseOrThrow(globalTimelineQuery, query);
    const page = await this.queries.execute(
      new GetTimeline(filter, limit ?? DEFAULT_LIMIT, decodeCursor(cursor, timelineCursor)),
    );
    return pageBody(page);
  }
}
