import { commandFor } from '../../agreements/domain/agreement.commands.js';
import { decideAll } from '../../agreements/domain/agreement.decider.js';
import { DomainError } from '../../agreements/domain/agreement.errors.js';
import {
  eventDataSchemas,
  type AgreementEventType,
  type EventData,
} from '../../agreements/domain/agreement.events.js';
import { initialState, isFinal, type AgreementState } from '../../agreements/domain/agreement.state.js';
import type { Provision } from '../../agreements/domain/agreement.values.js';
import type { EventInput } from '../../agreements/write/record-agreement-events.command.js';
import { nextDay } from './atop.dates.js';
import { eventIdFor } from './atop.ids.js';
import {
  ATOP_FILES,
  readAtopRows,
  Warnings,
  type Alliance,
  type AtopTables,
  type ImportWarning,
  type MemberRow,
  type Phase,
  type SourceRow,
  type Terms,
} from './atop.rows.js';

export {
  ATOP_FILES,
  formatWarning,
  type AtopTables,
  type ImportWarning,
  type SourceRow,
} from './atop.rows.js';

/**
 * PURE: the four ATOP tables → per alliance, the ordered events that tell its story, plus a
 * warning for everything in the data the ledger cannot take as it is. Every planned event
 * has already passed the same schema and decider the write side applies, so recording the
 * plan cannot be refused (unless someone else wrote to the same agreements meanwhile).
 */

export const ATOP_SOURCE = 'atop-4.01';

export interface PlannedEvent extends EventInput {
  eventId: string;
  occurredOn: string;
  /** The row this event comes from: recorded in the event's metadata. */
  source: SourceRow;
}

export interface PlannedAgreement {
  id: string;
  atopid: string;
  events: PlannedEvent[];
}

export interface AtopPlan {
  agreements: PlannedAgreement[];
  warnings: ImportWarning[];
}

/**
 * Member-level `termmode` → why the alliance ended. The dataset README does not define
 * the codes; these three are read off well-known cases (1: 3200 Sino-Soviet treaty lapsed at
 * the end of its term; 2: 3220 US–Japan 1951 replaced by 3375; 3: 3270 US–Taiwan abrogated by
 * the US). Other codes get the default, 'expired'.
 */
const REASON_OF_TERMMODE: Readonly<Record<string, 'expired' | 'superseded' | 'denounced'>> = {
  '1': 'expired',
  '2': 'superseded',
  '3': 'denounced',
};

/** Stable order of events on the same day. */
const RANK: Partial<Record<AgreementEventType, number>> = {
  AgreementProposed: 0,
  AgreementSigned: 1,
  PartyAcceded: 2,
  AgreementAmended: 3,
  AgreementWithdrawn: 4,
  AgreementTerminated: 5,
};

/** One continuous stretch of one party's membership, possibly spanning several rows. */
interface Membership {
  party: string;
  name: string;
  code: number;
  start: string;
  startRow: MemberRow;
  end?: string;
  endRow: MemberRow;
}

interface Draft {
  type: AgreementEventType;
  occurredOn: string;
  data: Record<string, unknown>;
  subject: string;
  source: SourceRow;
}

export function planAtopImport(tables: AtopTables, options: { today: string }): AtopPlan {
  const warnings = new Warnings();
  const { today } = options;
  const { alliances, members, phases } = readAtopRows(tables, warnings, today);

  // First pass: who belonged when, so a successor can be found for a replaced alliance.
  const memberships = new Map<string, Membership[]>();
  for (const a of alliances) {
    memberships.set(a.atopid, membershipsOf(a, members.get(a.atopid) ?? [], warnings));
  }
  const successors = successorIndex(alliances, memberships);

  const agreements: PlannedAgreement[] = [];
  for (const a of alliances) {
    const drafts = draftEvents(
      a,
      memberships.get(a.atopid)!,
      phases.get(a.atopid) ?? [],
      successors,
      warnings,
    );
    const id = agreementIdOf(a.atopid);
    const events = checked(id, drafts, today, warnings);
    if (events.length > 0) agreements.push({ id, atopid: a.atopid, events });
  }
  return { agreements, warnings: warnings.list };
}

export const agreementIdOf = (atopid: string) => `atop-${atopid}`;

// ---------------------------------------------------------------------------------------------
// Memberships

/**
 * Each party's membership as continuous stretches. Rows of the same party (one per phase,
 * or two COW codes with one successor, as 260 and 255 for Germany) that touch or follow on the
 * next day are one stretch. Dates outside the alliance's own span are pulled inside it, with a
 * warning: the alliance-level dates are the reference.
 */
