import { settle, type Agreement, type AgreementStatus } from '../../domain/agreement.state.js';
import { memberships, statusDates } from './status.fold.js';
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
  /** Words of the title, an alias or a reference number, case-insensitive. */
  q?: string;
  /** Imported from this source (the agreement has a reference in its series). */
  source?: AgreementSource;
  /** Signed within this range (a date known to a month or year: its whole period inside it, or with includeUncertain any overlap). */
  signedFrom?: string;
  signedTo?: string;
}

export const AGREEMENT_SOURCES = ['atop', 'dcad'] as const;
export type AgreementSource = (typeof AGREEMENT_SOURCES)[number];
/** The reference series an imported agreement carries. */
export const SOURCE_SERIES: Record<AgreementSource, string> = { atop: 'ATOP', dcad: 'DCAD' };

/**
 * The SQL (with ? placeholders, both dialects) of a signature-date range, on `signed_on` (the date
 * as given: as text, `x <= D` holds when x's period starts by D) and `active_until` (the last day
 * of the signature's period). Inside: the whole period in the range; overlap: any day of it.
 */
export function signedRange(filter: Pick<AgreementFilter, 'signedFrom' | 'signedTo'>) {
  const inside: string[] = ['s.signed_on IS NOT NULL'];
  const insideParams: string[] = [];
  const overlap: string[] = ['s.signed_on IS NOT NULL'];
  const overlapParams: string[] = [];
  if (filter.signedFrom) {
    inside.push('NOT (s.signed_on <= ?)');
    insideParams.push(dayBefore(filter.signedFrom));
    overlap.push('s.active_until >= ?');
    overlapParams.push(filter.signedFrom);
  }
  if (filter.signedTo) {
    inside.push('s.active_until <= ?');
    insideParams.push(filter.signedTo);
    overlap.push('s.signed_on <= ?');
    overlapParams.push(filter.signedTo);
  }
  return {
    inside: { sql: `(${inside.join(' AND ')})`, params: insideParams },
    overlap: { sql: `(${overlap.join(' AND ')})`, params: overlapParams },
  };
}

const dayBefore = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * An agreement's status as JSON text: the stored state with its version added, served
 * without a parse and re-serialisation (the most frequent read of all).
 */
export interface AgreementViewJson {
  json: string;
  version: number;
}

/**
 * The stored state text (a JSON object) with `version` appended, and, for an agreement signed but
 * with no entry into force on record, `entryIntoForce: "not recorded"` (unknown, not "never").
 */
export const viewJson = (state: string, version: number): AgreementViewJson => ({
  json: `${state.slice(0, -1)}${state.includes('"status":"signed"') ? ',"entryIntoForce":"not recorded"' : ''},"version":${version}}`,
  version,
});

export const STAT_MEASURES = ['signed', 'in_force'] as const;
export type StatMeasure = (typeof STAT_MEASURES)[number];
export interface StatFilter {
  party?: string;
  provision?: string;
  /** Imported from this source (its references carry the source's series). */
  source?: AgreementSource;
}
export interface YearCount {
  year: number;
  count: number;
}

/**
 * Per-year counts from the grouped counts SQL gives: `signed` straight from them; `in_force`
 * (in force at some time in the year) as the agreements that entered into force by the year less
 * those that had ended before it, from the first year to `lastYear`.
 */
export function perYear(
  measure: StatMeasure,
  starts: readonly YearCount[],
  ends: readonly YearCount[],
  lastYear: number,
): YearCount[] {
  if (measure === 'signed') return [...starts].sort((a, b) => a.year - b.year);
  if (starts.length === 0) return [];
  const first = Math.min(...starts.map((r) => r.year));
  const last = Math.max(lastYear, ...starts.map((r) => r.year));
  const rows: YearCount[] = [];
  let running = 0;
  for (let year = first; year <= last; year++) {
    running += starts.find((r) => r.year === year)?.count ?? 0;
    running -= ends.find((r) => r.year === year - 1)?.count ?? 0;
    rows.push({ year, count: running });
  }
  return rows;
}

export interface StatusReader {
  get(id: string): Promise<AgreementView | undefined>;
  getJson(id: string): Promise<AgreementViewJson | undefined>;
  /** Agreements signed per year, or in force per year, computed from grouped counts in SQL. */
  perYear(measure: StatMeasure, filter: StatFilter): Promise<YearCount[]>;
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

/** Active on the day by the very columns the SQL filters read (statusDates, memberships). */
function certainlyActive(state: Agreement, day: string, party?: string): boolean {
  const { activeUntil, endedOn } = statusDates(state);
  if (activeUntil === null || activeUntil > day || (endedOn !== null && !(endedOn > day))) return false;
  if (party === undefined) return true;
  const m = memberships(state).find((x) => x.party === party);
  return m !== undefined && m.joinedUntil <= day && (m.leftOn === null || m.leftOn > day);
}
