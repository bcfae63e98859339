import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/** A party's portfolio: its agreements, partners, contributions and milestones. */
describe('GET /api/parties/{code}', () => {
  const clock = new ManualClock(new Date('2024-06-01T09:00:00Z'));
  let running: RunningApp;
  let http: ReturnType<typeof api>;

  async function agreement(id: string, parties: string[], events: unknown[], proposal: object = {}) {
    const proposed = await http.post('/api/agreements', {
      id,
      title: `Agreement ${id}`,
      parties,
      provisions: ['joint_exercises'],
      occurredOn: '2020-01-01',
      ...proposal,
    });
    expect(proposed.status).toBe(201);
    const res = await http.post(`/api/agreements/${id}/events`, [
      ...parties.map((party) => ({ type: 'AgreementSigned', occurredOn: '2020-02-01', data: { party } })),
      { type: 'AgreementEnteredIntoForce', occurredOn: '2020-03-01', data: {} },
      ...events,
    ]);
    expect(res.status).toBe(201);
  }
  const exercise = (name: string, participants: string[]) => ({
    type: 'ExerciseHeld',
    occurredOn: '2021-05-01',
    data: { name, startedOn: '2021-05-01', participants },
  });
  const contribution = (party: string, amount: number, unit = 'USD') => ({
    type: 'ContributionRecorded',
    occurredOn: '2021-06-01',
    data: { party, category: 'funding', amount, unit },
  });
  const milestone = (milestoneId: string, owner: string, dueOn: string) => ({
    type: 'MilestoneCommitted',
    occurredOn: '2021-01-01',
    data: { milestoneId, description: `Deliver ${milestoneId}`, owner, dueOn },
  });

  beforeAll(async () => {
    running = await startApp({ clock });
    http = api(running.url);
    await agreement(
      'usa-jpn',
      ['USA', 'JPN'],
      [
        exercise('Keen Sword', ['USA', 'JPN']),
        exercise('Orient Shield', ['USA', 'JPN']),
        contribution('USA', 900),
        contribution('JPN', 100),
        milestone('hangar', 'USA', '2024-01-31'),
        milestone('fuel', 'JPN', '2024-01-31'),
        milestone('port', 'USA', '2025-01-31'),
      ],
    );
    await agreement(
      'aus-jpn-usa',
      ['AUS', 'JPN', 'USA'],
      [
        exercise('Talisman Sabre', ['USA', 'AUS']),
        exercise('Pitch Black', ['AUS', 'JPN']),
        contribution('JPN', 300),
      ],
      { reviewEveryMonths: 60 },
    );
    await agreement(
      'kor-usa',
      ['KOR', 'USA'],
      [
        contribution('KOR', 50, 'KRW'),
        { type: 'AgreementTerminated', occurredOn: '2023-01-01', data: { reason: 'expired' } },
      ],
    );
    await agreement('jpn-kor', ['JPN', 'KOR'], []);
  });
  afterAll(async () => {
    await running.close();
  });

  it('groups its agreements by status', async () => {
    const res = await http.get('/api/parties/USA');
    expect(res.status).toBe(200);
    expect(res.body.party).toBe('USA');
    expect(res.body.agreements.total).toBe(3);
    const ids = Object.fromEntries(
      Object.entries(res.body.agreements.byStatus).map(([s, list]) => [s, (list as any[]).map((a) => a.id)]),
    );
    expect(ids).toEqual({
      proposed: [],
      signed: [],
      in_force: ['aus-jpn-usa', 'usa-jpn'],
      suspended: [],
      withdrawn: [],
      terminated: ['kor-usa'],
    });
  });

  it('lists partners with shared agreements and joint exercises', async () => {
    const { body } = await http.get('/api/parties/USA');
    expect(body.partners.map((p: any) => [p.party, p.sharedAgreements, p.jointExercises])).toEqual([
      ['JPN', 2, 2],
      ['AUS', 1, 1],
      ['KOR', 1, 0],
    ]);
  });

  it("sets its contributions against each partner's, so an imbalance shows", async () => {
    const { body } = await http.get('/api/parties/USA');
    const jpn = body.partners.find((p: any) => p.party === 'JPN');
    // usa-jpn: USA 900, JPN 100; aus-jpn-usa: JPN 300.
    expect(jpn.contributions).toEqual([
      { category: 'funding', unit: 'USD', own: 900, partner: 400, ownShare: 0.6923, partnerShare: 0.3077 },
    ]);
    const kor = body.partners.find((p: any) => p.party === 'KOR');
    expect(kor.contributions).toEqual([
      { category: 'funding', unit: 'KRW', own: 0, partner: 50, ownShare: 0, partnerShare: 1 },
    ]);
    expect(body.contributions).toEqual([{ category: 'funding', unit: 'USD', amount: 900 }]);
  });

  it('shows its open and overdue milestones, shared ones included', async () => {
    const { body } = await http.get('/api/parties/USA');
    const ids = (list: any[]) => list.map((m) => `${m.agreementId}/${m.milestoneId}/${m.status}`);
    expect(ids(body.milestones.overdue)).toEqual(['usa-jpn/hangar/overdue']);
    expect(ids(body.milestones.open)).toEqual(['usa-jpn/port/open', 'aus-jpn-usa/@next-review/open']);
    expect(body.milestones.truncated).toBe(false);
    const jpn = (await http.get('/api/parties/JPN')).body;
    expect(ids(jpn.milestones.overdue)).toEqual(['usa-jpn/fuel/overdue']);
  });

  it('answers a well-formed code with no agreements with empty lists', async () => {
    for (const code of ['NZL', 'COW-BAV']) {
      const res = await http.get(`/api/parties/${code}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        party: code,
        agreements: { total: 0 },
        partners: [],
        contributions: [],
        milestones: { open: [], overdue: [] },
      });
      expect(Object.values(res.body.agreements.byStatus).flat()).toEqual([]);
    }
  });

  it('refuses a malformed code with 400 naming it', async () => {
    for (const code of ['usa', 'US', 'COW-', 'USA1']) {
      const res = await http.get(`/api/parties/${code}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.errors[0].field).toBe('code');
    }
  });
});
