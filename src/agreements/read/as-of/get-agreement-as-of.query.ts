import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../../event-store/event-store.port.js';
import { fold, settle, type Agreement } from '../../domain/agreement.state.js';
import { toAgreementEvent } from '../agreement-events.js';

export interface AsOf {
  /** Business date: only events that occurred on or before it. */
  asOf?: string;
  /** System time (ISO timestamp): only events recorded by then, so later backfills are ignored. */
  knownAt?: string;
  /** Stream version: only events up to it. */
  version?: number;
}

export type AgreementAsOfView = Agreement & { version: number; asOf: string | null; knownAt: string | null };

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
    const events = (await this.store.readStream(id, { toVersion: version })).filter(
      (e) =>
        (asOf === undefined || e.occurredOn <= asOf) && (knownBy === undefined || e.recordedAt <= knownBy),
    );
    // Notices of withdrawal effective by the as-of day have taken effect; later ones are pending.
    const recorded = fold(events.map(toAgreementEvent).filter((e) => e !== undefined));
    const state = asOf === undefined ? recorded : settle(recorded, asOf);
    if (state.status === 'none') return undefined;
    const last = events[events.length - 1]!;
    return { ...state, version: last.version, asOf: asOf ?? null, knownAt: knownBy ?? null };
  }
}
