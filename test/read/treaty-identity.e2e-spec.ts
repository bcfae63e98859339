import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { join } from 'node:path';
import { recordDemo } from '../../scripts/record-demo.js';
import { EVENT_STORE } from '../../src/event-store/event-store.port.js';
import { runAtopImport } from '../../src/import/atop/atop.importer.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * One identity per treaty, on SQLite and PostgreSQL: the demo's hand-made records and the ATOP
 * import describe some of the same treaties. Found by the names they go by, each shows the other.
 */
let running: RunningApp;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  running = await startApp();
  http = api(running.url);
  await recordDemo(running.app.get(CommandBus), running.app.get(EVENT_STORE));
  expect((await runAtopImport(running.app, join(process.cwd(), 'test/fixtures/atop'))).failures).toEqual([]);
});
afterAll(async () => {
  await running?.close();
});

const found = async (q: string) =>
  (
    (await http.get(`/api/agreements?q=${encodeURIComponent(q)}&limit=1000`)).body.items as { id: string }[]
  ).map((a) => a.id);

describe('one identity per treaty', () => {
  it('q=NATO finds the ATOP alliance and the demo record of the North Atlantic Treaty', async () => {
    expect(await found('NATO')).toEqual(expect.arrayContaining(['atop-3180', 'north-atlantic-treaty-1949']));
  });

  it('each shows the other as the same treaty: NATO and the US–Japan treaty of 1960', async () => {
    for (const [a, b] of [
      ['atop-3180', 'north-atlantic-treaty-1949'],
      ['atop-3375', 'usa-jpn-1960'],
    ] as const) {
      const [x, y] = [
        (await http.get(`/api/agreements/${a}`)).body,
        (await http.get(`/api/agreements/${b}`)).body,
      ];
      expect(x.sameAs.map((l: { id: string }) => l.id)).toContain(b);
      expect(y.sameAs.map((l: { id: string }) => l.id)).toContain(a);
    }
  });

  it('finds well-known alliances by their common names and by their ATOP number', async () => {
    expect(await found('Rio Treaty')).toContain('atop-3075');
    expect(await found('ANZUS')).toContain('atop-3215');
    expect(await found('warsaw pact')).toContain('atop-3285');
    expect(await found('3180')).toContain('atop-3180');
    expect(await found('NoSuchTreatyName')).toEqual([]);
  });

  it('source=atop lists the imported alliances only', async () => {
    const atop = (await http.get('/api/agreements?source=atop&limit=1')).body.total;
    const all = (await http.get('/api/agreements?limit=1')).body.total;
    expect(atop).toBe(744);
    expect(all).toBe(744 + 4);
  });
});
