import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../src/import/csv.js';
import { importDcadFolder, runDcadImport } from '../../src/import/dcad/dcad.importer.js';
import type { ImportSummary } from '../../src/import/record-plan.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/*
 * DCAD (Kinne 2020) imported through the running application, on SQLite and PostgreSQL, from a cut
 * of the real file (test/fixtures/dcad: its lines kept as they are). Expected values are read from
 * the CSV here, never from the importer's own output.
 */
const FOLDER = join(process.cwd(), 'test/fixtures/dcad');
/** The fixture's rows as objects (the project's RFC 4180 reader: some fields are quoted and hold commas). */
const rows = (() => {
  const table = parseCsv(readFileSync(join(FOLDER, 'DCAD-v1.0-main.csv'), 'utf8'), 'DCAD-v1.0-main.csv');
  return table.records.map((r) =>
    Object.fromEntries(table.header.map((name, j) => [name, r.values[j] ?? ''])),
  );
})();
const idOf = (r: Record<string, string>) => `dcad-${r['DCAid']!.split('-')[1]}`;
/** A row with the same state twice cannot be an agreement between two states: skipped with a warning. */
const usable = rows.filter((r) => r['ccode1'] !== r['ccode2']);

let running: RunningApp;
let http: ReturnType<typeof api>;
let first: ImportSummary;
let second: ImportSummary;

beforeAll(async () => {
  running = await startApp();
  http = api(running.url);
  first = await runDcadImport(running.app, FOLDER);
  second = await runDcadImport(running.app, FOLDER);
});
afterAll(async () => {
  await running?.close();
});

const ids = async (query: string) =>
  ((await http.get(`/api/agreements?${query}&limit=1000`)).body.items as { id: string }[])
    .map((a) => a.id)
    .sort();

