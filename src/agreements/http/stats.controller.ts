import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { z } from 'zod';
import { parseOrThrow } from '../../http/zod-validation.js';
import { partyCode, provision } from '../domain/agreement.values.js';
import { GetAgreementStats } from '../read/agreement.queries.js';
import { AGREEMENT_SOURCES, STAT_MEASURES } from '../read/status/status.reader.js';

const statsQuery = z.strictObject({
  groupBy: z.enum(['year'], { message: 'must be year' }).default('year'),
  measure: z.enum(STAT_MEASURES, { message: `must be one of ${STAT_MEASURES.join(', ')}` }).default('signed'),
  party: partyCode.optional(),
  provision: provision.optional(),
  source: z.enum(AGREEMENT_SOURCES, { message: `must be one of ${AGREEMENT_SOURCES.join(', ')}` }).optional(),
});

@Controller('api/stats')
export class StatsController {
  constructor(private readonly queries: QueryBus) {}

  /**
   * One row per year: agreements signed that year (measure=signed, by the year of the last
   * signature, at whatever precision it is known), or in force at some time in it (measure=in_force:
   * from the year of entry into force to the year it ended, or this year), computed from counts
   * grouped in SQL.
   */
  @Get('agreements')
  async agreements(@Query() query: unknown) {
    const { groupBy, measure, party, provision: p, source } = parseOrThrow(statsQuery, query);
    const filter = {
      ...(party ? { party } : {}),
      ...(p ? { provision: p } : {}),
      ...(source ? { source } : {}),
    };
    const items = await this.queries.execute(new GetAgreementStats(measure, filter));
    return { groupBy, measure, ...filter, items };
  }
}
