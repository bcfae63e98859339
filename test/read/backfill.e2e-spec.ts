import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * A backfilled event — recorded today, dated 2019 — takes its business-date place in
 * every timeline, changes the as-of view of a later date, and leaves the view "as known"
 * before it was recorded unchanged.
 */
describe('a backfilled event', () => {
  const clock = new ManualClock(new Date('2024-05-01T10:00:00Z'));
  let running: RunningApp;
  let http: ReturnType<typeof api>;
  const korea = 'usa-kor-2018';
  const japan = 'usa-jpn-2018';
  const backfill = {
    type: 'ExerciseHeld',
    occurredOn: '2019-07-20',
    data: { name: 'Freedom Shield', startedOn: '2019-07-15', participants: ['USA', 'KOR'] },
  };
  let backfilledPosition: number;
  const before: Record<string, any> = {};

  async function propose(id: string, parties: string[]) {
    const res = await http.post('/api/agreements', {
      id,
      title: `Agreement ${id}`,
      parties,
      provisions: ['joint_exercises'],
      occurredOn: '2018-03-01',
    });
    expect(res.status).toBe(201);
  }
  async function record(id: string, events: unknown) {
    const res = await http.post(`/api/agreements/${id}/events`, events);
    expect(res.status).toBe(201);
    return res.body;
  }
  const lifecycle = (parties: string[]) => [
    ...parties.map((party) => ({ type: 'AgreementSigned', occurredOn: '2018-06-01', data: { party } })),
    { type: 'AgreementEnteredIntoForce', occurredOn: '2018-09-01', data: {} },
  ];

  /** Every page of a timeline, following the cursors. */
  async function walk(path: string, limit: number) {
    const items: any[] = [];
    let cursor: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await http.get(
        `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  const TIMELINES = [
    `/api/agreements/${korea}/timeline`,
    '/api/timeline',
    '/api/timeline?party=KOR',
    '/api/timeline?party=USA',
    '/api/timeline?from=2019-01-01&to=2019-12-31',
    '/api/timeline?type=ExerciseHeld',
  ];

  beforeAll(async () => {
    running = await startApp({ clock });
    http = api(running.url);
    await propose(korea, ['USA', 'KOR']);
    await propose(japan, ['USA', 'JPN']);
    await record(korea, lifecycle(['USA', 'KOR']));
    await record(japan, lifecycle(['USA', 'JPN']));
    // Same business date as the backfill, recorded earlier: the tie goes to it by position.
    await record(japan, {
      type: 'ExerciseHeld',
      occurredOn: '2019-07-20',
      data: { name: 'Keen Sword', startedOn: '2019-07-18', participants: ['USA', 'JPN'] },
    });
    await record(korea, {
      type: 'ConsultationHeld',
      occurredOn: '2020-08-10',
      data: { level: 'working', topics: ['drills'] },
    });
    for (const path of TIMELINES) before[path] = await walk(path, 1000);
    before.asOf = (await http.get(`/api/agreements/${korea}?asOf=2020-01-01`)).body;
    before.knownAt = (
      await http.get(`/api/agreements/${korea}?asOf=2020-01-01&knownAt=2024-05-01T12:00:00Z`)
    ).body;

    clock.set('2024-05-02T10:00:00Z');
    const stored = await record(korea, backfill);
    backfilledPosition = stored.position;
    expect(stored.recordedAt).toBe('2024-05-02T10:00:00.000Z');
  });
  afterAll(async () => {
    await running.close();
  });

  it.each(TIMELINES)('takes its business-date place in %s, paged or not', async (path) => {
    const items = await walk(path, 1000);
    expect(await walk(path, 2)).toEqual(items);
    const at = items.findIndex((e) => e.position === backfilledPosition);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(items[at]).toMatchObject({
      agreementId: korea,
      type: 'ExerciseHeld',
      occurredOn: '2019-07-20',
      recordedAt: '2024-05-02T10:00:00.000Z',
      actor: expect.any(String),
      summary: expect.stringContaining('Freedom Shield'),
    });
    // Everything else is as before, in (business date, position) order around it.
    expect(items.filter((e) => e.position !== backfilledPosition)).toEqual(before[path]);
    const keys = items.map((e) => [e.occurredOn, e.position] as const);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    expect(keys).toEqual(sorted);
  });

  it('comes after an event of the same date recorded before it', async () => {
    const items = await walk('/api/timeline?from=2019-07-20&to=2019-07-20', 1000);
    expect(items.map((e) => e.agreementId)).toEqual([japan, korea]);
  });

  it('changes the agreement as of a later business date', async () => {
    expect(before.asOf).toMatchObject({ exerciseCount: 0, asOf: '2020-01-01', knownAt: null });
    const now = await http.get(`/api/agreements/${korea}?asOf=2020-01-01`);
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({
      exerciseCount: 1,
      lastExercise: { name: 'Freedom Shield', startedOn: '2019-07-15' },
    });
    expect(now.body.version).toBeGreaterThan(before.asOf.version);
  });

  it('leaves the view as known before it was recorded unchanged', async () => {
    const known = await http.get(`/api/agreements/${korea}?asOf=2020-01-01&knownAt=2024-05-01T12:00:00Z`);
    expect(known.status).toBe(200);
    expect(known.body).toEqual(before.knownAt);
    expect(known.body.exerciseCount).toBe(0);
  });

  it('does not change the agreement as of a date before it', async () => {
    const early = await http.get(`/api/agreements/${korea}?asOf=2019-07-19`);
    expect(early.body.exerciseCount).toBe(0);
    const notYet = await http.get(`/api/agreements/${korea}?asOf=2018-01-01`);
    expect(notYet.status).toBe(404);
  });

  it('refuses a malformed timeline query naming the field', async () => {
    for (const [query, field] of [
      ['from=2020-01-01&to=2019-01-01', 'from'],
      ['type=Exercise', 'type'],
      ['party=kor', 'party'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['cursor=eyJ4IjoxfQ', 'cursor'],
    ] as const) {
      const res = await http.get(`/api/timeline?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
  });
});
