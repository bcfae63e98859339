import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../../event-store/event-store.port.js';
import { fold, settle, type Agreement } from '../../domain/agreement.state.js';
import { passedBy, periodEnd, periodStart } from '../../domain/dates.js';
import { liveEvents } from '../../domain/retractions.js';
import { toAgreementEvent } from '../agreement-events.js';

export interface AsOf {
  /** Business date: only events that occurred on or before it. */
  asOf?: string;
  /** System time (ISO timestamp): only events recorded by then, so later backfills are ignored. */
  knownAt?: string;
  /** Stream version: only events up to it. */
  version?: number;
}

export type AgreementAsOfView = Agreement & {
  version: number;
  asOf: string | null;
  knownAt: string | null;
  /** True when the as-of day lies inside the period of an event known only to its month or year. */
  uncertain: boolean;
  /** The ids of those events: each is counted only once its whole period has passed. */
  uncertainEvents: string[];
};

/**
 * The agreement as it stood at a point in business time, system time and/or stream
 * version: the stream folded through the same `evolve` as the status projection, so the
 * two cannot disagree. Undefined when the agreement did not exist at that point.
 */
export class GetAgreementAsOf extends Query<AgreementAsOfView | undefined> {
  constructor(
    readonly id: string,
    readonly at: AsOf,
  ) {
    super();
  }
}

@QueryHandler(GetAgreementAsOf)
export class GetAgreementAsOfHandler implements IQueryHandler<GetAgreementAsOf> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ id, at: { asOf, knownAt, version } }: GetAgreementAsOf) {
    const knownBy = knownAt === undefined ? undefined : new Date(knownAt).toISOString();
    // Corrections known at that point apply whatever the business date: a retracted event never happened.
    const known = liveEvents(
      (await this.store.readStream(id, { toVersion: version })).filter(
        (e) => knownBy === undefined || e.recordedAt <= knownBy,
      ),
    );
    // An event known to a month or a year counts once its whole period has passed; the proposal counts
    // from its period's start (the agreement is then on record, however uncertain the day).
    const events =
      asOf === undefined
        ? known
        : known.filter((e) =>
            e.type === 'AgreementProposed' ? periodStart(e.occurredOn) <= asOf : passedBy(e.occurredOn, asOf),
          );
    const uncertainEvents = asOf === undefined ? [] : undecided(known, asOf);
    // Notices of withdrawal effective by the as-of day have taken effect; later ones are pending.
    const recorded = fold(events.map(toAgreementEvent).filter((e) => e !== undefined));
    const state = asOf === undefined ? recorded : settle(recorded, asOf);
    if (state.status === 'none') return undefined;
    const last = events[events.length - 1]!;
    return {
      ...state,
      version: last.version,
      asOf: asOf ?? null,
      knownAt: knownBy ?? null,
      uncertain: uncertainEvents.length > 0,
      uncertainEvents,
    };
  }
}

/**
 * The events of which it is unknown whether they had happened by the day: those whose period holds
 * it. Every event is dated no earlier than the proposal (the decider sees to it), so the proposal
 * certainly happened by the end of the earliest-ending period of any event in the stream.
 */
function undecided(events: readonly StoredEvent[], day: string): string[] {
  const earliestEnd = events
    .map((e) => periodEnd(e.occurredOn))
    .reduce((a, b) => (b < a ? b : a), '9999-12-31');
  return events
    .filter((e) => {
      const end = e.type === 'AgreementProposed' ? earliestEnd : periodEnd(e.occurredOn);
      return periodStart(e.occurredOn) <= day && day < end;
    })
    .map((e) => e.eventId);
}