describe('npm run import:dcad on a cut of the real file', () => {
  it('imports every row between two states, and skips the one with the same state twice, with a warning', () => {
    expect(first.failures).toEqual([]);
    expect(first.agreements).toBe(usable.length);
    expect(rows.length - usable.length).toBe(1);
    expect(first.warnings.some((w) => w.field === 'ccode2' && /same|both parties/.test(w.message))).toBe(
      true,
    );
  });

  it('a second run records nothing', () => {
    expect(second).toMatchObject({ events: 0, retracted: 0, skipped: usable.length, failures: [] });
  });

  it('dates the signature at the precision of the row, and names every party from the registry', async () => {
    const states = new Map(
      ((await http.get('/api/states')).body.items as { code: string; name: string }[]).map((s) => [
        s.code,
        s.name,
      ]),
    );
    for (const r of usable) {
      const view = (await http.get(`/api/agreements/${idOf(r)}`)).body;
      const expected =
        r['signMonth'] === ''
          ? r['signYear']
          : r['signDay'] === ''
            ? `${r['signYear']}-${r['signMonth']!.padStart(2, '0')}`
            : `${r['signYear']}-${r['signMonth']!.padStart(2, '0')}-${r['signDay']!.padStart(2, '0')}`;
      expect({ id: idOf(r), signedOn: view.signedOn }).toEqual({ id: idOf(r), signedOn: expected });
      for (const party of view.parties as string[]) expect(states.has(party)).toBe(true);
      expect(view.references).toContainEqual({ series: 'DCAD', number: r['DCAid'] });
    }
  });

  it('is in force where the row gives an EIFYear, else signed with the entry into force not recorded; terminated rows are terminated', async () => {
    for (const r of usable) {
      const view = (await http.get(`/api/agreements/${idOf(r)}`)).body;
      const expected = r['terminated'] === '1' ? 'terminated' : r['EIFYear'] !== '' ? 'in_force' : 'signed';
      expect({ id: idOf(r), status: view.status }).toEqual({ id: idOf(r), status: expected });
      if (r['EIFYear'] !== '') expect(view.inForceOn.slice(0, 4)).toBe(r['EIFYear']);
      if (expected === 'signed') expect(view.entryIntoForce).toBe('not recorded');
      if (expected === 'terminated') {
        expect(view.endedOn).toBe(String(Number(r['signYear']) + Number(r['durationActual'])));
      }
    }
  });

  it('?provision=joint_exercises&source=dcad lists exactly the rows with TREX in a category column', async () => {
    const trex = usable.filter((r) => [r['category1'], r['category2'], r['category3']].includes('TREX'));
    expect(trex.length).toBeGreaterThan(0);
    expect(await ids('provision=joint_exercises&source=dcad')).toEqual(trex.map(idOf).sort());
  });

  it('?party=USA&source=dcad lists exactly the rows with the USA as ccode1 or ccode2', async () => {
    const usa = usable.filter((r) => r['ccode1'] === '2' || r['ccode2'] === '2');
    expect(await ids('party=USA&source=dcad')).toEqual(usa.map(idOf).sort());
    expect(await ids('source=atop')).toEqual([]);
  });

  it('signedFrom/signedTo take whole periods; a year that overlaps the range needs includeUncertain', async () => {
    // DCADv1.0-0005: signed in 1999 (no month). 1999-06-01…1999-12-31 overlaps it but does not hold it.
    expect(await ids('signedFrom=1999-06-01&signedTo=1999-12-31&source=dcad')).not.toContain('dcad-0005');
    expect(
      await ids('signedFrom=1999-06-01&signedTo=1999-12-31&source=dcad&includeUncertain=true'),
    ).toContain('dcad-0005');
    expect(await ids('signedFrom=1999-01-01&signedTo=1999-12-31&source=dcad')).toContain('dcad-0005');
    // The range itself at any precision: 1999 is 1999-01-01…1999-12-31.
    expect(await ids('signedFrom=1999&signedTo=1999&source=dcad')).toContain('dcad-0005');
    expect(await ids('signedFrom=1999-06&signedTo=2000&source=dcad')).not.toContain('dcad-0005');
  });

  it('GET /api/stats/agreements counts the agreements signed per year, and in force per year, as the rows give them', async () => {
    const signed = new Map<number, number>();
    for (const r of usable) signed.set(Number(r['signYear']), (signed.get(Number(r['signYear'])) ?? 0) + 1);
    const res = await http.get('/api/stats/agreements?groupBy=year&measure=signed');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(
      [...signed].sort(([a], [b]) => a - b).map(([year, count]) => ({ year, count })),
    );

    const thisYear = new Date().getUTCFullYear();
    const inForce = new Map<number, number>();
    for (const r of usable.filter((x) => x['EIFYear'] !== '')) {
      const last = r['terminated'] === '1' ? Number(r['signYear']) + Number(r['durationActual']) : thisYear;
      for (let y = Number(r['EIFYear']); y <= last; y++) inForce.set(y, (inForce.get(y) ?? 0) + 1);
    }
    const first = Math.min(...inForce.keys());
    const expected = [];
    for (let y = first; y <= thisYear; y++) expected.push({ year: y, count: inForce.get(y) ?? 0 });
    expect((await http.get('/api/stats/agreements?measure=in_force')).body.items).toEqual(expected);

    const usaTrex = usable.filter(
      (r) =>
        (r['ccode1'] === '2' || r['ccode2'] === '2') &&
        [r['category1'], r['category2'], r['category3']].includes('TREX'),
    );
    const filtered = (
      await http.get('/api/stats/agreements?measure=signed&party=USA&provision=joint_exercises')
    ).body;
    expect(filtered.items.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(usaTrex.length);
    expect((await http.get('/api/stats/agreements?measure=weekly')).status).toBe(400);
    // By source: every row is DCAD's, none ATOP's.
    const dcad = (await http.get('/api/stats/agreements?measure=signed&source=dcad')).body;
    expect(dcad.items).toEqual(res.body.items);
    expect(dcad.source).toBe('dcad');
    expect((await http.get('/api/stats/agreements?measure=signed&source=atop')).body.items).toEqual([]);
    expect((await http.get('/api/stats/agreements?source=cow')).status).toBe(400);
  });

  it('GET /api/parties/USA counts its agreements by provision and by source, and its partners by provision', async () => {
    const usa = usable.filter((r) => r['ccode1'] === '2' || r['ccode2'] === '2');
    const body = (await http.get('/api/parties/USA')).body;
    expect(body.agreements.bySource).toEqual({ dcad: usa.length });
    const trex = usa.filter((r) => [r['category1'], r['category2'], r['category3']].includes('TREX'));
    expect(body.agreements.byProvision.joint_exercises).toBe(trex.length);
    const canada = usa.filter((r) => r['ccode2'] === '20' || r['ccode1'] === '20');
    const can = body.partners.find((p: { party: string }) => p.party === 'CAN');
    expect(can.sharedAgreements).toBe(canada.length);
    expect(
      Object.values(can.byProvision as Record<string, number>).reduce((a, b) => a + b, 0),
    ).toBeGreaterThanOrEqual(canada.length);
  });

  it('--strict with warnings in the data writes nothing and opens no database', async () => {
    let opened = false;
    const lines: string[] = [];
    const result = await importDcadFolder(FOLDER, {
      strict: true,
      open: async () => {
        opened = true;
        throw new Error('must not open');
      },
      report: {
        plan: (l) => lines.push(l),
        warning: () => undefined,
        progress: () => undefined,
        refused: (l) => lines.push(l),
        summary: () => undefined,
      },
    });
    expect(result).toBeUndefined();
    expect(opened).toBe(false);
    expect(lines.at(-1)).toMatch(/--strict: \d+ warnings, nothing written/);
  });
});
