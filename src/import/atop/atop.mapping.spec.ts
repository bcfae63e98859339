import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandFor } from '../../agreements/domain/agreement.commands.js';
import { decideAll } from '../../agreements/domain/agreement.decider.js';
import type { EventData } from '../../agreements/domain/agreement.events.js';
import { readAtopDate } from './atop.dates.js';
import { ATOP_FILES, planAtopImport, type AtopTables, type ImportWarning } from './atop.mapping.js';
import { parseCsv } from '../csv.js';

/*
 * Small hand-written ATOP tables, built column by column as the real files are, so each rule
 * of the mapping can be seen on its own. Dates are written "year-month-day"; a part may be blank.
 */
const TODAY = '2026-11-28';

const STATES: [number, string, string][] = [
  [2, 'USA', 'United States of America'],
  [200, 'UKG', 'United Kingdom'],
  [220, 'FRN', 'France'],
  [255, 'GMY', 'Germany'],
  [260, 'GFR', 'German Federal Republic'],
  [315, 'CZE', 'Czechoslovakia'],
  [316, 'CZR', 'Czech Republic'],
  [360, 'ROM', 'Romania'],
  [713, 'TAW', 'Taiwan'],
  [740, 'JPN', 'Japan'],
];

interface AllianceSpec {
  atopid: number;
  begin: string;
  end?: string;
  members: number[];
  flags?: Partial<Record<'defense' | 'offense' | 'neutral' | 'nonagg' | 'consul', 1>>;
  length?: string;
  renewlgt?: string;
  maxphase?: number;
}

interface MemberSpec {
  atopid: number;
  member: number;
  entry: string;
  exit?: string;
  termmode?: number;
  phase?: number;
}

interface PhaseSpec {
  atopid: number;
  phase: number;
  begin: string;
  flags?: AllianceSpec['flags'];
  length?: string;
}

const FLAGS = ['defense', 'offense', 'neutral', 'nonagg', 'consul'] as const;
const dateCells = (date = '0-0-0') => date.split('-');
const flagCells = (flags: AllianceSpec['flags'] = {}) => FLAGS.map((f) => String(flags[f] ?? 0));
const csv = (file: string, header: string[], rows: string[][]) =>
  parseCsv([header, ...rows].map((r) => r.join(',')).join('\n') + '\n', file);

function tables(alliances: AllianceSpec[], members: MemberSpec[], phases: PhaseSpec[] = []): AtopTables {
  const memColumns = Array.from({ length: 6 }, (_, i) => `mem${i + 1}`);
  return {
    alliances: csv(
      ATOP_FILES.alliances,
      [
        'atopid',
        'begyr',
        'begmo',
        'begday',
        'endyr',
        'endmo',
        'endday',
        'ineffect',
        'maxphase',
        'length',
        'renewlgt',
        ...FLAGS,
        ...memColumns,
      ],
      alliances.map((a) => [
        String(a.atopid),
        ...dateCells(a.begin),
        ...dateCells(a.end),
        a.end ? '0' : '1',
        String(a.maxphase ?? 0),
        a.length ?? '0',
        a.renewlgt ?? '0',
        ...flagCells(a.flags ?? { defense: 1 }),
        ...memColumns.map((_, i) => (a.members[i] === undefined ? '' : String(a.members[i]))),
      ]),
    ),
    members: csv(
      ATOP_FILES.members,
      [
        'atopid',
        'member',
        'yrent',
        'moent',
        'dayent',
        'yrexit',
        'moexit',
        'dayexit',
        'phase',
        'termmode',
        'termcaus',
      ],
      members.map((m) => [
        String(m.atopid),
        String(m.member),
        ...dateCells(m.entry),
        ...dateCells(m.exit),
        String(m.phase ?? 0),
        String(m.exit ? (m.termmode ?? 1) : 0),
        m.exit ? '1' : '0',
      ]),
    ),
    phases: csv(
      ATOP_FILES.phases,
      ['atopid', 'atopidphase', 'phase', 'begyr', 'begmo', 'begday', 'length', 'renewlgt', ...FLAGS],
      phases.map((p) => [
        String(p.atopid),
        `${p.atopid}.${p.phase}`,
        String(p.phase),
        ...dateCells(p.begin),
        p.length ?? '0',
        '0',
        ...flagCells(p.flags ?? { defense: 1 }),
      ]),
    ),
    states: csv(
      ATOP_FILES.states,
      ['StateAbb', 'CCode', 'StateNme'],
      STATES.map(([code, abb, name]) => [abb, String(code), name]),
    ),
  };
}

