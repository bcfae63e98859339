/** The status read model's pure part: the fold and the rows derived from a state, for both databases. */
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import { evolve, settle, type Agreement, type AgreementState } from '../../domain/agreement.state.js';
import { periodEnd } from '../../domain/dates.js';
import { toAgreementEvent } from '../agreement-events.js';

export interface StatusRow {
  id: string;
  version: number;
  state: string;
}

/** Folds an agreement's events into its status row with the domain's own `evolve`. */
export function projectStatus(state: AgreementState, events: readonly StoredEvent[]): AgreementState {
  let next = state;
  for (const e of events) {
    const event = toAgreementEvent(e);
    if (event) next = evolve(next, event);
  }
  return next;
}

export interface Membership {
  party: string;
  /** The accession date, or the proposal date for an original party. */
  joinedOn: string;
  /** The withdrawal date; null while still a party. */
  leftOn: string | null;
  /** The last days of those dates' periods (a date may be a year or a month). */
  joinedUntil: string;
  leftUntil: string | null;
}

/**
 * One row per party the agreement has ever had. A party that left and acceded again is a
 * current party: its row holds its latest accession and no leaving date.
 */
export function memberships(state: Agreement): Membership[] {
  const rows = new Map<string, Membership>();
  const joinedOn = (party: string) => state.accessions[party] ?? state.proposedOn;
  // A party under a notice of withdrawal leaves on the notice's effective day.
  const leaving = new Map((state.pendingWithdrawals ?? []).map((w) => [w.party, w.effectiveOn]));
  const row = (party: string, leftOn: string | null): Membership => ({
    party,
    joinedOn: joinedOn(party),
    leftOn,
    joinedUntil: joinedBy(state, party),
    leftUntil: leftOn === null ? null : periodEnd(leftOn),
  });
  for (const { party, withdrawnOn } of state.formerParties) rows.set(party, row(party, withdrawnOn));
  for (const party of state.parties) rows.set(party, row(party, leaving.get(party) ?? null));
  return [...rows.values()];
}

/**
 * What the agreement_parties rows of a state hold, as one string: equal keys, equal rows, so a
 * projection writes them only when the key changes (an exercise or a review changes none).
 */
export function membershipsKey(state: AgreementState): string {
  return state.status === 'none' ? '' : JSON.stringify(memberships(state));
}

/**
 * The day by which the party had certainly joined: the end of its joining date's period, or of its
 * signature's if that ends sooner (a party signs only once it is one).
 */
function joinedBy(state: Agreement, party: string): string {
  const joined = periodEnd(state.accessions[party] ?? state.proposedOn);
  const signed = state.signatures[party];
  return signed !== undefined && periodEnd(signed) < joined ? periodEnd(signed) : joined;
}

/**
 * The day the agreement ends as far as the record knows: its end, or the day pending notices of
 * withdrawal leave fewer than two parties (a list of agreements active on a day counts it until
 * then, as an as-of view of that day does).
 */
export function endsOn(state: Agreement): string | undefined {
  return state.endedOn ?? settle(state, '9999-12-31').endedOn;
}

/**
 * The columns a list filters on: when the agreement took effect (signature, else entry into force)
 * and ended, each with the last day of its period: an `activeOn` list counts a date only once its
 * whole period has passed, and counts the rest as uncertain.
 */
export function statusDates(state: Agreement) {
  const activeFrom = state.signedOn ?? state.inForceOn;
  const ended = endsOn(state);
  return {
    signedOn: state.signedOn ?? null,
    inForceOn: state.inForceOn ?? null,
    endedOn: ended ?? null,
    activeUntil: activeFrom === undefined ? null : periodEnd(activeFrom),
    endedUntil: ended === undefined ? null : periodEnd(ended),
  };
}

/** The stored text of a state. */
export const stateJson = (state: Agreement): string => JSON.stringify(state);
