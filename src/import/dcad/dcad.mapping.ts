/**
 * PURE: the DCAD v1.0 table (Kinne 2020: bilateral defense cooperation agreements, 1980–2010) →
 * per agreement, the ordered events that tell what the row says, plus a warning for everything the
 * ledger cannot take as it is. Every planned event has passed the schemas and the decider, as the
 * write side will apply them. The rules:
 *
 * - `DCADv1.0-0042` → agreement `dcad-0042`;
 * - parties from ccode1/ccode2 through the state registry: the ISO code of the state holding the
 *   COW code today (src/import/atop/atop.codes.ts), else the COW historical state `COW-<cowName>`;
 *   a code the registry does not know is a warning and the row is skipped, never guessed;
 * - `AgreementProposed` and both `AgreementSigned` on the signature date, at the precision the row
 *   gives (a blank day leaves the month, a blank month the year: the README says so);
 * - `AgreementEnteredIntoForce` only where `EIFYear` is given, at its precision;
 * - categories → provisions, `type` → scope; a positive `span` a fixed term in years, a positive
 *   `renewYears` automatic renewal; negative values are the codebook's special codes, never numbers:
 *   no term, and one warning per column and code with the count of rows;
 * - `terminated = 1` → `AgreementTerminated` (expired) in the signature year + `durationActual`, or,
 *   where that is not given, in `endYearEstimate` (with a warning), at year precision;
 * - references: the DCAD id, and the UN Treaty Series number where there is one.
 */
import { commandFor } from '../../agreements/domain/agreement.commands.js';
import { decideAll } from '../../agreements/domain/agreement.decider.js';
import { DomainError } from '../../agreements/domain/agreement.errors.js';
import {
  eventDataSchemas,
  type AgreementEventType,
  type EventData,
} from '../../agreements/domain/agreement.events.js';
import { initialState, type AgreementState } from '../../agreements/domain/agreement.state.js';
import type { Provision } from '../../agreements/domain/agreement.values.js';
import { certainlyBefore } from '../../agreements/domain/dates.js';
import { isKnownState, stateName } from '../../agreements/domain/states.js';
import { ISO_BY_COW } from '../atop/atop.codes.js';
import { readAtopDate } from '../atop/atop.dates.js';
import { eventIdFor } from '../event-ids.js';
import { columns, type CsvRecord, type CsvTable } from '../csv.js';
import { Warnings, type ImportPlan, type PlannedEvent, type SourceRow } from '../import-plan.js';

export const DCAD_SOURCE = 'dcad-1.0';
export const DCAD_FILE = 'DCAD-v1.0-main.csv';

export type DcadPlan = ImportPlan;

const PROVISION_OF_CATEGORY: Readonly<Record<string, Provision>> = {
  DCA: 'defense_cooperation',
  DIC: 'defense_industry',
  TREX: 'joint_exercises',
  PROCUREMENT: 'arms_transfer',
  RESEARCH: 'research_and_development',
  COMMISSION: 'defense_commission',
};

/** How a title names an agreement of one field (a framework agreement is a defense cooperation agreement). */
const KIND_OF_CATEGORY: Readonly<Record<string, string>> = {
  DCA: 'defense cooperation agreement',
  DIC: 'defense industry agreement',
  TREX: 'training and exercises agreement',
  PROCUREMENT: 'defense procurement agreement',
  RESEARCH: 'defense research agreement',
  COMMISSION: 'defense commission agreement',
};

const COLUMNS = [
  'DCAid',
  'ccode1',
  'cowName1',
  'ccode2',
  'cowName2',
  'signDay',
  'signMonth',
  'signYear',
  'EIFDay',
  'EIFMonth',
  'EIFYear',
  'type',
  'category1',
  'category2',
  'category3',
  'span',
  'renewYears',
  'terminated',
  'durationActual',
  'endYearEstimate',
  'UNTS',
] as const;
type Column = (typeof COLUMNS)[number];

/** Negative values the codebook uses for "not applicable", "not known" and the like. */
const SPECIAL = /^-\d+$/;

/** One warning per column and special code, with the rows that carry it. */
class SpecialCodes {
  private readonly seen = new Map<string, { field: string; code: string; first: SourceRow; rows: number }>();
  note(source: SourceRow, field: string, code: string): void {
    const key = `${field} ${code}`;
    const entry = this.seen.get(key);
    if (entry) entry.rows++;
    else this.seen.set(key, { field, code, first: source, rows: 1 });
  }
  report(warnings: Warnings, meaning: (field: string) => string): void {
    for (const { field, code, first, rows } of this.seen.values()) {
      warnings.add(
        first,
        field,
        `special code ${code} (the codebook's, not a number) in ${rows} row${rows === 1 ? '' : 's'}, first here: ${meaning(field)}`,
      );
    }
  }
}

const MEANING: Readonly<Record<string, string>> = {
  span: 'no term recorded',
  renewYears: 'no renewal recorded',
  terminated: 'not known whether it ended: no termination recorded',
  durationActual: 'no duration read',
  endYearEstimate: 'no end year read',
};

