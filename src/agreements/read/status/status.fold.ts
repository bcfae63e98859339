/** The status read model's pure part: the fold and the rows derived from a state, for both databases. */
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import { evolve, settle, type Agreement, type AgreementState } from '../../domain/agreement.state.js';
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
  for (const { party, withdrawnOn } of state.formerParties)
    rows.set(party, { party, joinedOn: joinedOn(party), leftOn: withdrawnOn });
  for (const party of state.parties) {
    rows.set(party, { party, joinedOn: joinedOn(party), leftOn: leaving.get(party) ?? null });
  }
  return [...rows.values()];
}

/**
 * The day the agreement ends as far as the record knows: its end, or the day pending notices of
 * withdrawal leave fewer than two parties (a list of agreements active on a day counts it until
 * then, as an as-of view of that day does).
 */
export function endsOn(state: Agreement): string | undefined {
  return state.endedOn ?? settle(state, '9999-12-31').endedOn;
}

/** The stored text of a state. */
export const stateJson = (state: Agreement): string => JSON.stringify(state);