function membershipsOf(a: Alliance, rows: readonly MemberRow[], warnings: Warnings): Membership[] {
  if (rows.length === 0) {
    warnings.add(a.row, 'atopid', `alliance ${a.atopid} has no rows in ${ATOP_FILES.members}`);
  }
  const listed = new Set(rows.map((m) => m.code));
  for (const { code, column } of a.order) {
    if (!listed.has(code)) {
      warnings.add(a.row, column, `member ${code} has no row in ${ATOP_FILES.members}: not recorded`);
    }
  }
  const stretches: Membership[] = [];
  for (const m of rows) {
    let start = m.entry;
    let end = m.exit;
    const who = `${m.lookup.party} (COW ${m.code})`;
    if (start < a.begin) {
      warnings.add(
        m.row,
        'yrent',
        `${who} enters (${start}) before the alliance begins (${a.begin}): taken as ${a.begin}`,
      );
      start = a.begin;
    }
    if (a.end !== undefined) {
      if (start > a.end) {
        warnings.add(
          m.row,
          'yrent',
          `${who} enters (${start}) after the alliance ends (${a.end}): not recorded`,
        );
        continue;
      }
      if (end === undefined) {
        warnings.add(
          m.row,
          'yrexit',
          `${who} has no exit date but the alliance ended ${a.end}: taken as ${a.end}`,
        );
        end = a.end;
      } else if (end > a.end) {
        warnings.add(
          m.row,
          'yrexit',
          `${who} exits (${end}) after the alliance ends (${a.end}): taken as ${a.end}`,
        );
        end = a.end;
      }
    }
    if (end !== undefined && end < start) {
      warnings.add(m.row, 'yrexit', `${who} exits (${end}) before it enters (${start}): not recorded`);
      continue;
    }
    stretches.push({
      party: m.lookup.party,
      name: m.lookup.name,
      code: m.code,
      start,
      startRow: m,
      ...(end !== undefined ? { end } : {}),
      endRow: m,
    });
  }
  stretches.sort((x, y) => x.start.localeCompare(y.start) || x.startRow.row.line - y.startRow.row.line);
  const merged: Membership[] = [];
  for (const s of stretches) {
    const open = merged.findLast((m) => m.party === s.party);
    if (open && (open.end === undefined || s.start <= nextDay(open.end))) {
      if (open.end !== undefined && (s.end === undefined || s.end > open.end)) {
        if (s.end === undefined) delete open.end;
        else open.end = s.end;
        open.endRow = s.endRow;
      }
      continue;
    }
    merged.push({ ...s });
  }
  return merged;
}

/** Alliances by begin date and founding parties, to name the successor of a replaced one. */
function successorIndex(
  alliances: readonly Alliance[],
  memberships: ReadonlyMap<string, Membership[]>,
): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const a of alliances) {
    const founders = memberships.get(a.atopid)!.filter((m) => m.start === a.begin);
    const key = partySetKey(
      a.begin,
      founders.map((m) => m.party),
    );
    index.set(key, [...(index.get(key) ?? []), a.atopid]);
  }
  return index;
}

const partySetKey = (date: string, parties: readonly string[]) =>
  `${date}|${[...new Set(parties)].sort().join(',')}`;

// ---------------------------------------------------------------------------------------------
// Events