const plan = (t: AtopTables) => planAtopImport(t, { today: TODAY });
const story = (t: AtopTables, id: string) =>
  plan(t)
    .agreements.find((a) => a.id === id)!
    .events.map((e): [string, string, Record<string, unknown>] => [e.occurredOn, e.type, e.data]);
const warningAt = (warnings: ImportWarning[], file: string, line: number) =>
  warnings.filter((w) => w.file === file && w.line === line);

const US_TAIWAN: AllianceSpec = {
  atopid: 3270,
  begin: '1954-12-2',
  members: [2, 713],
  flags: { defense: 1, nonagg: 1 },
};
const US_TAIWAN_MEMBERS: MemberSpec[] = [
  { atopid: 3270, member: 2, entry: '1954-12-2' },
  { atopid: 3270, member: 713, entry: '1954-12-2' },
];

describe('planAtopImport', () => {
  describe('an alliance still in effect', () => {
    it('is proposed and signed by each founding member on its begin date, in force from that date (ATOP dates the obligations from it), and no more', () => {
      expect(story(tables([US_TAIWAN], US_TAIWAN_MEMBERS), 'atop-3270')).toEqual([
        [
          '1954-12-02',
          'AgreementProposed',
          {
            title: 'United States – Taiwan alliance (1954)',
            parties: ['USA', 'TWN'],
            provisions: ['mutual_defense', 'non_aggression'],
            references: [{ series: 'ATOP', number: '3270' }],
          },
        ],
        ['1954-12-02', 'AgreementSigned', { party: 'USA' }],
        ['1954-12-02', 'AgreementSigned', { party: 'TWN' }],
        ['1954-12-02', 'AgreementEnteredIntoForce', {}],
      ]);
    });

    it('names the row each event comes from: the alliance row for the proposal and signatures, member rows for the rest', () => {
      const t = tables(
        [{ ...US_TAIWAN, members: [2, 713, 740] }],
        [...US_TAIWAN_MEMBERS, { atopid: 3270, member: 740, entry: '1960-1-19', exit: '1970-1-1' }],
      );
      const [agreement] = plan(t).agreements;
      expect(agreement!.events.map((e) => `${e.type} ${e.source.file}:${e.source.line}`)).toEqual([
        'AgreementProposed atop-alliance-level.csv:2',
        'AgreementSigned atop-alliance-level.csv:2',
        'AgreementSigned atop-alliance-level.csv:2',
        'AgreementEnteredIntoForce atop-alliance-level.csv:2',
        'PartyAcceded atop-member-level.csv:4',
        'AgreementWithdrawn atop-member-level.csv:4',
      ]);
    });

    it('maps every obligation flag, the minimum duration (length) and the automatic renewal (renewlgt)', () => {
      const t = tables(
        [
          {
            ...US_TAIWAN,
            flags: { defense: 1, offense: 1, neutral: 1, nonagg: 1, consul: 1 },
            length: '120',
            renewlgt: '60',
          },
        ],
        US_TAIWAN_MEMBERS,
      );
      expect(story(t, 'atop-3270')[0]![2]).toMatchObject({
        provisions: ['mutual_defense', 'offensive_support', 'neutrality', 'non_aggression', 'consultation'],
        denounceableAfterMonths: 120,
        renewsEveryMonths: 60,
      });
      // `length` is a minimum duration, not a fixed term: nothing ends, so nothing falls overdue.
      expect(story(t, 'atop-3270')[0]![2]).not.toHaveProperty('termMonths');
    });

    it('shortens a title with more than three founders to three names and a count', () => {
      const members = [2, 200, 220, 740, 360];
      const t = tables(
        [{ atopid: 3180, begin: '1949-4-4', members }],
        members.map((member) => ({ atopid: 3180, member, entry: '1949-4-4' })),
      );
      expect(story(t, 'atop-3180')[0]![2]).toMatchObject({
        title: 'United States, United Kingdom, France and 2 others alliance (1949)',
      });
    });
  });

  describe('an alliance that ended', () => {
    const ended = (termmode: number) =>
      tables(
        [{ ...US_TAIWAN, end: '1980-1-1' }],
        US_TAIWAN_MEMBERS.map((m) => ({ ...m, exit: '1980-1-1', termmode })),
      );

    it.each([
      [1, 'expired'],
      [3, 'denounced'],
      [4, 'expired'],
    ])('is terminated on its end date (member termmode %i → %s)', (termmode, reason) => {
      expect(story(ended(termmode), 'atop-3270').slice(4)).toEqual([
        ['1980-01-01', 'AgreementTerminated', { reason }],
      ]);
    });

    it('replaced (termmode 2) by an alliance of the same parties beginning that day: superseded by it', () => {
      const t = tables(
        [
          { atopid: 3220, begin: '1951-9-8', end: '1960-1-19', members: [2, 740] },
          { atopid: 3375, begin: '1960-1-19', members: [2, 740] },
        ],
        [
          { atopid: 3220, member: 2, entry: '1951-9-8', exit: '1960-1-19', termmode: 2 },
          { atopid: 3220, member: 740, entry: '1951-9-8', exit: '1960-1-19', termmode: 2 },
          { atopid: 3375, member: 2, entry: '1960-1-19' },
          { atopid: 3375, member: 740, entry: '1960-1-19' },
        ],
      );
      expect(story(t, 'atop-3220').at(-1)).toEqual([
        '1960-01-19',
        'AgreementTerminated',
        { reason: 'superseded', supersededBy: 'atop-3375' },
      ]);
    });
  });

  describe('members joining and leaving', () => {
    const three = (exitOfFrance?: string) =>
      tables(
        [{ atopid: 2000, begin: '1950-1-1', members: [2, 200, 220] }],
        [
          { atopid: 2000, member: 2, entry: '1950-1-1' },
          { atopid: 2000, member: 200, entry: '1950-1-1' },
          {
            atopid: 2000,
            member: 220,
            entry: '1955-6-1',
            ...(exitOfFrance ? { exit: exitOfFrance, termmode: 3 } : {}),
          },
        ],
      );

    it('a member who joins later accedes on its entry date', () => {
      expect(story(three(), 'atop-2000').slice(4)).toEqual([
        ['1955-06-01', 'PartyAcceded', { party: 'FRA' }],
      ]);
    });

    it('a member who leaves before the end withdraws on its exit date', () => {
      expect(story(three('1966-3-7'), 'atop-2000').slice(5)).toEqual([
        [
          '1966-03-07',
          'AgreementWithdrawn',
          { party: 'FRA', reason: 'Left the alliance (ATOP termmode 3, termcaus 1)' },
        ],
      ]);
    });

    it('a bilateral alliance one member leaves ends as withdrawn; its later end date is not recorded, and said so', () => {
      const t = tables(
        [{ ...US_TAIWAN, end: '1980-1-1' }],
        [
          { atopid: 3270, member: 2, entry: '1954-12-2', exit: '1979-1-1', termmode: 3 },
          { atopid: 3270, member: 713, entry: '1954-12-2', exit: '1980-1-1', termmode: 3 },
        ],
      );
      const result = plan(t);
      expect(result.agreements[0]!.events.map((e) => e.type)).toEqual([
        'AgreementProposed',
        'AgreementSigned',
        'AgreementSigned',
        'AgreementEnteredIntoForce',
        'AgreementWithdrawn',
      ]);
      expect(warningAt(result.warnings, ATOP_FILES.alliances, 2)).toEqual([
        expect.objectContaining({
          field: 'endyr',
          message: expect.stringContaining('already ended (withdrawn on 1979-01-01)'),
        }),
      ]);
    });

    it('an alliance that lapses and later has members again is suspended, then resumed, without warnings', () => {
      // Both members exit in 1962; one re-enters in 1995 (as ATOP codes 2340, Saudi Arabia–Yemen).
      const t = tables(
        [US_TAIWAN],
        [
          { atopid: 3270, member: 2, entry: '1954-12-2', exit: '1962-11-6' },
          { atopid: 3270, member: 713, entry: '1954-12-2', exit: '1962-11-6' },
          { atopid: 3270, member: 2, entry: '1995-2-26' },
        ],
      );
      const result = plan(t);
      expect(story(t, 'atop-3270').map(([on, type]) => [on, type])).toEqual([
        ['1954-12-02', 'AgreementProposed'],
        ['1954-12-02', 'AgreementSigned'],
        ['1954-12-02', 'AgreementSigned'],
        ['1954-12-02', 'AgreementEnteredIntoForce'],
        ['1962-11-06', 'AgreementSuspended'],
        ['1995-02-26', 'AgreementResumed'],
      ]);
      expect(result.warnings).toEqual([]);
    });

    it('all members leaving on the same day end it once, without warnings', () => {
      const t = tables(
        [US_TAIWAN],
        US_TAIWAN_MEMBERS.map((m) => ({ ...m, exit: '1979-1-1', termmode: 3 })),
      );
      const result = plan(t);
      expect(result.agreements[0]!.events.map((e) => e.type).slice(4)).toEqual(['AgreementWithdrawn']);
      expect(result.warnings).toEqual([]);
    });

    it('a successor state joining the day after its predecessor left keeps the alliance going', () => {
      const t = tables(
        [{ atopid: 3610, begin: '1968-8-16', members: [315, 360] }],
        [
          { atopid: 3610, member: 315, entry: '1968-8-16', exit: '1992-12-31', termmode: 4 },
          { atopid: 3610, member: 360, entry: '1968-8-16', exit: '1992-12-31', phase: 1 },
          { atopid: 3610, member: 360, entry: '1993-1-1', phase: 2 },
          { atopid: 3610, member: 316, entry: '1993-1-1', phase: 2 },
        ],
      );
      const result = plan(t);
      expect(
        story(t, 'atop-3610')
          .slice(4)
          .map(([on, type, data]) => [on, type, (data as { party: string }).party]),
      ).toEqual([
        ['1993-01-01', 'PartyAcceded', 'CZE'],
        ['1992-12-31', 'AgreementWithdrawn', 'COW-CZE'],
      ]);
      expect(result.warnings).toEqual([]);
    });

    it('two COW codes for one party (260 then 255 for Germany) are one continuous membership', () => {
      const t = tables(
        [{ atopid: 3180, begin: '1949-4-4', members: [2, 200, 260, 255] }],
        [
          { atopid: 3180, member: 2, entry: '1949-4-4' },
          { atopid: 3180, member: 200, entry: '1949-4-4' },
          { atopid: 3180, member: 260, entry: '1954-10-23', exit: '1990-10-3', termmode: 4 },
          { atopid: 3180, member: 255, entry: '1990-10-3' },
        ],
      );
      // (NATO is one of the alliances known by name: linked to the demo's record of the same treaty.)
      expect(story(t, 'atop-3180').slice(4)).toEqual([
        [
          '1949-04-04',
          'AgreementLinked',
          { sameAs: 'north-atlantic-treaty-1949', reason: 'The treaty ATOP codes as alliance 3180' },
        ],
        ['1954-10-23', 'PartyAcceded', { party: 'DEU' }],
      ]);
      expect(story(t, 'atop-3180')[0]![2]).toMatchObject({
        aliases: ['NATO', 'North Atlantic Treaty', 'Washington Treaty'],
      });
    });
  });

  describe('phases', () => {
    const balkan = tables(
      [
        {
          atopid: 3230,
          begin: '1953-2-28',
          end: '1964-4-4',
          members: [200, 220, 360],
          maxphase: 2,
          flags: { defense: 1, nonagg: 1 },
        },
      ],
      [200, 220, 360].flatMap((member) => [
        { atopid: 3230, member, entry: '1953-2-28', exit: '1954-8-9', termmode: 2, phase: 1 },
        { atopid: 3230, member, entry: '1954-8-9', exit: '1964-4-4', termmode: 3, phase: 2 },
      ]),
      [
        { atopid: 3230, phase: 1, begin: '1953-2-28', flags: { nonagg: 1 }, length: '60' },
        { atopid: 3230, phase: 2, begin: '1954-8-9', flags: { defense: 1, nonagg: 1 }, length: '240' },
      ],
    );

    it('the first phase gives the proposed terms; each later phase is an amendment on its begin date', () => {
      const events = story(balkan, 'atop-3230');
      expect(events[0]![2]).toMatchObject({ provisions: ['non_aggression'], denounceableAfterMonths: 60 });
      expect(events.filter(([, type]) => type === 'AgreementAmended')).toEqual([
        [
          '1954-08-09',
          'AgreementAmended',
          {
            summary: 'ATOP phase 2 (3230.2): mutual defense, non-aggression; minimum duration 240 months',
            changes: { provisions: ['mutual_defense', 'non_aggression'], denounceableAfterMonths: 240 },
          },
        ],
      ]);
      expect(events.at(-1)).toEqual(['1964-04-04', 'AgreementTerminated', { reason: 'denounced' }]);
    });

    it('says when the phase file lacks phases the alliance file counts, and when it names an unknown alliance', () => {
      const t = tables([{ ...US_TAIWAN, maxphase: 2 }], US_TAIWAN_MEMBERS, [
        { atopid: 3270, phase: 1, begin: '1954-12-2' },
        { atopid: 9999, phase: 0, begin: '1954-12-2' },
      ]);
      const { warnings } = plan(t);
      expect(warningAt(warnings, ATOP_FILES.alliances, 2)).toEqual([
        expect.objectContaining({ field: 'maxphase' }),
      ]);
      expect(warningAt(warnings, ATOP_FILES.phases, 3)).toEqual([
        expect.objectContaining({ field: 'atopid', message: expect.stringContaining('9999') }),
      ]);
    });
  });

  describe('messy data: a warning naming file, line and field, and the import goes on', () => {
    it('a missing day leaves the date at month precision: no day is invented', () => {
      const t = tables(
        [{ ...US_TAIWAN, begin: '1954-12-', end: '1980-1-' }],
        US_TAIWAN_MEMBERS.map((m) => ({ ...m, entry: '1954-12-', exit: '1980-1-' })),
      );
      const result = plan(t);
      expect(story(t, 'atop-3270').map(([on]) => on)).toEqual([
        '1954-12',
        '1954-12',
        '1954-12',
        '1954-12',
        '1980-01',
      ]);
      expect(warningAt(result.warnings, ATOP_FILES.alliances, 2).map((w) => w.field)).toEqual([
        'begday',
        'endday',
      ]);
      expect(warningAt(result.warnings, ATOP_FILES.members, 3).map((w) => w.field)).toEqual([
        'dayent',
        'dayexit',
      ]);
    });

    it('a state code in no table is not guessed: the membership is left out, reported on its member row', () => {
      const t = tables(
        [{ atopid: 1320, begin: '1874-3-15', members: [220, 8152] }],
        [
          { atopid: 1320, member: 220, entry: '1874-3-15' },
          { atopid: 1320, member: 8152, entry: '1874-3-15' },
        ],
      );
      const result = plan(t);
      // France alone remains: an agreement needs two parties, so the alliance is not imported.
      expect(result.agreements.map((a) => a.id)).not.toContain('atop-1320');
      expect(result.warnings).toEqual([
        {
          file: ATOP_FILES.members,
          line: 3,
          field: 'member',
          message: expect.stringContaining('8152 is in no COW table'),
        },
        {
          file: ATOP_FILES.alliances,
          line: 2,
          field: 'mem2',
          message: 'member 8152 has no row in atop-member-level.csv: not recorded',
        },
        {
          file: ATOP_FILES.alliances,
          line: 2,
          field: 'atopid',
          message: 'alliance not imported: data.parties must name at least two parties',
        },
      ]);
    });

    it('member dates outside the alliance are pulled inside it', () => {
      const t = tables(
        [{ ...US_TAIWAN, end: '1980-1-1' }],
        [
          { atopid: 3270, member: 2, entry: '1954-11-30', exit: '1980-1-1' },
          { atopid: 3270, member: 713, entry: '1954-12-2', exit: '1980-2-1' },
        ],
      );
      const result = plan(t);
      expect(story(t, 'atop-3270').map(([on, type]) => `${on} ${type}`)).toEqual([
        '1954-12-02 AgreementProposed',
        '1954-12-02 AgreementSigned',
        '1954-12-02 AgreementSigned',
        '1954-12-02 AgreementEnteredIntoForce',
        '1980-01-01 AgreementTerminated',
      ]);
      expect(warningAt(result.warnings, ATOP_FILES.members, 2).map((w) => w.field)).toEqual(['yrent']);
      expect(warningAt(result.warnings, ATOP_FILES.members, 3).map((w) => w.field)).toEqual(['yrexit']);
    });

    it('an alliance without a usable begin date is left out, the others are imported', () => {
      const t = tables(
        [
          { ...US_TAIWAN, begin: '-1-1' },
          { atopid: 3375, begin: '1960-1-19', members: [2, 740] },
        ],
        [
          ...US_TAIWAN_MEMBERS,
          { atopid: 3375, member: 2, entry: '1960-1-19' },
          { atopid: 3375, member: 740, entry: '1960-1-19' },
        ],
      );
      const result = plan(t);
      expect(result.agreements.map((a) => a.id)).toEqual(['atop-3375']);
      expect(warningAt(result.warnings, ATOP_FILES.alliances, 2)[0]).toMatchObject({ field: 'begyr' });
    });
  });

  describe('event ids', () => {
    it('are UUIDs, distinct, and the same on every run', () => {
      const ids = () =>
        plan(tables([US_TAIWAN], US_TAIWAN_MEMBERS)).agreements[0]!.events.map((e) => e.eventId);
      const first = ids();
      expect(new Set(first).size).toBe(first.length);
      for (const id of first)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ids()).toEqual(first);
    });
  });
});

