/** Who belonged to an alliance when: each party's membership as continuous stretches. */
import { byStart, certainlyBefore, periodEnd, periodStart } from '../../agreements/domain/dates.js';
import { nextDay } from './atop.dates.js';
import { ATOP_FILES, Warnings, type Alliance, type MemberRow } from './atop.rows.js';
/** One continuous stretch of one party's membership, possibly spanning several rows. */
export interface Membership {
  party: string;
  name: string;
  code: number;
  start: string;
  startRow: MemberRow;
  end?: string;
  endRow: MemberRow;
}

/**
 * Each party's membership as continuous stretches. Rows of the same party (one per phase,
 * or two COW codes with one successor, as 260 and 255 for Germany) that touch or follow on the
 * next day are one stretch. Dates outside the alliance's own span are pulled inside it, with a
 * warning: the alliance-level dates are the reference.
 */
export function membershipsOf(a: Alliance, rows: readonly MemberRow[], warnings: Warnings): Membership[] {
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
    if (certainlyBefore(start, a.begin)) {
      warnings.add(
        m.row,
        'yrent',
        `${who} enters (${start}) before the alliance begins (${a.begin}): taken as ${a.begin}`,
      );
      start = a.begin;
    }
    if (a.end !== undefined) {
      if (certainlyBefore(a.end, start)) {
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
      } else if (certainlyBefore(a.end, end)) {
        warnings.add(
          m.row,
          'yrexit',
          `${who} exits (${end}) after the alliance ends (${a.end}): taken as ${a.end}`,
        );
        end = a.end;
      }
    }
    if (end !== undefined && certainlyBefore(end, start)) {
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
  stretches.sort((x, y) => byStart(x.start, y.start) || x.startRow.row.line - y.startRow.row.line);
  const merged: Membership[] = [];
  for (const s of stretches) {
    const open = merged.findLast((m) => m.party === s.party);
    if (open && (open.end === undefined || periodStart(s.start) <= nextDay(open.end))) {
      if (open.end !== undefined && (s.end === undefined || periodEnd(s.end) > periodEnd(open.end))) {
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
export function successorIndex(
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

export const partySetKey = (date: string, parties: readonly string[]) =>
  `${date}|${[...new Set(parties)].sort().join(',')}`;
