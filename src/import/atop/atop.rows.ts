import { certainlyBefore } from '../../agreements/domain/dates.js';
import type { Provision } from '../../agreements/domain/agreement.values.js';
import { partyResolver, type CowState, type PartyLookup } from './atop.codes.js';
import { readAtopDate, type DateReading } from './atop.dates.js';
import { columns, type CsvRecord, type CsvTable } from '../csv.js';
import { Warnings, type SourceRow } from '../import-plan.js';

/**
 * Reading the four ATOP tables into typed rows. Every value the data cannot back up (a
 * partial date, a blank term, an unknown state code, a row for an alliance that does not
 * exist) becomes a warning naming the file, the line and the column; the row is kept when
 * a documented rule can repair it, and left out, with a warning, when none can.
 */

export const ATOP_FILES = {
  alliances: 'atop-alliance-level.csv',
  members: 'atop-member-level.csv',
  phases: 'atop-alliancephase-level.csv',
  states: 'cow-country-codes.csv',
} as const;

export type AtopTables = { [K in keyof typeof ATOP_FILES]: CsvTable };

export { formatWarning, Warnings, type ImportWarning, type SourceRow } from '../import-plan.js';

/** ATOP obligation flags → the ledger's provisions. */
const PROVISION_OF_FLAG = [
  ['defense', 'mutual_defense'],
  ['offense', 'offensive_support'],
  ['neutral', 'neutrality'],
  ['nonagg', 'non_aggression'],
  ['consul', 'consultation'],
] as const satisfies readonly (readonly [string, Provision])[];

export interface Terms {
  provisions: Provision[];
  termMonths?: number;
  renewalMonths?: number;
}

export interface Alliance {
  atopid: string;
  row: SourceRow;
  begin: string;
  end?: string;
  maxPhase: number;
  /** COW codes in the order of mem1…mem59, with their column. */
  order: { code: number; column: string }[];
  terms: Terms;
}

export interface MemberRow {
  row: SourceRow;
  code: number;
  lookup: PartyLookup;
  entry: string;
  exit?: string;
  termmode: string;
  termcaus: string;
}

export interface Phase {
  row: SourceRow;
  phase: number;
  label: string;
  begin: string;
  terms: Terms;
}

export interface AtopRows {
  alliances: Alliance[];
  /** Member rows by atopid, in file order. */
  members: Map<string, MemberRow[]>;
  /** Phase rows by atopid, by phase number. */
  phases: Map<string, Phase[]>;
}

export function readAtopRows(tables: AtopTables, warnings: Warnings, today: string): AtopRows {
  const resolve = partyResolver(readStates(tables.states, warnings));
  const alliances = readAlliances(tables.alliances, warnings, today);
  const known = new Set(alliances.map((a) => a.atopid));
  return {
    alliances,
    members: readMembers(tables.members, known, resolve, warnings, today),
    phases: readPhases(tables.phases, known, warnings, today),
  };
}

function readStates(table: CsvTable, warnings: Warnings): CowState[] {
  const get = columns(table, ['StateAbb', 'CCode', 'StateNme']);
  const states: CowState[] = [];
  for (const r of table.records) {
    const code = integer(get(r, 'CCode'));
    if (code === undefined) {
      warnings.add(rowOf(table, r), 'CCode', `"${get(r, 'CCode')}" is not a state code: row ignored`);
      continue;
    }
    states.push({ code, abbreviation: get(r, 'StateAbb'), name: get(r, 'StateNme') });
  }
  return states;
}

const FLAG_COLUMNS = PROVISION_OF_FLAG.map(([flag]) => flag);