/** A non-negative whole number, undefined when blank, or 'special' for a codebook code. */
function count(value: string): number | 'special' | 'invalid' | undefined {
  if (value === '') return undefined;
  if (SPECIAL.test(value)) return 'special';
  return /^\d+$/.test(value) ? Number(value) : 'invalid';
}

export function planDcadImport(table: CsvTable, options: { today: string }): DcadPlan {
  const warnings = new Warnings();
  const special = new SpecialCodes();
  const get = columns<Column>(table, COLUMNS);
  const agreements: DcadPlan['agreements'] = [];
  const seen = new Set<string>();
  for (const r of table.records) {
    const row: SourceRow = { file: table.file, line: r.line };
    const planned = planRow(get, r, row, options.today, warnings, special, seen);
    if (planned) agreements.push(planned);
  }
  special.report(warnings, (field) => MEANING[field] ?? 'not read');
  warnings.list.sort((a, b) => a.line - b.line);
  return { agreements, warnings: warnings.list };
}

interface Draft {
  type: AgreementEventType;
  occurredOn: string;
  data: Record<string, unknown>;
  subject: string;
  field: string;
}

function planRow(
  get: (r: CsvRecord, name: Column) => string,
  r: CsvRecord,
  row: SourceRow,
  today: string,
  warnings: Warnings,
  special: SpecialCodes,
  seen: Set<string>,
): DcadPlan['agreements'][number] | undefined {
  const dcaId = get(r, 'DCAid');
  const number = /^DCADv1\.0-(\d{1,10})$/.exec(dcaId)?.[1];
  if (number === undefined) {
    warnings.add(row, 'DCAid', `"${dcaId}" is not a DCAD id (DCADv1.0-0042): row skipped`);
    return undefined;
  }
  const id = `dcad-${number}`;
  if (seen.has(id)) {
    warnings.add(row, 'DCAid', `${dcaId} appears twice: this row skipped`);
    return undefined;
  }
  seen.add(id);

  const parties: string[] = [];
  for (const [codeField, nameField] of [
    ['ccode1', 'cowName1'],
    ['ccode2', 'cowName2'],
  ] as const) {
    const code = get(r, codeField);
    const party = /^\d{1,4}$/.test(code)
      ? (ISO_BY_COW[Number(code)] ?? `COW-${get(r, nameField).toUpperCase()}`)
      : undefined;
    if (party === undefined || !isKnownState(party)) {
      warnings.add(
        row,
        codeField,
        `state code "${code}" (${get(r, nameField) || 'no name'}) is no state the registry knows: row skipped, no state guessed`,
      );
      return undefined;
    }
    parties.push(party);
  }
  if (parties[0] === parties[1]) {
    warnings.add(row, 'ccode2', `both parties are ${parties[0]}: row skipped`);
    return undefined;
  }

  const signed = readAtopDate(
    [get(r, 'signYear'), get(r, 'signMonth'), get(r, 'signDay')],
    ['signYear', 'signMonth', 'signDay'],
    today,
    false,
  );
  if (signed.kind !== 'date') {
    for (const p of signed.kind === 'unusable' ? signed.problems : []) warnings.add(row, p.field, p.message);
    warnings.add(row, 'signYear', 'no usable signature date: row skipped');
    return undefined;
  }
  for (const p of signed.problems) warnings.add(row, p.field, p.message);
  const on = signed.date;

  const categories = (['category1', 'category2', 'category3'] as const)
    .map((field) => ({ field, value: get(r, field) }))
    .filter((c) => c.value !== '');
  const provisions: Provision[] = [];
  for (const { field, value } of categories) {
    const provision = PROVISION_OF_CATEGORY[value];
    if (provision === undefined)
      warnings.add(row, field, `category "${value}" is not one DCAD defines: ignored`);
    else if (!provisions.includes(provision)) provisions.push(provision);
  }
  const type = get(r, 'type');
  const scope = type === 'general' || type === 'sector' ? type : undefined;
  if (scope === undefined && type !== '')
    warnings.add(row, 'type', `type "${type}" is neither general nor sector: no scope recorded`);

  const months = (field: 'span' | 'renewYears'): number | undefined => {
    const value = count(get(r, field));
    if (value === 'special') special.note(row, field, get(r, field));
    else if (value === 'invalid')
      warnings.add(row, field, `"${get(r, field)}" is not a number of years: not read`);
    else if (value !== undefined && value > 0 && value <= 100) return value * 12;
    else if (value !== undefined && value > 100)
      warnings.add(row, field, `${value} years is more than the ledger takes: not read`);
    return undefined;
  };
  const termMonths = months('span');
  const renewsEveryMonths = months('renewYears');
  const unts = get(r, 'UNTS');
  const references = [
    { series: 'DCAD', number: dcaId },
    ...(unts !== '' && !SPECIAL.test(unts) ? [{ series: 'UNTS', number: unts }] : []),
  ];

  const [first, second] = [stateName(parties[0]!), stateName(parties[1]!)];
  const kind =
    scope === 'general'
      ? KIND_OF_CATEGORY['DCA']!
      : (KIND_OF_CATEGORY[categories[0]?.value ?? 'DCA'] ?? KIND_OF_CATEGORY['DCA']!);
  const drafts: Draft[] = [
    {
      type: 'AgreementProposed',
      occurredOn: on,
      subject: '',
      field: 'DCAid',
      data: {
        title: `${first} – ${second} ${kind} (${on.slice(0, 4)})`,
        parties,
        provisions,
        ...(termMonths !== undefined ? { termMonths } : {}),
        ...(renewsEveryMonths !== undefined ? { renewsEveryMonths } : {}),
        ...(scope !== undefined ? { scope } : {}),
        references,
      },
    },
    ...parties.map((party) => ({
      type: 'AgreementSigned' as const,
      occurredOn: on,
      subject: party,
      field: 'signYear',
      data: { party },
    })),
  ];

  if (get(r, 'EIFYear') !== '') {
    const eif = readAtopDate(
      [get(r, 'EIFYear'), get(r, 'EIFMonth'), get(r, 'EIFDay')],
      ['EIFYear', 'EIFMonth', 'EIFDay'],
      today,
      false,
    );
    for (const p of eif.kind === 'none' ? [] : eif.problems) warnings.add(row, p.field, p.message);
    if (eif.kind === 'date') {
      if (certainlyBefore(eif.date, on)) {
        // Both dates as the data gives them; the proposal (which DCAD does not date) goes no later than either.
        warnings.add(
          row,
          'EIFYear',
          `enters into force (${eif.date}) before it is signed (${on}): both recorded as given, the proposal dated ${eif.date}`,
        );
        drafts[0]!.occurredOn = eif.date;
      }
      drafts.push({
        type: 'AgreementEnteredIntoForce',
        occurredOn: eif.date,
        subject: '',
        field: 'EIFYear',
        data: {},
      });
    }
  }

  for (const field of ['durationActual', 'endYearEstimate'] as const) {
    if (count(get(r, field)) === 'special') special.note(row, field, get(r, field));
  }
  const terminated = get(r, 'terminated');
  if (SPECIAL.test(terminated)) special.note(row, 'terminated', terminated);
  if (terminated === '1') {
    const ended = endYear(get, r, row, on, warnings);
    if (ended !== undefined) {
      drafts.push({
        type: 'AgreementTerminated',
        occurredOn: ended,
        subject: '',
        field: 'terminated',
        data: { reason: 'expired' },
      });
    }
  }
  const events = checked(id, drafts, row, today, warnings);
  return events.length > 0 ? { id, events } : undefined;
}

