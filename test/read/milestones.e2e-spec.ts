import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/** Accountability milestones judged against a clock the test moves. */
describe('milestones', () => {
  const clock = new ManualClock(new Date('2024-01-10T12:00:00Z'));
  let running: RunningApp;
  let http: ReturnType<typeof api>;
  const id = 'usa-jpn-2023';

  const record = async (body: unknown) => {
    const res = await http.post(`/api/agreements/${id}/events`, body);
    expect(res.status).toBe(201);
    return res;
  };
  const inAgreement = async (milestoneId: string) => {
    const res = await http.get(`/api/agreements/${id}/milestones`);
    expect(res.status).toBe(200);
    return res.body.items.find((m: any) => m.milestoneId === milestoneId);
  };
  const inGlobal = async (query: string, milestoneId: string) => {
    const res = await http.get(`/api/milestones?${query}`);
    expect(res.status).toBe(200);
    return res.body.items.find((m: any) => m.agreementId === id && m.milestoneId === milestoneId);
  };

  beforeAll(async () => {
    running = await startApp({ clock });
    http = api(running.url);
    const proposed = await http.post('/api/agreements', {
      id,
      title: 'Radar cooperation',
      parties: ['USA', 'JPN'],
      provisions: ['consultation'],
      reviewEveryMonths: 12,
      occurredOn: '2023-01-05',
    });
    expect(proposed.status).toBe(201);
    await record([
      { type: 'AgreementSigned', occurredOn: '2023-01-20', data: { party: 'USA' } },
      { type: 'AgreementSigned', occurredOn: '2023-01-21', data: { party: 'JPN' } },
      { type: 'AgreementEnteredIntoForce', occurredOn: '2023-02-01', data: {} },
      {
        type: 'MilestoneCommitted',
        occurredOn: '2023-03-01',
        data: { milestoneId: 'radar', description: 'Install the radar', owner: 'JPN', dueOn: '2024-01-31' },
      },
    ]);
  });
  afterAll(async () => {
    await running.close();
  });

  it('is due soon within 30 days of its due date, in both lists', async () => {
    expect(await inAgreement('radar')).toEqual({
      agreementId: id,
      milestoneId: 'radar',
      kind: 'committed',
      description: 'Install the radar',
      owner: 'JPN',
      dueOn: '2024-01-31',
      status: 'due_soon',
    });
    expect((await inGlobal('', 'radar')).status).toBe('due_soon');
    // The review cycle runs from entry into force.
    expect(await inAgreement('@next-review')).toMatchObject({
      kind: 'review',
      owner: 'ALL',
      dueOn: '2024-02-01',
      status: 'due_soon',
    });
  });

  it('reads overdue in both lists once the clock passes its due date', async () => {
    clock.set('2024-02-15T08:00:00Z');
    expect(await inAgreement('radar')).toMatchObject({ status: 'overdue', daysLate: 15 });
    expect(await inGlobal('status=overdue', 'radar')).toMatchObject({ status: 'overdue', daysLate: 15 });
    expect(await inGlobal('status=due_soon', 'radar')).toBeUndefined();
    expect(await inGlobal('status=overdue', '@next-review')).toMatchObject({ daysLate: 14 });
  });

  it('turns met_late with the days late when met afterwards', async () => {
    clock.set('2024-02-20T08:00:00Z');
    await record({ type: 'MilestoneMet', data: { milestoneId: 'radar', evidence: 'Radar online' } });
    const expected = { status: 'met_late', metOn: '2024-02-20', daysLate: 20 };
    expect(await inAgreement('radar')).toMatchObject(expected);
    expect(await inGlobal('status=met_late', 'radar')).toMatchObject(expected);
    expect(await inGlobal('status=overdue', 'radar')).toBeUndefined();
  });

  it('is met, not late, when met on or before its due date', async () => {
    await record({
      type: 'MilestoneCommitted',
      occurredOn: '2024-02-01',
      data: { milestoneId: 'depot', description: 'Open the depot', owner: 'USA', dueOn: '2024-12-31' },
    });
    await record({ type: 'MilestoneMet', occurredOn: '2024-02-10', data: { milestoneId: 'depot' } });
    const depot = await inAgreement('depot');
    expect(depot).toMatchObject({ status: 'met', metOn: '2024-02-10' });
    expect(depot.daysLate).toBeUndefined();
    expect(await inGlobal('status=met', 'depot')).toMatchObject({ status: 'met' });
  });

  it("filters by owner: a party's own milestones plus the shared ones of its agreements", async () => {
    const ids = async (query: string) =>
      (await http.get(`/api/milestones?${query}`)).body.items.map((m: any) => m.milestoneId).sort();
    expect(await ids('owner=JPN')).toEqual(['@next-review', 'radar']);
    expect(await ids('owner=USA')).toEqual(['@next-review', 'depot']);
    expect(await ids('owner=ALL')).toEqual(['@next-review']);
    expect(await ids('owner=KOR')).toEqual([]);
  });

  it('filters by due date, exclusive', async () => {
    const dues = async (query: string) =>
      (await http.get(`/api/milestones?${query}`)).body.items.map((m: any) => m.dueOn);
    expect(await dues('dueBefore=2024-02-01')).toEqual(['2024-01-31']);
    expect(await dues('dueBefore=2024-02-02')).toEqual(['2024-01-31', '2024-02-01']);
  });

  it('refuses bad filters naming the field', async () => {
    for (const [query, field] of [
      ['status=late', 'status'],
      ['owner=usa', 'owner'],
      ['dueBefore=2024-02-30', 'dueBefore'],
      ['limit=1001', 'limit'],
      ['cursor=nonsense', 'cursor'],
      ['colour=red', 'colour'],
    ] as const) {
      const res = await http.get(`/api/milestones?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
    expect((await http.get(`/api/agreements/${id}/milestones?status=late`)).status).toBe(400);
  });

  it('answers 404 for the milestones of an agreement that does not exist', async () => {
    const res = await http.get('/api/agreements/no-such-thing/milestones');
    expect(res.status).toBe(404);
    expect(res.body.title).toBe('AgreementNotFound');
  });
});
