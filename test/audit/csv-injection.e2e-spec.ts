import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_KEY_STORE, type ApiKeyStore } from '../../src/auth/api-key.js';
import { parseCsv } from '../../src/import/csv.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * OWASP CSV injection: a cell that a spreadsheet would read as a formula (=, +, -, @, tab, CR
 * first) comes out of every CSV export with a leading ', so it opens as text. The hostile values
 * come from outside: a key's name (the actor column), a client's correlation id, event data.
 */

const ID = 'usa-jpn-1960';
const HOSTILE_NAME = '=HYPERLINK("x")';
let running: RunningApp;
let rows: Record<string, string>[];

beforeAll(async () => {
  running = await startApp();
  const { key } = await running.app
    .get<ApiKeyStore>(API_KEY_STORE)
    .create({ name: HOSTILE_NAME, role: 'admin', parties: [] });
  const http = api(running.url, key);
  const proposed = await http.post(
    '/api/agreements',
    {
      id: ID,
      title: '@SUM(1+1)*cmd|',
      parties: ['USA', 'JPN'],
      provisions: ['mutual_defense'],
      occurredOn: '1960-01-06',
    },
    { 'x-correlation-id': '-2+3' },
  );
  expect(proposed.status).toBe(201);
  const signed = await http.post(
    `/api/agreements/${ID}/events`,
    { type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party: 'USA' } },
    { 'x-correlation-id': '+1' },
  );
  expect(signed.status).toBe(201);
  const res = await fetch(`${running.url}/api/agreements/${ID}/events?format=csv`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  const table = parseCsv(await res.text(), 'export.csv');
  rows = table.records.map((r) => Object.fromEntries(table.header.map((h, i) => [h, r.values[i]!])));
});

afterAll(async () => {
  await running.close();
});

describe('an events CSV written by a key named =HYPERLINK("x") with correlation id -2+3', () => {
  it('has every event', () => {
    expect(rows.map((r) => r.type)).toEqual(['AgreementProposed', 'AgreementSigned']);
  });

  it('opens the actor and the correlation ids as text', () => {
    expect(rows.map((r) => r.actor)).toEqual([`'${HOSTILE_NAME}`, `'${HOSTILE_NAME}`]);
    expect(rows.map((r) => r.correlation_id)).toEqual(["'-2+3", "'+1"]);
  });

  it('leaves no cell of any row starting with a formula character', () => {
    for (const row of rows) {
      for (const [column, cell] of Object.entries(row)) {
        expect({ column, formula: /^[=+\-@\t\r]/.test(cell) }).toEqual({ column, formula: false });
      }
    }
  });

  it('keeps the data intact (the JSON of the event, titles included)', () => {
    expect(JSON.parse(rows[0]!.data!)).toMatchObject({ title: '@SUM(1+1)*cmd|' });
  });
});