function termsOf(
  get: (r: CsvRecord, name: 'length' | 'renewlgt' | (typeof FLAG_COLUMNS)[number]) => string,
  r: CsvRecord,
  source: SourceRow,
  warnings: Warnings,
): Terms {
  const provisions = PROVISION_OF_FLAG.filter(([flag]) => get(r, flag) === '1').map(([, p]) => p);
  const months = (field: 'length' | 'renewlgt', what: string) => {
    const raw = get(r, field);
    const value = integer(raw);
    if (value === undefined || value < 0 || value > 1200) {
      warnings.add(source, field, `"${raw}" is not a number of months: no ${what} recorded`);
      return undefined;
    }
    return value > 0 ? value : undefined;
  };
  // A row whose term columns were never coded says so once, not once per column.
  const uncoded = get(r, 'length') === '' && get(r, 'renewlgt') === '';
  if (uncoded) warnings.add(source, 'length', 'length and renewlgt are blank: no term or renewal recorded');
  const termMonths = uncoded ? undefined : months('length', 'term');
  const renewalMonths = uncoded ? undefined : months('renewlgt', 'renewal period');
  return {
    provisions,
    ...(termMonths !== undefined ? { termMonths } : {}),
    ...(renewalMonths !== undefined ? { renewalMonths } : {}),
  };
}

const DATE_FIELDS = {
  begin: ['begyr', 'begmo', 'begday'],
  end: ['endyr', 'endmo', 'endday'],
  entry: ['yrent', 'moent', 'dayent'],
  exit: ['yrexit', 'moexit', 'dayexit'],
} as const;

/** Reads a date, turning each of its problems into a warning. */
function dateOf(
  get: (r: CsvRecord, name: string) => string,
  r: CsvRecord,
  fields: readonly [string, string, string],
  source: SourceRow,
  warnings: Warnings,
  today: string,
): DateReading {
  const reading = readAtopDate([get(r, fields[0]), get(r, fields[1]), get(r, fields[2])], fields, today);
  if (reading.kind !== 'none') for (const p of reading.problems) warnings.add(source, p.field, p.message);
  return reading;
}

function readAlliances(table: CsvTable, warnings: Warnings, today: string): Alliance[] {
  const memberColumns = table.header.filter((h) => /^mem\d+$/.test(h));
  const get = columns<string>(table, [
    'atopid',
    'ineffect',
    'maxphase',
    'length',
    'renewlgt',
    ...FLAG_COLUMNS,
    ...DATE_FIELDS.begin,
    ...DATE_FIELDS.end,
    ...memberColumns,
  ]);
  const alliances: Alliance[] = [];
  const seen = new Set<string>();
  for (const r of table.records) {
    const row = rowOf(table, r);
    const atopid = get(r, 'atopid');
    if (!/^\d{1,10}$/.test(atopid)) {
      warnings.add(row, 'atopid', `"${atopid}" is not an alliance number: row ignored`);
      continue;
    }
    if (seen.has(atopid)) {
      warnings.add(row, 'atopid', `alliance ${atopid} appears twice: this row ignored`);
      continue;
    }
    seen.add(atopid);
    const begin = dateOf(get, r, DATE_FIELDS.begin, row, warnings, today);
    if (begin.kind !== 'date') {
      if (begin.kind === 'none') warnings.add(row, 'begyr', 'no begin date: alliance not imported');
      else warnings.add(row, 'begyr', 'no usable begin date: alliance not imported');
      continue;
    }
    const end = dateOf(get, r, DATE_FIELDS.end, row, warnings, today);
    const ineffect = get(r, 'ineffect');
    let endDate = end.kind === 'date' ? end.date : undefined;
    if (endDate !== undefined && ineffect === '1') {
      warnings.add(
        row,
        'ineffect',
        `marked in effect but has an end date (${endDate}): the end date is used`,
      );
    }
    if (end.kind === 'none' && ineffect === '0') {
      warnings.add(
        row,
        'endyr',
        'marked as no longer in effect but has no end date: no termination recorded',
      );
    }
    if (endDate !== undefined && certainlyBefore(endDate, begin.date)) {
      warnings.add(
        row,
        'endyr',
        `ends (${endDate}) before it begins (${begin.date}): no termination recorded`,
      );
      endDate = undefined;
    }
    const order = memberColumns.flatMap((column) => {
      const code = integer(get(r, column));
      return code === undefined ? [] : [{ code, column }];
    });
    alliances.push({
      atopid,
      row,
      begin: begin.date,
      ...(endDate !== undefined ? { end: endDate } : {}),
      maxPhase: integer(get(r, 'maxphase')) ?? 0,
      order,
      terms: termsOf(get, r, row, warnings),
    });
  }
  return alliances;
}