describe('readAtopDate', () => {
  const F = ['y', 'm', 'd'] as const;
  it.each([
    [['0', '0', '0'], { kind: 'none' }],
    [['', '', ''], { kind: 'none' }],
    [['1954', '12', '2'], { kind: 'date', date: '1954-12-02', problems: [] }],
    [
      ['1900', '2', '30'],
      { kind: 'date', date: '1900-02', problems: [expect.objectContaining({ field: 'd' })] },
    ],
    [['1844', '', ''], { kind: 'date', date: '1844', problems: [expect.objectContaining({ field: 'm' })] }],
    [['1799', '12', '31'], { kind: 'unusable', problems: [expect.objectContaining({ field: 'y' })] }],
    [['2026', '11', '29'], { kind: 'unusable', problems: [expect.objectContaining({ field: 'y' })] }],
    [['', '5', '1'], { kind: 'unusable', problems: [expect.objectContaining({ field: 'y' })] }],
  ])('%j → %j', (values, expected) => {
    expect(readAtopDate(values as [string, string, string], F, TODAY)).toEqual(expected);
  });
});

describe('planAtopImport on the real ATOP files', () => {
  const folder = join(process.cwd(), 'test/fixtures/atop');
  const real = planAtopImport(
    Object.fromEntries(
      Object.entries(ATOP_FILES).map(([key, file]) => [
        key,
        parseCsv(readFileSync(join(folder, file), 'utf8'), file),
      ]),
    ) as AtopTables,
    { today: TODAY },
  );

  it('plans every alliance of the alliance file whose parties are known states (all but atop-1320)', () => {
    const rows = readFileSync(join(folder, ATOP_FILES.alliances), 'utf8').trim().split('\n').length - 1;
    expect(rows).toBe(745);
    expect(real.agreements).toHaveLength(rows - 1);
    expect(real.agreements.map((a) => a.id)).not.toContain('atop-1320');
  });

  it('plans, for every alliance, a history the decider accepts in full', () => {
    for (const a of real.agreements) {
      const commands = a.events.map((e) =>
        commandFor(e.type, {
          agreementId: a.id,
          occurredOn: e.occurredOn,
          data: e.data as EventData<typeof e.type>,
          today: TODAY,
        }),
      );
      expect(() => decideAll(commands)).not.toThrow();
    }
  });

  it('names a file, a line inside it and a column of that file in every warning', () => {
    const files = Object.fromEntries(
      Object.values(ATOP_FILES).map((file) => {
        const lines = readFileSync(join(folder, file), 'utf8').trim().split('\n');
        return [file, { lines: lines.length, header: lines[0]!.split(',') }];
      }),
    );
    for (const w of real.warnings) {
      const f = files[w.file]!;
      expect(w.line).toBeGreaterThan(1);
      expect(w.line).toBeLessThanOrEqual(f.lines);
      expect(f.header).toContain(w.field);
    }
  });
});
