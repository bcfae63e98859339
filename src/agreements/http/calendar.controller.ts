import { Controller, Get, Header, Inject, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { KeyInQuery } from '../../auth/route-access.js';
import { CLOCK, type Clock } from '../../clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app.config.js';
import { parseOrThrow } from '../../http/zod-validation.js';
import type { MilestoneView } from '../read/milestones/milestones.js';
import type { MilestoneKey } from '../read/milestones/milestones.reader.js';
import type { Page } from '../read/page.js';
import { milestonesCalendar } from '../read/milestones/milestones.ics.js';
import { GetAgreementMilestones, ListMilestones } from '../read/milestones/milestones.queries.js';
import { milestonesQuery } from './accountability.requests.js';
import { idParam } from './agreement.requests.js';
import { agreementNotFound } from './agreement-not-found.js';

const calendarQuery = milestonesQuery.pick({ owner: true }).extend({
  agreement: idParam.optional(),
  access_token: z.string().max(512).optional(),
});

/** What a calendar shows: what is still to be met, not what is late already or done. */
const CALENDAR_STATUSES = ['open', 'due_soon'] as const;
const PAGE = 1000;

@Controller('api')
export class CalendarController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The open and due-soon milestones as an iCalendar feed a calendar client subscribes to: it sends
   * no header, so the key may come as ?access_token= (redacted from logs, as for the live feed).
   */
  @Get('milestones.ics')
  @KeyInQuery()
  @Header('content-type', 'text/calendar; charset=utf-8')
  @Header('cache-control', 'private, max-age=300')
  async calendar(@Query() query: unknown, @Req() request: FastifyRequest): Promise<string> {
    const { owner, agreement } = parseOrThrow(calendarQuery, query);
    const milestones = agreement ? await this.ofAgreement(agreement) : await this.all(owner);
    const chosen = milestones.filter(
      (m) =>
        (CALENDAR_STATUSES as readonly string[]).includes(m.status) &&
        (!agreement || !owner || m.owner === owner || m.owner === 'ALL'),
    );
    const scope = [agreement, owner].filter(Boolean).join(', ');
    return milestonesCalendar(chosen, {
      now: this.clock.now(),
      origin: this.config.publicUrl ?? originOf(request),
      name: `Treaty Ledger milestones${scope ? ` (${scope})` : ''}`,
    });
  }

  private async ofAgreement(id: string): Promise<MilestoneView[]> {
    const page = await this.queries.execute(new GetAgreementMilestones(id, undefined, 100_000));
    if (!page) throw agreementNotFound(id);
    return page.items;
  }

  private async all(owner: string | undefined): Promise<MilestoneView[]> {
    const items: MilestoneView[] = [];
    for (let after: MilestoneKey | undefined; ;) {
      const page: Page<MilestoneView, MilestoneKey> = await this.queries.execute(
        new ListMilestones({ statuses: CALENDAR_STATUSES, ...(owner ? { owner } : {}) }, PAGE, after),
      );
      items.push(...page.items);
      if (!page.next) return items;
      after = page.next;
    }
  }
}

/** The origin the request came to, when its Host header is a plain host[:port] (it comes from outside). */
function originOf(request: FastifyRequest): string | undefined {
  const host = request.headers.host;
  if (!host || !/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/.test(host)) return undefined;
  return `${request.protocol === 'https' ? 'https' : 'http'}://${host}`;
}
