import type { AgreementEvent } from './agreement.events.js';
import type { IsoDate, PartyCode, Provision } from './agreement.values.js';
import { addMonths, byStart, latest, passedBy, periodEnd } from './dates.js';

export const OPEN_STATUSES = ['proposed', 'signed', 'in_force', 'suspended'] as const;
export const FINAL_STATUSES = ['withdrawn', 'terminated'] as const;
export const STATUSES = [...OPEN_STATUSES, ...FINAL_STATUSES] as const;
export type OpenStatus = (typeof OPEN_STATUSES)[number];
export type FinalStatus = (typeof FINAL_STATUSES)[number];
export type AgreementStatus = OpenStatus | FinalStatus;

export interface Milestone {
  description: string;
  owner: PartyCode;
  dueOn: IsoDate;
  committedOn: IsoDate;
  metOn?: IsoDate;
  evidence?: string;
}

/**
 * Everything known about an agreement after folding its events. The status read model
 * stores exactly this (plus the stream version), so the decider can load it instead of
 * refolding the stream, and an as-of view folds the same `evolve` and cannot disagree.
 */
export interface Agreement {
  status: AgreementStatus;
  id: string;
  title: string;
  /** Current parties, in the order they joined. */
  parties: PartyCode[];
  formerParties: { party: PartyCode; withdrawnOn: IsoDate; reason?: string }[];
  signatures: Record<PartyCode, IsoDate>;
  ratifications: Record<PartyCode, { instrument: string; on: IsoDate }>;
  accessions: Record<PartyCode, IsoDate>;
  provisions: Provision[];
  objectives: string[];
  /** A fixed term: ends `termMonths` after entry into force (or signature) unless renewed. */
  termMonths?: number;
  /** A minimum duration: a party may denounce the agreement from `denounceableFrom` on. */
  denounceableAfterMonths?: number;
  /** Automatic renewal: the term rolls forward by this much while the agreement stands. */
  renewsEveryMonths?: number;
  /** Derived: the day from which a party may denounce it. */
  denounceableFrom?: IsoDate;
  reviewEveryMonths?: number;
  facilitator?: string;
  /** A framework agreement (general) or one field of cooperation (sector). */
  scope?: 'general' | 'sector';
  /** The names it is known by. */
  aliases?: string[];
  /** Where it is registered or described. */
  references?: { series: string; number?: string; url?: string }[];
  /** Other streams that describe the same treaty (AgreementLinked). */
  sameAs?: { id: string; reason: string }[];
  termsVersion: number;
  proposedOn: IsoDate;
  signedOn?: IsoDate;
  inForceOn?: IsoDate;
  suspendedOn?: IsoDate;
  endedOn?: IsoDate;
  endReason?: string;
  supersededBy?: string;
  termEndsOn?: IsoDate;
  exerciseCount: number;
  lastExercise?: { name: string; startedOn: IsoDate; endedOn?: IsoDate };
  consultationCount: number;
  lastReview?: { on: IsoDate; outcome: string; nextReviewDue?: IsoDate };
  /** Derived: the last review's own due date, else the review cycle from the last review or the start. */
  nextReviewDue?: IsoDate;
  /** Set by AgreementRenewed; otherwise the term end derives from termMonths. */
  renewedUntil?: IsoDate;
  /** Set when a withdrawal takes effect later than it was announced. */
  withdrawalEffectiveOn?: IsoDate;
  /**
   * Notices of withdrawal not yet in effect: until `effectiveOn` the party is still a party and the
   * status stands. They take effect when a view is settled at a date on or after it (`settle`).
   */
  pendingWithdrawals?: PendingWithdrawal[];
  milestones: Record<string, Milestone>;
  /** party → "category:unit" → total amount. */
  contributions: Record<PartyCode, Record<string, number>>;
  /** Reservations, declarations, objections, provisional application and succession, per party. */
  partyActions?: Record<PartyCode, PartyActions>;
  lastEventOn: IsoDate;
}

export interface PendingWithdrawal {
  party: PartyCode;
  noticeOn: IsoDate;
  effectiveOn: IsoDate;
  reason?: string;
}

/** What one party has declared, reserved, objected to or started under the agreement (absent: nothing). */
export interface PartyActions {
  reservations?: {
    reservationId: string;
    text: string;
    articles?: string[];
    madeOn: IsoDate;
    withdrawnOn?: IsoDate;
  }[];
  declarations?: { text: string; madeOn: IsoDate }[];
  objections?: { toParty: PartyCode; reservationId?: string; text: string; madeOn: IsoDate }[];
  provisionallyApplyingSince?: IsoDate;
  /** This party took the predecessor's place by a notification of succession. */
  successorTo?: { predecessor: PartyCode; on: IsoDate };
}

export type AgreementState = { status: 'none' } | Agreement;

