import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, todayOf, type Clock } from '../../../clock.js';
import { toPage, type Page } from '../page.js';
import { STATUS_READER, type StatusReader } from '../status/status.reader.js';
import { compareMilestones, milestonesOf, type MilestoneStatus, type MilestoneView } from './milestones.js';
import {
  keyOfMilestone,
  MILESTONES_READER,
  type MilestoneFilter,
  type MilestoneKey,
  type MilestonesReader,
} from './milestones.reader.js';

/** Milestones across agreements, judged against the clock. */
export class ListMilestones extends Query<Page<MilestoneView, MilestoneKey>> {
  constructor(
    readonly filter: MilestoneFilter,
    readonly limit: number,
    readonly after?: MilestoneKey,
  ) {
    super();
  }
}

/** One agreement's milestones, straight from its folded state; undefined when it does not exist. */
export class GetAgreementMilestones extends Query<Page<MilestoneView, MilestoneKey> | undefined> {
  constructor(
    readonly agreementId: string,
    readonly status: MilestoneStatus | undefined,
    readonly limit: number,
    readonly after?: MilestoneKey,
  ) {
    super();
  }
}

@QueryHandler(ListMilestones)
export class ListMilestonesHandler implements IQueryHandler<ListMilestones> {
  constructor(
    @Inject(MILESTONES_READER) private readonly reader: MilestonesReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(q: ListMilestones) {
    return this.reader.list(q.filter, todayOf(this.clock), q.limit, q.after);
  }
}

@QueryHandler(GetAgreementMilestones)
export class GetAgreementMilestonesHandler implements IQueryHandler<GetAgreementMilestones> {
  constructor(
    @Inject(STATUS_READER) private readonly status: StatusReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(q: GetAgreementMilestones) {
    const agreement = await this.status.get(q.agreementId);
    if (!agreement) return undefined;
    const after = q.after;
    const rows = milestonesOf(agreement, todayOf(this.clock)).filter(
      (m) =>
        (q.status === undefined || m.status === q.status) &&
        (after === undefined || compareMilestones(m, after) > 0),
    );
    return toPage(rows.slice(0, q.limit + 1), q.limit, keyOfMilestone);
  }
}
