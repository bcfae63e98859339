import { settle, type Agreement, type AgreementStatus } from '../../domain/agreement.state.js';
import { passedBy } from '../../domain/dates.js';
import { joinedBy } from './status.fold.js';
import type { Page } from '../page.js';

export type AgreementView = Agreement & { version: number };

export interface AgreementSummary {
  id: string;
  title: string;
  status: AgreementStatus;
  parties: string[];
  provisions: string[];
  proposedOn: string;
  signedOn?: string;
  inForceOn?: string;
  endedOn?: string;
  lastEventOn: string;
  version: number;
  /** In an `activeOn` list with uncertain ones included: whether it was active that day is not known. */
  uncertain?: true;
}

export interface AgreementFilter {
  party?: string;
  status?: AgreementStatus;
  provision?: string;
  /** Active on that date: all signed (or in force) on or before it, not ended on or before it. */
  activeOn?: string;
  /** With activeOn: also those whose dates, known only to a month or year, leave it open. */
  includeUncertain?: boolean;
  /** Words of the title, case-insensitive. */
  q?: string;
}

/**
 * An agreement's status as JSON text: the stored state with its version added, served
 * without a parse and re-serialisation (the most frequent read of all).
 */
export interface AgreementViewJson {
  json: string;
  version: number;
}

/** The stored state text (a JSON object) with `version` appended. */
export const viewJson = (state: string, version: number): AgreementViewJson => ({
  json: `${state.slice(0, -1)},"version":${version}}`,
  version,
});

export interface StatusReader {
  get(id: string): Promise<AgreementView | undefined>;
  getJson(id: string): Promise<AgreementViewJson | undefined>;
  list(
    filter: AgreementFilter,
    limit: number,
    after?: string,
  ): Promise<Page<AgreementSummary, string> & { total: number }>;
}

export const STATUS_READER = Symbol('StatusReader');

export function summaryOf(view: AgreementView): AgreementSummary {
  return {
    id: view.id,
    title: view.title,
    status: view.status,
    parties: view.parties,
    provisions: view.provisions,
    proposedOn: view.proposedOn,
    ...(view.signedOn ? { signedOn: view.signedOn } : {}),
    ...(view.inForceOn ? { inForceOn: view.inForceOn } : {}),
    ...(view.endedOn ? { endedOn: view.endedOn } : {}),
    lastEventOn: view.lastEventOn,
    version: view.version,
  };
}

/** A list item: the agreement as it stands today, marked when its activity on `activeOn` is uncertain. */
export function listItem(state: Agreement, version: number, today: string, filter: AgreementFilter) {
  const summary = summaryOf({ ...settle(state, today), version });
  const day = filter.activeOn;
  if (!filter.includeUncertain || day === undefined) return summary;
  return certainlyActive(state, day, filter.party) ? summary : { ...summary, uncertain: true as const };
}

/** Active on the day by dates whose whole periods have passed (the rule of the SQL filters). */
function certainlyActive(state: Agreement, day: string, party?: string): boolean {
  const from = state.signedOn ?? state.inForceOn;
  const ended = settle(state, '9999-12-31').endedOn;
  if (from === undefined || !passedBy(from, day) || (ended !== undefined && !(ended > day))) return false;
  if (party === undefined) return true;
  const left =
    state.formerParties.find((f) => f.party === party)?.withdrawnOn ??
    state.pendingWithdrawals?.find((w) => w.party === party)?.effectiveOn;
  return joinedBy(state, party) <= day && (left === undefined || left > day);
}
