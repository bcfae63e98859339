import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * Withdrawals as they happen, on SQLite and PostgreSQL. The Philippines–United States Visiting
 * Forces Agreement (1998): the Philippines gave notice of withdrawal on 2020-02-11, effective
 * 2020-08-09, and rescinded it on 2021-07-30. Until its day a notice leaves the party a party and
 * the status unchanged, with the notice pending, in as-of views and lists alike.
 */

const VFA = 'usa-phl-vfa-1998';
const LAPSED = 'usa-phl-lapsed-2001';
let running: RunningApp;
let http: ReturnType<typeof api>;

async function record(id: string, events: unknown[]): Promise<void> {
  const res = await http.post(`/api/agreements/${id}/events`, events);
  expect({ id, status: res.status, body: res.status === 201 ? 'ok' : res.body }).toEqual({
    id,
    status: 201,
    body: 'ok',
  });
}

beforeAll(async () => {
  running = await startApp();
  http = api(running.url);
  for (const [id, title, proposedOn] of [
    [
      VFA,
      'Agreement regarding the treatment of United States Armed Forces visiting the Philippines',
      '1998-02-10',
    ],
    [LAPSED, 'An agreement whose notice of withdrawal took effect', '2001-01-10'],
  ] as const) {
    expect(
      (
        await http.post('/api/agreements', {
          id,
          title,
          parties: ['USA', 'PHL'],
          provisions: ['joint_exercises'],
          occurredOn: proposedOn,
        })
      ).status,
    ).toBe(201);
  }
  await record(VFA, [
    { type: 'AgreementSigned', occurredOn: '1998-02-10', data: { party: 'USA' } },
    { type: 'AgreementSigned', occurredOn: '1998-02-10', data: { party: 'PHL' } },
    { type: 'AgreementEnteredIntoForce', occurredOn: '1999-06-01', data: {} },
    {
      type: 'AgreementWithdrawn',
      occurredOn: '2020-02-11',
      data: { party: 'PHL', effectiveOn: '2020-08-09', reason: 'Notice of termination' },
    },
    {
      type: 'WithdrawalRescinded',
      occurredOn: '2021-07-30',
      data: { party: 'PHL', reason: 'Notice retracted' },
    },
  ]);
  await record(LAPSED, [
    { type: 'AgreementSigned', occurredOn: '2001-01-10', data: { party: 'USA' } },
    { type: 'AgreementSigned', occurredOn: '2001-01-10', data: { party: 'PHL' } },
    { type: 'AgreementEnteredIntoForce', occurredOn: '2001-02-01', data: {} },
    {
      type: 'AgreementWithdrawn',
      occurredOn: '2010-01-01',
      data: { party: 'PHL', effectiveOn: '2010-07-01' },
    },
  ]);
});
afterAll(async () => {
  await running.close();
});

const activeOn = async (date: string) =>
  (await http.get(`/api/agreements?activeOn=${date}&limit=1000`)).body.items.map((a: { id: string }) => a.id);

describe('the VFA: a notice of withdrawal, rescinded', () => {
  it('as of 2020-05-01: in force, the Philippines still a party, its withdrawal pending', async () => {
    const res = await http.get(`/api/agreements/${VFA}?asOf=2020-05-01`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'in_force',
      parties: ['USA', 'PHL'],
      pendingWithdrawals: [{ party: 'PHL', noticeOn: '2020-02-11', effectiveOn: '2020-08-09' }],
    });
    expect(res.body.endedOn).toBeUndefined();
  });

  it('is listed as active on 2020-05-01, by party too, as the as-of view says', async () => {
    expect(await activeOn('2020-05-01')).toContain(VFA);
    const byParty = await http.get('/api/agreements?party=PHL&activeOn=2020-05-01');
    expect(byParty.body.items.map((a: { id: string }) => a.id)).toContain(VFA);
  });

  it('as of 2021-08-01, and today: in force, no pending withdrawal', async () => {
    for (const path of [`/api/agreements/${VFA}?asOf=2021-08-01`, `/api/agreements/${VFA}`]) {
      const res = await http.get(path);
      expect(res.body).toMatchObject({ status: 'in_force', parties: ['USA', 'PHL'] });
      expect(res.body.pendingWithdrawals).toBeUndefined();
    }
    expect(await activeOn('2021-08-01')).toContain(VFA);
  });

  it('the timeline tells the notice and its rescission', async () => {
    const res = await http.get(`/api/agreements/${VFA}/timeline`);
    expect(res.body.items.map((e: { summary: string }) => e.summary)).toEqual(
      expect.arrayContaining([
        'PHL withdrew, effective 2020-08-09 (Notice of termination)',
        'PHL rescinded its notice of withdrawal (Notice retracted)',
      ]),
    );
  });
});

describe('a notice that took effect', () => {
  it('as-of views and lists agree on each side of its day', async () => {
    const before = await http.get(`/api/agreements/${LAPSED}?asOf=2010-06-30`);
    expect(before.body).toMatchObject({ status: 'in_force', pendingWithdrawals: [{ party: 'PHL' }] });
    expect(await activeOn('2010-06-30')).toContain(LAPSED);
    const after = await http.get(`/api/agreements/${LAPSED}?asOf=2010-07-01`);
    expect(after.body).toMatchObject({ status: 'withdrawn', endedOn: '2010-07-01', parties: ['USA'] });
    expect(await activeOn('2010-07-01')).not.toContain(LAPSED);
  });

  it('today it is withdrawn: in its status, the list and the status filter', async () => {
    const res = await http.get(`/api/agreements/${LAPSED}`);
    expect(res.body).toMatchObject({ status: 'withdrawn', endedOn: '2010-07-01', parties: ['USA'] });
    const withdrawn = await http.get('/api/agreements?status=withdrawn');
    expect(withdrawn.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: LAPSED, status: 'withdrawn' })]),
    );
    const inForce = await http.get('/api/agreements?status=in_force');
    const ids = inForce.body.items.map((a: { id: string }) => a.id);
    expect(ids).toContain(VFA);
    expect(ids).not.toContain(LAPSED);
    expect(inForce.body.total).toBe(ids.length);
  });

  it('nothing can be recorded after its day', async () => {
    const res = await http.post(`/api/agreements/${LAPSED}/events`, {
      type: 'ConsultationHeld',
      occurredOn: '2011-01-01',
      data: { level: 'working', topics: ['too late'] },
    });
    expect(res.status).toBe(409);
    expect(res.body.title).toBe('AgreementClosed');
  });
});
