import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * Parties must be known states: the registry (GET /api/states) holds every ISO 3166-1 alpha-3 code
 * in use and the historical states of the COW list; a well-formed code it does not hold is 400
 * UnknownState, naming the field. On SQLite and PostgreSQL.
 */

let running: RunningApp;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  running = await startApp();
  http = api(running.url);
});
afterAll(async () => {
  await running.close();
});

const propose = (parties: string[]) => ({
  id: 'xyz-test-1',
  title: 'A treaty with a state nobody knows',
  parties,
  provisions: ['consultation'],
  occurredOn: '1996-01-10',
});

describe('GET /api/states', () => {
  it('lists every current ISO 3166-1 alpha-3 code with its name, and the historical COW states', async () => {
    const res = await http.get('/api/states');
    expect(res.status).toBe(200);
    const items: { code: string; name: string; historical: boolean; successors?: string[] }[] =
      res.body.items;
    const current = items.filter((s) => !s.historical);
    expect(current.length).toBeGreaterThanOrEqual(249);
    for (const s of current) expect(s.code).toMatch(/^[A-Z]{3}$/);
    expect(new Set(items.map((s) => s.code)).size).toBe(items.length);
    expect(items.find((s) => s.code === 'BRA')).toMatchObject({ name: 'Brazil', historical: false });
    expect(items.find((s) => s.code === 'COW-BAV')).toMatchObject({ name: 'Bavaria', historical: true });
    expect(items.find((s) => s.code === 'COW-CZE')).toMatchObject({
      name: 'Czechoslovakia',
      successors: ['CZE', 'SVK'],
    });
    expect(items.find((s) => s.code === 'COW-GDR')).toMatchObject({ successors: ['DEU'] });
  });

  it('needs a key like every /api route (a viewer may read it)', async () => {
    expect((await fetch(`${running.url}/api/states`)).status).toBe(401);
  });
});

describe('an unknown state', () => {
  it('as a party of a proposal is 400 UnknownState naming the field, and nothing is stored', async () => {
    const res = await http.post('/api/agreements', propose(['USA', 'XYZ']));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        field: 'parties.1',
        rule: 'UnknownState',
        message: expect.stringContaining('XYZ'),
      }),
    ]);
    expect((await http.get('/api/agreements/xyz-test-1')).status).toBe(404);
  });

  it('in a recorded event is 400 UnknownState naming data.party', async () => {
    expect((await http.post('/api/agreements', propose(['USA', 'BRA']))).status).toBe(201);
    const res = await http.post('/api/agreements/xyz-test-1/events', {
      type: 'AgreementSigned',
      occurredOn: '1996-03-01',
      data: { party: 'QQQ' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'data.party', rule: 'UnknownState' })]);
  });

  it('as a party page or a list filter is 400 UnknownState', async () => {
    const page = await http.get('/api/parties/XYZ');
    expect(page.status).toBe(400);
    expect(page.body.errors).toEqual([expect.objectContaining({ field: 'code', rule: 'UnknownState' })]);
    const list = await http.get('/api/agreements?party=XYZ');
    expect(list.status).toBe(400);
    expect(list.body.errors).toEqual([expect.objectContaining({ field: 'party', rule: 'UnknownState' })]);
  });
});

describe('names', () => {
  it('GET /api/parties/BRA names Brazil, and its partners by name', async () => {
    const res = await http.get('/api/parties/BRA');
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Brazil');
    expect(res.body.partners).toEqual([
      expect.objectContaining({ party: 'USA', name: 'United States of America' }),
    ]);
  });
});
