import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * Every list endpoint caps `limit` and pages with keyset cursors: walking a list while
 * other clients write must return every item that existed when the walk began exactly
 * once, in order.
 */
describe('list paging', () => {
  const clock = new ManualClock(new Date('2025-06-01T09:00:00Z'));
  let running: RunningApp;
  let http: ReturnType<typeof api>;
  const FIRST = 'mmm-usa-jpn-0';

  let writes = 0;
  /** Another client's writes: new agreements on both sides of any cursor, backfills, new milestones. */
  async function writeSomething(): Promise<void> {
    const n = writes++;
    for (const id of [`aaa-new-${n}`, `zzz-new-${n}`]) {
      const res = await http.post('/api/agreements', {
        id,
        title: 'Arrived during the walk',
        parties: ['USA', 'JPN'],
        provisions: ['consultation'],
        occurredOn: '2015-01-01',
      });
      expect(res.status).toBe(201);
    }
    const res = await http.post(`/api/agreements/${FIRST}/events`, [
      {
        type: 'ExerciseHeld',
        occurredOn: n % 2 ? '2020-01-15' : '2025-05-01',
        data: { name: `Drill ${n}`, startedOn: '2020-01-15', participants: ['USA', 'JPN'] },
      },
      {
        type: 'MilestoneCommitted',
        occurredOn: '2025-05-01',
        data: {
          milestoneId: `late-${n}`,
          description: 'x',
          owner: 'JPN',
          dueOn: n % 2 ? '2020-06-01' : '2030-01-01',
        },
      },
    ]);
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    running = await startApp({ clock });
    http = api(running.url);
    for (let i = 0; i < 8; i++) {
      const id = `mmm-usa-jpn-${i}`;
      expect(
        (
          await http.post('/api/agreements', {
            id,
            title: `Agreement ${i}`,
            parties: ['USA', 'JPN'],
            provisions: ['consultation'],
            reviewEveryMonths: 12,
            occurredOn: '2020-01-01',
          })
        ).status,
      ).toBe(201);
      const res = await http.post(`/api/agreements/${id}/events`, [
        { type: 'AgreementSigned', occurredOn: '2020-02-01', data: { party: 'USA' } },
        { type: 'AgreementSigned', occurredOn: '2020-02-0' + ((i % 8) + 1), data: { party: 'JPN' } },
        { type: 'AgreementEnteredIntoForce', occurredOn: '2020-03-01', data: {} },
        ...[0, 1, 2].map((k) => ({
          type: 'MilestoneCommitted',
          occurredOn: '2020-04-01',
          data: {
            milestoneId: `m${k}`,
            description: 'y',
            owner: k ? 'USA' : 'JPN',
            dueOn: `202${k + 4}-0${i + 1}-15`,
          },
        })),
        {
          type: 'ConsultationHeld',
          occurredOn: `2021-0${i + 1}-01`,
          data: { level: 'working', topics: ['t'] },
        },
      ]);
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await running.close();
  });

  const LISTS: [string, (item: any) => string][] = [
    ['/api/agreements', (a) => a.id],
    ['/api/agreements?party=JPN', (a) => a.id],
    [`/api/agreements/${FIRST}/timeline`, (e) => String(e.position)],
    [`/api/agreements/${FIRST}/events`, (e) => String(e.version)],
    [`/api/agreements/${FIRST}/milestones`, (m) => m.milestoneId],
    ['/api/milestones', (m) => `${m.agreementId}/${m.milestoneId}`],
    ['/api/milestones?owner=USA', (m) => `${m.agreementId}/${m.milestoneId}`],
    ['/api/timeline', (e) => String(e.position)],
    ['/api/timeline?party=JPN&from=2020-01-01', (e) => String(e.position)],
  ];

  const page = (path: string, limit: number, cursor?: string) =>
    http.get(
      `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );

  it.each(LISTS)('%s caps limit at 1000', async (path) => {
    expect((await page(path, 1000)).status).toBe(200);
    for (const limit of [1001, 5000]) {
      const res = await page(path, limit);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    }
  });

  it.each(LISTS)('%s pages correctly while others write', async (path, keyOf) => {
    const initial = (await page(path, 1000)).body.items.map(keyOf);
    expect(initial.length).toBeGreaterThan(6);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await page(path, 3, cursor);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map(keyOf));
      cursor = res.body.nextCursor;
      // A few writes mid-walk; writing on every page would outrun a walk that sees new items.
      if (++pages <= 3) await writeSomething();
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    // Every item there at the start, once, in the order the list had then.
    expect(seen.filter((k) => initial.includes(k))).toEqual(initial);
  });

  it('counts the whole filtered list in total, on every page', async () => {
    const all = await page('/api/agreements?party=JPN', 1000);
    const first = await page('/api/agreements?party=JPN', 2);
    expect(first.body.total).toBe(all.body.items.length);
    const second = await page('/api/agreements?party=JPN', 2, first.body.nextCursor);
    expect(second.body.total).toBe(all.body.items.length);
    expect((await page('/api/agreements?party=KOR', 2)).body).toEqual({ items: [], total: 0 });
  });
});
