/** An alliance's story as drafted events, from its rows and memberships, in a stable order. */
import { type AgreementEventType } from '../../agreements/domain/agreement.events.js';
import { byStart, certainlyBefore } from '../../agreements/domain/dates.js';
import { ATOP_FILES, Warnings, type Alliance, type Phase, type SourceRow } from './atop.rows.js';
import { partySetKey, type Membership } from './atop.memberships.js';
import { amendmentSummary, titleOf } from './atop.titles.js';
import { ATOP_ALIASES } from './atop.aliases.data.js';

export const agreementIdOf = (atopid: string) => `atop-${atopid}`;

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
  AgreementEnteredIntoForce: 2,
  PartyAcceded: 3,
  AgreementAmended: 4,
  AgreementWithdrawn: 5,
  AgreementTerminated: 6,
  AgreementLinked: 7,
};

/**
 * ATOP dates an alliance's obligations from its begin date; it records no instrument of entry into
 * force. The entry into force recorded on that date says so in its metadata.
 */
export const ATOP_ENTRY_INTO_FORCE = {
  entryIntoForce: 'ATOP coding: obligations dated from the alliance begin date; no instrument recorded',
};

export interface Draft {
  /** Metadata of its own, beyond the source row's (the entry into force: ATOP's coding). */
  metadata?: Record<string, string>;
  type: AgreementEventType;
  occurredOn: string;
  data: Record<string, unknown>;
  subject: string;
  source: SourceRow;
}

export function draftEvents(
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
  const known = ATOP_ALIASES[a.atopid];
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
        // ATOP's `length` is a minimum duration before a party may leave, not a fixed term;
        // `renewlgt` is the period of automatic renewal.
        ...(initial.termMonths !== undefined ? { denounceableAfterMonths: initial.termMonths } : {}),
        ...(initial.renewalMonths !== undefined ? { renewsEveryMonths: initial.renewalMonths } : {}),
        ...(known ? { aliases: [...known.aliases] } : {}),
        references: [{ series: 'ATOP', number: a.atopid }],
      },
    },
  ];
  if (known?.sameAs !== undefined) {
    drafts.push({
      type: 'AgreementLinked',
      occurredOn: a.begin,
      subject: known.sameAs,
      source: a.row,
      data: { sameAs: known.sameAs, reason: `The treaty ATOP codes as alliance ${a.atopid}` },
    });
  }
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
  drafts.push({
    type: 'AgreementEnteredIntoForce',
    occurredOn: a.begin,
    subject: '',
    source: a.row,
    data: {},
    metadata: ATOP_ENTRY_INTO_FORCE,
  });
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
    const leavesEarly = m.end !== undefined && (a.end === undefined || certainlyBefore(m.end, a.end));
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
    if (certainlyBefore(on, a.begin)) {
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
          ...(p.terms.termMonths !== undefined ? { denounceableAfterMonths: p.terms.termMonths } : {}),
        },
      },
    });
    previous = p.terms;
  }
  if (a.end !== undefined) drafts.push(termination(a, a.end, memberships, successors));
  return drafts
    .map((d, i) => ({ d, i }))
    .sort((x, y) => byStart(x.d.occurredOn, y.d.occurredOn) || RANK[x.d.type]! - RANK[y.d.type]! || x.i - y.i)
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

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}