function readMembers(
  table: CsvTable,
  known: ReadonlySet<string>,
  resolve: (code: number) => PartyLookup,
  warnings: Warnings,
  today: string,
): Map<string, MemberRow[]> {
  const get = columns<string>(table, [
    'atopid',
    'member',
    'termmode',
    'termcaus',
    ...DATE_FIELDS.entry,
    ...DATE_FIELDS.exit,
  ]);
  const byAlliance = new Map<string, MemberRow[]>();
  for (const r of table.records) {
    const row = rowOf(table, r);
    const atopid = get(r, 'atopid');
    if (!known.has(atopid)) {
      warnings.add(row, 'atopid', `alliance ${atopid} is not in ${ATOP_FILES.alliances}: row ignored`);
      continue;
    }
    const code = integer(get(r, 'member'));
    if (code === undefined) {
      warnings.add(row, 'member', `"${get(r, 'member')}" is not a state code: row ignored`);
      continue;
    }
    const lookup = resolve(code);
    if (!lookup.known) {
      // A party must be a known state: the membership is left out rather than a state guessed.
      warnings.add(
        row,
        'member',
        `state code ${code} is in no COW table (${ATOP_FILES.states}): membership not recorded, no state guessed`,
      );
      continue;
    }
    const entry = dateOf(get, r, DATE_FIELDS.entry, row, warnings, today);
    if (entry.kind !== 'date') {
      warnings.add(row, 'yrent', `no usable entry date: membership of ${lookup.party} not recorded`);
      continue;
    }
    const exit = dateOf(get, r, DATE_FIELDS.exit, row, warnings, today);
    if (exit.kind === 'unusable') {
      warnings.add(row, 'yrexit', `no usable exit date: membership of ${lookup.party} not recorded`);
      continue;
    }
    const member: MemberRow = {
      row,
      code,
      lookup,
      entry: entry.date,
      ...(exit.kind === 'date' ? { exit: exit.date } : {}),
      termmode: get(r, 'termmode'),
      termcaus: get(r, 'termcaus'),
    };
    const list = byAlliance.get(atopid);
    if (list) list.push(member);
    else byAlliance.set(atopid, [member]);
  }
  return byAlliance;
}

function readPhases(
  table: CsvTable,
  known: ReadonlySet<string>,
  warnings: Warnings,
  today: string,
): Map<string, Phase[]> {
  const get = columns<string>(table, [
    'atopid',
    'atopidphase',
    'phase',
    'length',
    'renewlgt',
    ...FLAG_COLUMNS,
    ...DATE_FIELDS.begin,
  ]);
  const byAlliance = new Map<string, Phase[]>();
  for (const r of table.records) {
    const row = rowOf(table, r);
    const atopid = get(r, 'atopid');
    if (!known.has(atopid)) {
      warnings.add(row, 'atopid', `alliance ${atopid} is not in ${ATOP_FILES.alliances}: phase ignored`);
      continue;
    }
    const phase = integer(get(r, 'phase'));
    if (phase === undefined) {
      warnings.add(row, 'phase', `"${get(r, 'phase')}" is not a phase number: phase ignored`);
      continue;
    }
    const begin = dateOf(get, r, DATE_FIELDS.begin, row, warnings, today);
    if (begin.kind !== 'date') {
      warnings.add(row, 'begyr', 'no usable begin date: phase ignored');
      continue;
    }
    const p: Phase = {
      row,
      phase,
      label: get(r, 'atopidphase'),
      begin: begin.date,
      terms: termsOf(get, r, row, warnings),
    };
    const list = byAlliance.get(atopid);
    if (list) list.push(p);
    else byAlliance.set(atopid, [p]);
  }
  for (const list of byAlliance.values()) list.sort((x, y) => x.phase - y.phase || x.row.line - y.row.line);
  return byAlliance;
}

function rowOf(table: CsvTable, r: CsvRecord): SourceRow {
  return { file: table.file, line: r.line };
}

export function integer(value: string): number | undefined {
  return /^-?\d+$/.test(value) ? Number(value) : undefined;
}