export const initialState = (): AgreementState => ({ status: 'none' });

export const isFinal = (status: AgreementState['status']): status is FinalStatus =>
  status === 'withdrawn' || status === 'terminated';

function termEnd(a: Agreement): IsoDate | undefined {
  const start = a.inForceOn ?? a.signedOn;
  return a.termMonths !== undefined && start !== undefined ? addMonths(start, a.termMonths) : undefined;
}

function reviewDue(a: Agreement): IsoDate | undefined {
  const from = a.lastReview?.on ?? a.inForceOn ?? a.signedOn;
  return a.reviewEveryMonths !== undefined && from !== undefined
    ? addMonths(from, a.reviewEveryMonths)
    : undefined;
}

function denounceableFrom(a: Agreement): IsoDate | undefined {
  const start = a.inForceOn ?? a.signedOn;
  return a.denounceableAfterMonths !== undefined && start !== undefined
    ? addMonths(start, a.denounceableAfterMonths)
    : undefined;
}

function withDerivedDates(a: Agreement): Agreement {
  const termEndsOn = a.renewedUntil ?? termEnd(a);
  const nextReviewDue = a.lastReview?.nextReviewDue ?? reviewDue(a);
  const denounceable = denounceableFrom(a);
  if (
    termEndsOn === a.termEndsOn &&
    nextReviewDue === a.nextReviewDue &&
    denounceable === a.denounceableFrom
  ) {
    return a;
  }
  const { termEndsOn: _t, nextReviewDue: _n, denounceableFrom: _d, ...rest } = a;
  return {
    ...rest,
    ...(termEndsOn ? { termEndsOn } : {}),
    ...(nextReviewDue ? { nextReviewDue } : {}),
    ...(denounceable ? { denounceableFrom: denounceable } : {}),
  };
}

const allSigned = (a: Agreement) => a.parties.every((p) => a.signatures[p] !== undefined);
/** When the last current party signed (signatures may be backfilled out of order, at any precision). */
const lastSignature = (a: Agreement) =>
  a.parties.map((p) => a.signatures[p] ?? '').reduce((max, d) => (max === '' ? d : latest(max, d)), '');

/** Pure: the state after one more event. Events are trusted (the decider has checked them). */
export function evolve(state: AgreementState, event: AgreementEvent & { streamId?: string }): AgreementState {
  const next = apply(state, event);
  return next.status === 'none' ? next : withDerivedDates(next);
}