function draftEvents(
  a: Alliance,
  memberships: readonly Membership[],
  phases: readonly Phase[],
  successors: ReadonlyMap<string, string[]>,
  warnings: Warnings,
): Draft[] {
  const rank = (code: number) => {
    const i = a.order.findIndex((o) => o.code === code);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const founders = memberships
    .filter((m) => m.start === a.begin)
    .sort((x, y) => rank(x.code) - rank(y.code) || x.startRow.row.line - y.startRow.row.line);
  const [first, ...later] = phases;
  const initial = first?.terms ?? a.terms;
  if (a.maxPhase > 1 && phases.length < a.maxPhase) {
    warnings.add(
      a.row,
      'maxphase',
      `${a.maxPhase} phases here, ${phases.length} in ${ATOP_FILES.phases}: the missing phases are not recorded as amendments`,
    );
  }
  if (first && first.begin !== a.begin) {
    warnings.add(
      first.row,
      'begyr',
      `the first phase begins ${first.begin}, the alliance ${a.begin}: its terms are recorded from ${a.begin}`,
    );
  }

  const drafts: Draft[] = [
    {
      type: 'AgreementProposed',
      occurredOn: a.begin,
      subject: '',
      source: a.row,
      data: {
        title: titleOf(founders, a.begin),
        parties: founders.map((m) => m.party),
        provisions: initial.provisions,
        ...(initial.termMonths !== undefined ? { termMonths: initial.termMonths } : {}),
        ...renewalNote(initial),
      },
    },
  ];
  // The signatures come from the alliance row too: its begin date is the signature date and
  // mem1…memN name the members. One row, one command: the proposal and its signatures commit together.
  for (const m of founders) {
    drafts.push({
      type: 'AgreementSigned',
      occurredOn: a.begin,
      subject: m.party,
      source: a.row,
      data: { party: m.party },
    });
  }
  for (const m of memberships) {
    if (m.start !== a.begin) {
      drafts.push({
        type: 'PartyAcceded',
        occurredOn: m.start,
        subject: m.party,
        source: m.startRow.row,
        data: { party: m.party },
      });
    }
    const leavesEarly = m.end !== undefined && (a.end === undefined || m.end < a.end);
    if (leavesEarly) {
      drafts.push({
        type: 'AgreementWithdrawn',
        occurredOn: m.end!,
        subject: m.party,
        source: m.endRow.row,
        data: {
          party: m.party,
          reason: `Left the alliance (ATOP termmode ${m.endRow.termmode || 'blank'}, termcaus ${m.endRow.termcaus || 'blank'})`,
        },
      });
    }
  }
  let previous = initial;
  for (const p of later) {
    let on = p.begin;
    if (on < a.begin) {
      warnings.add(
        p.row,
        'begyr',
        `phase ${p.phase} begins (${on}) before the alliance (${a.begin}): taken as ${a.begin}`,
      );
      on = a.begin;
    }
    drafts.push({
      type: 'AgreementAmended',
      occurredOn: on,
      subject: `phase-${p.phase}`,
      source: p.row,
      data: {
        summary: amendmentSummary(p, previous),
        changes: {
          provisions: p.terms.provisions,
          ...(p.terms.termMonths !== undefined ? { termMonths: p.terms.termMonths } : {}),
        },
      },
    });
    previous = p.terms;
  }
  if (a.end !== undefined) drafts.push(termination(a, a.end, memberships, successors));
  return drafts
    .map((d, i) => ({ d, i }))
    .sort(
      (x, y) =>
        x.d.occurredOn.localeCompare(y.d.occurredOn) || RANK[x.d.type]! - RANK[y.d.type]! || x.i - y.i,
    )
    .map(({ d }) => d);
}

/**
 * The end of an alliance no longer in effect. Why it ended comes from the `termmode` of the
 * members leaving on that day; a replaced alliance names its successor when exactly one
 * alliance of the same parties begins that day (3220 US–Japan 1951 → 3375).
 */
function termination(
  a: Alliance,
  end: string,
  memberships: readonly Membership[],
  successors: ReadonlyMap<string, string[]>,
): Draft {
  const leaving = memberships.filter((m) => m.end === end);
  const modes = leaving.map((m) => m.endRow.termmode).filter((t) => t !== '' && t !== '0');
  const reason = REASON_OF_TERMMODE[mostCommon(modes) ?? ''] ?? 'expired';
  const key = partySetKey(
    end,
    leaving.map((m) => m.party),
  );
  const next = reason === 'superseded' ? (successors.get(key) ?? []).filter((id) => id !== a.atopid) : [];
  return {
    type: 'AgreementTerminated',
    occurredOn: end,
    subject: '',
    source: a.row,
    data: { reason, ...(next.length === 1 ? { supersededBy: agreementIdOf(next[0]!) } : {}) },
  };
}

/** "United States – Japan alliance (1960)"; more than three founders: the first three and a count. */
export function titleOf(founders: readonly { name: string }[], begin: string): string {
  const names = [...new Set(founders.map((f) => f.name))];
  const year = begin.slice(0, 4);
  const who =
    names.length <= 3 ? names.join(' – ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} others`;
  const title = `${who} alliance (${year})`;
  return title.length <= 300 ? title : `${title.slice(0, 280)}… alliance (${year})`;
}

function renewalNote(terms: Terms): { objectives?: string[] } {
  return terms.renewalMonths !== undefined
    ? { objectives: [`Renewal period: ${terms.renewalMonths} months (ATOP renewlgt)`] }
    : {};
}

const PROVISION_TEXT: Partial<Record<Provision, string>> = { non_aggression: 'non-aggression' };
const provisionText = (list: readonly Provision[]) =>
  list.length === 0
    ? 'no listed obligations'
    : list.map((p) => PROVISION_TEXT[p] ?? p.replace(/_/g, ' ')).join(', ');

function amendmentSummary(p: Phase, before: Terms): string {
  const term = p.terms.termMonths !== undefined ? `; term ${p.terms.termMonths} months` : '';
  const same =
    p.terms.provisions.join() === before.provisions.join() && p.terms.termMonths === before.termMonths;
  const note = same ? ' (provisions and term unchanged; other clauses or members changed)' : '';
  return `ATOP phase ${p.phase} (${p.label}): ${provisionText(p.terms.provisions)}${term}${note}`;
}

// ---------------------------------------------------------------------------------------------
// Checking against the domain

/**
 * Runs the drafts through the event schemas and the decider, as the write side will. A
 * refused event is left out with a warning naming its row; what the domain makes moot is left
 * out silently: once fewer than two parties remain the agreement has ended (withdrawn), so the
 * other members leaving that same day, or an end date on that day, add nothing.
 */
function checked(id: string, drafts: readonly Draft[], today: string, warnings: Warnings): PlannedEvent[] {
  let state: AgreementState = initialState();
  const events: PlannedEvent[] = [];
  const queue = [...drafts];
  for (let i = 0; i < queue.length; i++) {
    const d = queue[i]!;
    const parsed = eventDataSchemas[d.type].safeParse(d.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = ['data', ...issue.path.map(String)].join('.');
      if (d.type === 'AgreementProposed') {
        warnings.add(d.source, field, `alliance not imported: ${field} ${issue.message}`);
        return [];
      }
      warnings.add(d.source, field, `${d.type} on ${d.occurredOn} not recorded: ${field} ${issue.message}`);
      continue;
    }
    const data = parsed.data as EventData<typeof d.type>;
    try {
      const command = commandFor(d.type, { agreementId: id, occurredOn: d.occurredOn, data, today });
      const next = decideAll([command], state).state;
      const successors =
        d.type === 'AgreementWithdrawn' && next.status === 'withdrawn' ? joinersAfter(queue, i) : 0;
      if (successors > 0) {
        queue.splice(i, 1);
        queue.splice(i + successors, 0, d);
        i--;
        continue;
      }
      state = next;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (moot(state, d)) continue;
      const why =
        state.status !== 'none' && isFinal(state.status)
          ? `the agreement had already ended (${state.status} on ${state.endedOn ?? '?'})`
          : `${error.code}: ${error.message}`;
      warnings.add(d.source, fieldOf(d), `${describe(d)} not recorded: ${why}`);
      continue;
    }
    events.push({
      type: d.type,
      occurredOn: d.occurredOn,
      data: d.data,
      eventId: eventIdFor(`${id}|${d.type}|${d.subject}|${d.occurredOn}`),
      source: d.source,
    });
  }
  return events;
}

/**
 * How many accessions follow the draft at `i` on its day or the next. A state that breaks up
 * leaves on one day and its successors join the next (Czechoslovakia left on 1992-12-31, the
 * Czech Republic and Slovakia joined on 1993-01-01): recording that departure after them keeps
 * the alliance from ending in between. The events keep their own dates.
 */
function joinersAfter(queue: readonly Draft[], i: number): number {
  const until = nextDay(queue[i]!.occurredOn);
  let last = 0;
  for (let j = i + 1; j < queue.length && queue[j]!.occurredOn <= until; j++) {
    if (queue[j]!.type === 'PartyAcceded') last = j - i;
  }
  return last;
}

function moot(state: AgreementState, d: Draft): boolean {
  return (
    state.status === 'withdrawn' &&
    state.endedOn === d.occurredOn &&
    (d.type === 'AgreementWithdrawn' || d.type === 'AgreementTerminated')
  );
}

function fieldOf(d: Draft): string {
  switch (d.type) {
    case 'AgreementWithdrawn':
      return 'yrexit';
    case 'PartyAcceded':
    case 'AgreementSigned':
      return 'yrent';
    case 'AgreementTerminated':
      return 'endyr';
    default:
      return 'begyr';
  }
}

function describe(d: Draft): string {
  const party = typeof d.data.party === 'string' ? ` of ${d.data.party}` : '';
  return `${d.type}${party} on ${d.occurredOn}`;
}

// ---------------------------------------------------------------------------------------------

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}
