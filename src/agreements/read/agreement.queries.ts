import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../event-store/event-store.port.js';
import type { Page } from './page.js';
import { toPage } from './page.js';
import { CLOCK, todayOf, type Clock } from '../../clock.js';
import { settle } from '../domain/agreement.state.js';
import {
  STATUS_READER,
  viewJson,
  type AgreementFilter,
  type AgreementSummary,
  type AgreementView,
  type AgreementViewJson,
  type StatFilter,
  type StatMeasure,
  type StatusReader,
  type YearCount,
} from './status/status.reader.js';
import type { TimelineItem } from './timeline/timeline.entry.js';
import {
  TIMELINE_READER,
  type TimelineFilter,
  type TimelineKey,
  type TimelineReader,
} from './timeline/timeline.reader.js';

export class GetAgreement extends Query<AgreementViewJson | undefined> {
  constructor(readonly id: string) {
    super();
  }
}

export class ListAgreements extends Query<Page<AgreementSummary, string> & { total: number }> {
  constructor(
    readonly filter: AgreementFilter,
    readonly limit: number,
    readonly after?: string,
  ) {
    super();
  }
}

export class GetTimeline extends Query<Page<TimelineItem, TimelineKey>> {
  constructor(
    readonly filter: TimelineFilter,
    readonly limit: number,
    readonly after?: TimelineKey,
  ) {
    super();
  }
}

/** The raw stream of one agreement, as stored (no upcasting): the audit view. */
export class GetAgreementEvents extends Query<Page<StoredEvent, number>> {
  constructor(
    readonly id: string,
    readonly limit: number,
    readonly afterVersion = 0,
  ) {
    super();
  }
}

@QueryHandler(GetAgreement)
export class GetAgreementHandler implements IQueryHandler<GetAgreement> {
  constructor(
    @Inject(STATUS_READER) private readonly reader: StatusReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The stored status, as it stands today: a notice of withdrawal whose day has come has taken effect. */
  async execute(q: GetAgreement) {
    const view = await this.reader.getJson(q.id);
    if (!view || !view.json.includes('"pendingWithdrawals"')) return view;
    // What viewJson added (version, entryIntoForce) is not state: it is added again to the settled one.
    const {
      version,
      entryIntoForce: _added,
      ...state
    } = JSON.parse(view.json) as AgreementView & {
      entryIntoForce?: string;
    };
    const settled = settle(state, todayOf(this.clock));
    return settled === state ? view : viewJson(JSON.stringify(settled), version);
  }
}

/** Agreements signed, or in force, per year (party and provision filters): the insights chart. */
export class GetAgreementStats extends Query<YearCount[]> {
  constructor(
    readonly measure: StatMeasure,
    readonly filter: StatFilter,
  ) {
    super();
  }
}

@QueryHandler(GetAgreementStats)
export class GetAgreementStatsHandler implements IQueryHandler<GetAgreementStats> {
  constructor(@Inject(STATUS_READER) private readonly reader: StatusReader) {}
  execute(q: GetAgreementStats) {
    return this.reader.perYear(q.measure, q.filter);
  }
}

@QueryHandler(ListAgreements)
export class ListAgreementsHandler implements IQueryHandler<ListAgreements> {
  constructor(@Inject(STATUS_READER) private readonly reader: StatusReader) {}
  execute(q: ListAgreements) {
    return this.reader.list(q.filter, q.limit, q.after);
  }
}

@QueryHandler(GetTimeline)
export class GetTimelineHandler implements IQueryHandler<GetTimeline> {
  constructor(@Inject(TIMELINE_READER) private readonly reader: TimelineReader) {}
  execute(q: GetTimeline) {
    return this.reader.list(q.filter, q.limit, q.after);
  }
}

@QueryHandler(GetAgreementEvents)
export class GetAgreementEventsHandler implements IQueryHandler<GetAgreementEvents> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute(q: GetAgreementEvents) {
    const rows = await this.store.readStream(q.id, {
      fromVersion: q.afterVersion + 1,
      limit: q.limit + 1,
      raw: true,
    });
    return toPage(rows, q.limit, (e) => e.version);
  }
}