function apply(state: AgreementState, event: AgreementEvent & { streamId?: string }): AgreementState {
  const on = event.occurredOn;
  if (event.type === 'AgreementProposed') {
    const d = event.data;
    return {
      status: 'proposed',
      id: event.streamId ?? '',
      title: d.title,
      parties: [...d.parties],
      formerParties: [],
      signatures: {},
      ratifications: {},
      accessions: {},
      provisions: [...d.provisions],
      objectives: [...(d.objectives ?? [])],
      // Optional fields are absent rather than undefined, so a state survives a JSON round trip unchanged.
      ...(d.termMonths !== undefined ? { termMonths: d.termMonths } : {}),
      ...(d.denounceableAfterMonths !== undefined
        ? { denounceableAfterMonths: d.denounceableAfterMonths }
        : {}),
      ...(d.renewsEveryMonths !== undefined ? { renewsEveryMonths: d.renewsEveryMonths } : {}),
      ...(d.reviewEveryMonths !== undefined ? { reviewEveryMonths: d.reviewEveryMonths } : {}),
      ...(d.facilitator !== undefined ? { facilitator: d.facilitator } : {}),
      ...(d.scope !== undefined ? { scope: d.scope } : {}),
      ...(d.aliases !== undefined ? { aliases: [...d.aliases] } : {}),
      ...(d.references !== undefined ? { references: d.references.map((r) => ({ ...r })) } : {}),
      termsVersion: 1,
      proposedOn: on,
      exerciseCount: 0,
      consultationCount: 0,
      milestones: {},
      contributions: {},
      lastEventOn: on,
    };
  }
  if (state.status === 'none') return state;
  const a: Agreement = { ...state, lastEventOn: latest(state.lastEventOn, on) };

  switch (event.type) {
    case 'AgreementSigned': {
      const next = { ...a, signatures: { ...a.signatures, [event.data.party]: on } };
      if (next.status === 'proposed' && allSigned(next)) {
        return { ...next, status: 'signed', signedOn: lastSignature(next) };
      }
      return next;
    }
    case 'ExerciseHeld': {
      const { name, startedOn, endedOn } = event.data;
      const newer = !a.lastExercise || byStart(startedOn, a.lastExercise.startedOn) >= 0;
      return {
        ...a,
        exerciseCount: a.exerciseCount + 1,
        lastExercise: newer ? { name, startedOn, ...(endedOn ? { endedOn } : {}) } : a.lastExercise,
      };
    }
    case 'ReviewConducted': {
      const { outcome, nextReviewDue } = event.data;
      if (a.lastReview && byStart(on, a.lastReview.on) < 0) return a; // a backfilled older review changes nothing due
      return { ...a, lastReview: { on, outcome, ...(nextReviewDue ? { nextReviewDue } : {}) } };
    }
    case 'AgreementAmended': {
      const c = event.data.changes;
      return {
        ...a,
        termsVersion: a.termsVersion + 1,
        provisions: c.provisions ? [...c.provisions] : a.provisions,
        objectives: c.objectives ? [...c.objectives] : a.objectives,
        ...(c.termMonths !== undefined ? { termMonths: c.termMonths } : {}),
        ...(c.denounceableAfterMonths !== undefined
          ? { denounceableAfterMonths: c.denounceableAfterMonths }
          : {}),
        ...(c.renewsEveryMonths !== undefined ? { renewsEveryMonths: c.renewsEveryMonths } : {}),
        ...(c.reviewEveryMonths !== undefined ? { reviewEveryMonths: c.reviewEveryMonths } : {}),
      };
    }
    case 'AgreementWithdrawn': {
      const { party, reason, effectiveOn } = event.data;
      const effective = effectiveOn ?? on;
      // A notice when it takes effect later than it was given (at the precision each is known).
      if (effective !== on && periodEnd(effective) > periodEnd(on)) {
        // A notice: the party stays until the day it takes effect (settle).
        const notice = { party, noticeOn: on, effectiveOn: effective, ...(reason ? { reason } : {}) };
        return {
          ...a,
          pendingWithdrawals: [...(a.pendingWithdrawals ?? []).filter((w) => w.party !== party), notice],
          withdrawalEffectiveOn: effective,
        };
      }
      const parties = a.parties.filter((p) => p !== party);
      const next: Agreement = {
        ...a,
        parties,
        formerParties: [...a.formerParties, { party, withdrawnOn: effective, ...(reason ? { reason } : {}) }],
      };
      if (parties.length < 2)
        return { ...next, status: 'withdrawn', endedOn: effective, endReason: 'withdrawn' };
      if (next.status === 'proposed' && allSigned(next)) return { ...next, status: 'signed', signedOn: on };
      return next;
    }
    case 'AgreementRatified':
      return {
        ...a,
        ratifications: { ...a.ratifications, [event.data.party]: { instrument: event.data.instrument, on } },
      };
    case 'AgreementEnteredIntoForce':
      return { ...a, status: 'in_force', inForceOn: on };
    case 'PartyAcceded':
      return {
        ...a,
        parties: [...a.parties, event.data.party],
        accessions: { ...a.accessions, [event.data.party]: on },
        signatures: { ...a.signatures, [event.data.party]: on },
      };
    case 'MilestoneCommitted': {
      const { milestoneId, description, owner, dueOn } = event.data;
      return {
        ...a,
        milestones: { ...a.milestones, [milestoneId]: { description, owner, dueOn, committedOn: on } },
      };
    }
    case 'MilestoneMet': {
      const { milestoneId, evidence } = event.data;
      const milestone = a.milestones[milestoneId];
      if (!milestone) return a;
      return {
        ...a,
        milestones: {
          ...a.milestones,
          [milestoneId]: { ...milestone, metOn: on, ...(evidence ? { evidence } : {}) },
        },
      };
    }
    case 'ConsultationHeld':
      return { ...a, consultationCount: a.consultationCount + 1 };
    case 'ContributionRecorded': {
      const { party, category, amount, unit } = event.data;
      const key = `${category}:${unit}`;
      const mine = a.contributions[party] ?? {};
      return {
        ...a,
        contributions: { ...a.contributions, [party]: { ...mine, [key]: (mine[key] ?? 0) + amount } },
      };
    }
    case 'AgreementSuspended':
      return { ...a, status: 'suspended', suspendedOn: on };
    case 'AgreementResumed': {
      const { suspendedOn: _resumed, ...rest } = a;
      return { ...rest, status: 'in_force' };
    }
    case 'AgreementRenewed':
      return { ...a, renewedUntil: event.data.newTermEndsOn };
    case 'ReservationMade': {
      const { party, text, articles, reservationId } = event.data;
      const made = actionsOf(a, party).reservations ?? [];
      const reservation = {
        reservationId: reservationId ?? `${party}-${made.length + 1}`,
        text,
        ...(articles ? { articles: [...articles] } : {}),
        madeOn: on,
      };
      return withActions(a, party, { reservations: [...made, reservation] });
    }
    case 'ReservationWithdrawn': {
      const { party, reservationId } = event.data;
      const reservations = (actionsOf(a, party).reservations ?? []).map((r) =>
        r.reservationId === reservationId && r.withdrawnOn === undefined ? { ...r, withdrawnOn: on } : r,
      );
      return withActions(a, party, { reservations });
    }
    case 'DeclarationMade': {
      const { party, text } = event.data;
      return withActions(a, party, {
        declarations: [...(actionsOf(a, party).declarations ?? []), { text, madeOn: on }],
      });
    }
    case 'ObjectionMade': {
      const { party, toParty, reservationId, text } = event.data;
      const objection = { toParty, ...(reservationId ? { reservationId } : {}), text, madeOn: on };
      return withActions(a, party, { objections: [...(actionsOf(a, party).objections ?? []), objection] });
    }
    case 'WithdrawalRescinded': {
      const pending = (a.pendingWithdrawals ?? []).filter((w) => w.party !== event.data.party);
      const { pendingWithdrawals: _gone, withdrawalEffectiveOn: _cancelled, ...rest } = a;
      const last = pending
        .map((w) => w.effectiveOn)
        .reduce<string | undefined>((max, d) => (max === undefined ? d : latest(max, d)), undefined);
      return {
        ...rest,
        ...(pending.length > 0 ? { pendingWithdrawals: pending } : {}),
        ...(last !== undefined ? { withdrawalEffectiveOn: last } : {}),
      };
    }
    case 'ProvisionalApplicationStarted':
      return withActions(a, event.data.party, { provisionallyApplyingSince: on });
    case 'SuccessionNotified': {
      // The successor takes the predecessor's place (and its signature and ratification) from that day.
      const { party, predecessor } = event.data;
      const { [predecessor]: signedOn } = a.signatures;
      const { [predecessor]: ratified } = a.ratifications;
      const next: Agreement = {
        ...a,
        parties: a.parties.map((p) => (p === predecessor ? party : p)),
        formerParties: [
          ...a.formerParties,
          { party: predecessor, withdrawnOn: on, reason: `succeeded by ${party}` },
        ],
        ...(signedOn ? { signatures: { ...a.signatures, [party]: signedOn } } : {}),
        ...(ratified ? { ratifications: { ...a.ratifications, [party]: ratified } } : {}),
      };
      return withActions(next, party, { successorTo: { predecessor, on } });
    }
    case 'AgreementLinked': {
      const { sameAs, reason } = event.data;
      return { ...a, sameAs: [...(a.sameAs ?? []).filter((l) => l.id !== sameAs), { id: sameAs, reason }] };
    }
    case 'EventRetracted':
      // A correction changes the views by refolding the stream without the retracted event (liveEvents).
      return state;
    case 'AgreementTerminated':
      return {
        ...a,
        status: 'terminated',
        endedOn: on,
        endReason: event.data.reason,
        ...(event.data.supersededBy ? { supersededBy: event.data.supersededBy } : {}),
      };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * The agreement as it stands on `date`: every notice of withdrawal effective by then has taken
 * effect, in the order of its effective day (the party leaves; under two parties left, the
 * agreement is withdrawn). Pure; the stored state keeps the notices as recorded.
 */
export function settle<S extends AgreementState>(state: S, date: IsoDate): S {
  if (state.status === 'none' || !state.pendingWithdrawals?.length) return state;
  // Only a notice whose whole effective period has passed by the date has certainly taken effect.
  const due = state.pendingWithdrawals.filter((w) => passedBy(w.effectiveOn, date));
  if (due.length === 0) return state;
  const { pendingWithdrawals: all, ...recorded }: Agreement = state;
  const later = (all ?? []).filter((w) => !passedBy(w.effectiveOn, date));
  let next: Agreement = { ...recorded, ...(later.length > 0 ? { pendingWithdrawals: later } : {}) };
  for (const w of [...due].sort((x, y) => byStart(x.effectiveOn, y.effectiveOn))) {
    if (isFinal(next.status)) break;
    const after = apply(next, {
      type: 'AgreementWithdrawn',
      occurredOn: w.effectiveOn,
      data: { party: w.party, ...(w.reason ? { reason: w.reason } : {}) },
    }) as Agreement;
    // It took effect by the calendar: no event was recorded that day.
    next = withDerivedDates({
      ...after,
      lastEventOn: next.lastEventOn,
      withdrawalEffectiveOn: w.effectiveOn,
    });
  }
  return next as S;
}

const actionsOf = (a: Agreement, party: string): PartyActions => a.partyActions?.[party] ?? {};

function withActions(a: Agreement, party: string, change: Partial<PartyActions>): Agreement {
  return { ...a, partyActions: { ...a.partyActions, [party]: { ...actionsOf(a, party), ...change } } };
}

export const fold = (events: Iterable<AgreementEvent & { streamId?: string }>, from = initialState()) => {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
};