/** The year a terminated agreement ended: signature year + durationActual, else endYearEstimate (warned). */
function endYear(
  get: (r: CsvRecord, name: Column) => string,
  r: CsvRecord,
  row: SourceRow,
  signedOn: string,
  warnings: Warnings,
): string | undefined {
  const duration = count(get(r, 'durationActual'));
  if (typeof duration === 'number') return String(Number(signedOn.slice(0, 4)) + duration).padStart(4, '0');
  const estimate = count(get(r, 'endYearEstimate'));
  if (typeof estimate === 'number' && estimate >= Number(signedOn.slice(0, 4))) {
    warnings.add(
      row,
      'durationActual',
      `terminated with no duration: dated ${estimate}, the last year the data followed it (endYearEstimate), at year precision`,
    );
    return String(estimate);
  }
  warnings.add(
    row,
    'terminated',
    'terminated, but neither durationActual nor endYearEstimate dates it: no termination recorded',
  );
  return undefined;
}

/** The drafts through the schemas and the decider, in order; a refused one is left out with a warning. */
function checked(
  id: string,
  drafts: readonly Draft[],
  row: SourceRow,
  today: string,
  warnings: Warnings,
): PlannedEvent[] {
  let state: AgreementState = initialState();
  const events: PlannedEvent[] = [];
  for (const d of drafts) {
    const parsed = eventDataSchemas[d.type].safeParse(d.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const what = `${d.type}: ${['data', ...issue.path.map(String)].join('.')} ${issue.message}`;
      if (d.type === 'AgreementProposed') {
        warnings.add(row, d.field, `row skipped: ${what}`);
        return [];
      }
      warnings.add(row, d.field, `not recorded: ${what}`);
      continue;
    }
    try {
      const data = parsed.data as EventData<typeof d.type>;
      state = decideAll(
        [commandFor(d.type, { agreementId: id, occurredOn: d.occurredOn, data, today })],
        state,
      ).state;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (d.type === 'AgreementProposed') {
        warnings.add(row, d.field, `row skipped: ${error.code}: ${error.message}`);
        return [];
      }
      warnings.add(
        row,
        d.field,
        `${d.type} on ${d.occurredOn} not recorded: ${error.code}: ${error.message}`,
      );
      continue;
    }
    events.push({
      type: d.type,
      occurredOn: d.occurredOn,
      data: d.data,
      eventId: eventIdFor(`${id}|${d.type}|${d.subject}|${d.occurredOn}`),
      source: row,
    });
  }
  return events;
}
