import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { decodeCursor, DEFAULT_LIMIT, pageBody } from '../../http/pagination.js';
import { parseOrThrow } from '../../http/zod-validation.js';
import { ListMilestones } from '../read/milestones/milestones.queries.js';
import { milestoneCursor, milestonesQuery } from './accountability.requests.js';

@Controller('api/milestones')
export class MilestonesController {
  constructor(private readonly queries: QueryBus) {}

  /** Milestones across agreements: who owes what by when, judged against today. */
  @Get()
  async list(@Query() query: unknown) {
    const { limit, cursor, status, owner, dueBefore } = parseOrThrow(milestonesQuery, query);
    const page = await this.queries.execute(
      new ListMilestones(
        {
          ...(status ? { statuses: [status] } : {}),
          ...(owner ? { owner } : {}),
          ...(dueBefore ? { dueBefore } : {}),
        },
        limit ?? DEFAULT_LIMIT,
        decodeCursor(cursor, milestoneCursor),
      ),
    );
    return pageBody(page);
  }
}
