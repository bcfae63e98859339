import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api, type JsonResponse } from '../support/http.js';

/** The issue's scenario and the write/read conventions around it, through real HTTP on a real SQLite file. */

const NOW = '2026-01-10T09:00:00.000Z';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA256 = /^[0-9a-f]{64}$/;

function expectProblem(res: JsonResponse, status: number, title?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  if (title !== undefined) expect(res.body.title).toBe(title);
}

describe('an agreement from proposal to withdrawal', () => {
  let running: RunningApp;
  let http: ReturnType<typeof api>;
  const id = 'usa-jpn-1960';
  const title = 'Treaty of Mutual Cooperation and Security';

  /** What the test recorded, in recording order, and a word each timeline summary must mention. */
  const recorded: { type: string; occurredOn: string; mentions: string }[] = [];

  beforeAll(async () => {
    running = await startApp({ clock: new ManualClock(new Date(NOW)) });
    http = api(running.url);
  });
  afterAll(async () => {
    await running.close();
  });

  async function record(
    event: { type: string; occurredOn: string; data: Record<string, unknown> },
    mentions: string,
    headers: Record<string, string> = {},
  ) {
    const res = await http.post(`/api/agreements/${id}/events`, event, headers);
    expect(res.status).toBe(201);
    recorded.push({ type: event.type, occurredOn: event.occurredOn, mentions });
    expect(res.body).toMatchObject({ type: event.type, occurredOn: event.occurredOn, data: event.data });
    expect(res.body.version).toBe(recorded.length);
    expect(res.headers.get('etag')).toBe(`"${recorded.length}"`);
    return res;
  }

  it('proposes: 201 with Location and ETag "1"', async () => {
    const res = await http.post('/api/agreements', {
      id,
      title,
      parties: ['USA', 'JPN'],
      provisions: ['mutual_defense', 'basing_access', 'consultation'],
      reviewEveryMonths: 12,
      occurredOn: '1960-01-06',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/agreements/${id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({ id, status: 'proposed', parties: ['USA', 'JPN'], version: 1 });
    recorded.push({ type: 'AgreementProposed', occurredOn: '1960-01-06', mentions: title });
  });

  it('both parties sign, each with If-Match naming the version it saw', async () => {
    await record({ type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party: 'USA' } }, 'USA', {
      'if-match': '"1"',
    });
    const halfway = await http.get(`/api/agreements/${id}`);
    expect(halfway.body).toMatchObject({ status: 'proposed', signatures: { USA: '1960-01-19' } });
    expect(halfway.headers.get('etag')).toBe('"2"');

    // Same business date as the USA signature: the timeline must break the tie by position.
    await record({ type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party: 'JPN' } }, 'JPN', {
      'if-match': '"2"',
    });
    const signed = await http.get(`/api/agreements/${id}`);
    expect(signed.body).toMatchObject({ status: 'signed', signedOn: '1960-01-19', version: 3 });
  });

  it('records an exercise, a (backfilled) review and an amendment', async () => {
    await record(
      {
        type: 'ExerciseHeld',
        occurredOn: '2024-11-01',
        data: {
          name: 'Keen Sword',
          startedOn: '2024-10-23',
          endedOn: '2024-11-01',
          participants: ['USA', 'JPN'],
        },
      },
      'Keen Sword',
    );
    // Recorded after the exercise but dated before it: business-date order differs from position order.
    await record(
      { type: 'ReviewConducted', occurredOn: '2020-03-15', data: { outcome: 'concerns_raised' } },
      'concerns',
    );
    await record(
      {
        type: 'AgreementAmended',
        occurredOn: '2010-05-28',
        data: {
          summary: 'Adds intelligence sharing',
          changes: {
            provisions: ['mutual_defense', 'basing_access', 'consultation', 'intelligence_sharing'],
          },
        },
      },
      'intelligence sharing',
    );
    const status = await http.get(`/api/agreements/${id}`);
    expect(status.body).toMatchObject({
      status: 'signed',
      exerciseCount: 1,
      lastExercise: { name: 'Keen Sword', startedOn: '2024-10-23' },
      lastReview: { on: '2020-03-15', outcome: 'concerns_raised' },
    });
    expect(status.body.provisions).toContain('intelligence_sharing');
  });

  it('Japan withdraws: the agreement ends, status withdrawn', async () => {
    await record(
      {
        type: 'AgreementWithdrawn',
        occurredOn: '2025-06-01',
        data: { party: 'JPN', reason: 'Policy change' },
      },
      'JPN',
    );
    const res = await http.get(`/api/agreements/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"7"');
    expect(res.body).toMatchObject({
      status: 'withdrawn',
      endedOn: '2025-06-01',
      parties: ['USA'],
      version: 7,
    });
  });

  it('the timeline lists all seven events in business-date order, ties by position, one line each', async () => {
    const res = await http.get(`/api/agreements/${id}/timeline`);
    expect(res.status).toBe(200);
    const expected = recorded
      .map((e, i) => ({ ...e, version: i + 1 }))
      .sort((a, b) => a.occurredOn.localeCompare(b.occurredOn) || a.version - b.version);
    const items: any[] = res.body.items;
    expect(items).toHaveLength(7);
    expect(items.map((e) => [e.type, e.occurredOn, e.version])).toEqual(
      expected.map((e) => [e.type, e.occurredOn, e.version]),
    );
    // Positions are the tie-breaker, so within a date they must rise.
    items.forEach((item, i) => {
      const previous = items[i - 1];
      if (previous?.occurredOn === item.occurredOn) expect(item.position).toBeGreaterThan(previous.position);
    });
    items.forEach((item, i) => {
      expect(typeof item.summary).toBe('string');
      expect(item.summary.trim().length).toBeGreaterThan(0);
      expect(item.summary).not.toMatch(/[\r\n]/);
      expect(item.summary).toContain(expected[i]!.mentions);
      expect(item).toMatchObject({ agreementId: id, recordedAt: NOW, actor: expect.any(String) });
    });
    expect(new Set(items.map((e) => e.summary)).size).toBe(7);
    expect(res.body.nextCursor).toBeUndefined();
  });

  it('recording anything afterwards gets 409 AgreementClosed and leaves the stream unchanged', async () => {
    const before = await http.get(`/api/agreements/${id}/events`);
    expect(before.body.items).toHaveLength(7);
    const attempts = [
      {
        type: 'ConsultationHeld',
        occurredOn: '2025-07-01',
        data: { level: 'working', topics: ['next steps'] },
      },
      { type: 'AgreementSigned', occurredOn: '2025-07-01', data: { party: 'USA' } },
      { type: 'AgreementTerminated', occurredOn: '2025-07-01', data: { reason: 'mutual_consent' } },
    ];
    for (const attempt of attempts) {
      const res = await http.post(`/api/agreements/${id}/events`, attempt, { 'if-match': '"7"' });
      expectProblem(res, 409, 'AgreementClosed');
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const after = await http.get(`/api/agreements/${id}/events`);
    expect(after.body).toEqual(before.body);
    const status = await http.get(`/api/agreements/${id}`);
    expect(status.body).toMatchObject({ status: 'withdrawn', version: 7 });
  });

  it('the raw events carry every stored field, chained by hash', async () => {
    const res = await http.get(`/api/agreements/${id}/events`);
    expect(res.status).toBe(200);
    const items: any[] = res.body.items;
    expect(items.map((e) => e.type)).toEqual(recorded.map((e) => e.type));
    items.forEach((e, i) => {
      expect(e).toMatchObject({
        position: expect.any(Number),
        version: i + 1,
        eventId: expect.stringMatching(UUID),
        type: recorded[i]!.type,
        schemaVersion: expect.any(Number),
        occurredOn: recorded[i]!.occurredOn,
        recordedAt: NOW,
        actor: expect.any(String),
        data: expect.any(Object),
        metadata: { correlationId: expect.any(String), requestId: expect.any(String) },
        prevHash: expect.any(String),
        hash: expect.stringMatching(SHA256),
      });
      expect(Number.isInteger(e.position)).toBe(true);
      expect(e.schemaVersion).toBeGreaterThanOrEqual(1);
      if (i > 0) {
        expect(e.position).toBeGreaterThan(items[i - 1].position);
        expect(e.prevHash).toBe(items[i - 1].hash);
      }
    });
    expect(items[1].data).toEqual({ party: 'USA' });
    expect(new Set(items.map((e) => e.eventId)).size).toBe(7);
  });

  it('as-of views: ?version= and ?asOf= give earlier states', async () => {
    const v1 = await http.get(`/api/agreements/${id}?version=1`);
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ status: 'proposed', version: 1, signatures: {} });
    const v3 = await http.get(`/api/agreements/${id}?version=3`);
    expect(v3.body).toMatchObject({ status: 'signed', version: 3 });
    expect(v3.body.provisions).not.toContain('intelligence_sharing');

    const beforeSigning = await http.get(`/api/agreements/${id}?asOf=1960-01-10`);
    expect(beforeSigning.body).toMatchObject({ status: 'proposed', signatures: {} });
    // The amendment (dated 2010) was recorded after the exercise but is in force by 2015.
    const in2015 = await http.get(`/api/agreements/${id}?asOf=2015-01-01`);
    expect(in2015.body).toMatchObject({ status: 'signed', exerciseCount: 0 });
    expect(in2015.body.provisions).toContain('intelligence_sharing');
    const dayBefore = await http.get(`/api/agreements/${id}?asOf=2025-05-31`);
    expect(dayBefore.body).toMatchObject({ status: 'signed', parties: ['USA', 'JPN'] });
    const dayOf = await http.get(`/api/agreements/${id}?asOf=2025-06-01`);
    expect(dayOf.body).toMatchObject({ status: 'withdrawn' });

    expectProblem(await http.get(`/api/agreements/${id}?asOf=1959-12-31`), 404);
    expectProblem(await http.get(`/api/agreements/${id}?version=0`), 400);
    expectProblem(await http.get(`/api/agreements/${id}?asOf=yesterday`), 400);
  });
});

describe('writes: atomic arrays, request ids, idempotent retries', () => {
  let running: RunningApp;
  let http: ReturnType<typeof api>;

  beforeAll(async () => {
    running = await startApp({ clock: new ManualClock(new Date(NOW)) });
    http = api(running.url);
  });
  afterAll(async () => {
    await running.close();
  });

  async function propose(
    id: string,
    parties: string[],
    occurredOn: string,
    headers?: Record<string, string>,
  ) {
    const res = await http.post(
      '/api/agreements',
      { id, title: `Agreement ${id}`, parties, provisions: ['mutual_defense'], occurredOn },
      headers,
    );
    expect(res.status).toBe(201);
    return res;
  }

  it('an array whose third event is refused writes none of them', async () => {
    const id = 'usa-kor-1953';
    await propose(id, ['USA', 'KOR'], '1953-10-01');
    const before = await http.get(`/api/agreements/${id}/events`);

    const refused = await http.post(`/api/agreements/${id}/events`, [
      { type: 'AgreementSigned', occurredOn: '1953-10-01', data: { party: 'USA' } },
      { type: 'AgreementSigned', occurredOn: '1953-10-01', data: { party: 'KOR' } },
      {
        type: 'ExerciseHeld',
        occurredOn: '1953-09-01',
        data: { name: 'Too early', startedOn: '1953-09-01', participants: ['USA'] },
      },
    ]);
    expectProblem(refused, 409, 'DateBeforeProposal');
    const after = await http.get(`/api/agreements/${id}/events`);
    expect(after.body).toEqual(before.body);
    expect(after.body.items).toHaveLength(1);
    const status = await http.get(`/api/agreements/${id}`);
    expect(status.body).toMatchObject({ status: 'proposed', version: 1, signatures: {} });
    expect(status.headers.get('etag')).toBe('"1"');

    // A refusal that depends on the batch's own earlier events (all have signed by the third) is atomic too.
    const twice = await http.post(`/api/agreements/${id}/events`, [
      { type: 'AgreementSigned', occurredOn: '1953-10-01', data: { party: 'USA' } },
      { type: 'AgreementSigned', occurredOn: '1953-10-01', data: { party: 'KOR' } },
      { type: 'AgreementSigned', occurredOn: '1953-10-02', data: { party: 'USA' } },
    ]);
    expectProblem(twice, 409, 'AgreementAlreadySigned');
    expect((await http.get(`/api/agreements/${id}/events`)).body).toEqual(before.body);

    const accepted = await http.post(`/api/agreements/${id}/events`, [
      { type: 'AgreementSigned', occurredOn: '1953-10-01', data: { party: 'USA' } },
      { type: 'AgreementSigned', occurredOn: '1953-10-01', data: { party: 'KOR' } },
    ]);
    expect(accepted.status).toBe(201);
    expect(accepted.headers.get('etag')).toBe('"3"');
    expect(accepted.body.map((e: any) => e.version)).toEqual([2, 3]);
    expect(accepted.body[1].position).toBe(accepted.body[0].position + 1);
    expect((await http.get(`/api/agreements/${id}`)).body).toMatchObject({ status: 'signed', version: 3 });
  });

  it('X-Request-Id comes back and is stored as requestId and, alone, as correlationId', async () => {
    const id = 'usa-phl-1951';
    const proposed = await propose(id, ['USA', 'PHL'], '1951-08-30', { 'x-request-id': 'e2e-req-0001' });
    expect(proposed.headers.get('x-request-id')).toBe('e2e-req-0001');

    const signed = await http.post(
      `/api/agreements/${id}/events`,
      { type: 'AgreementSigned', occurredOn: '1951-08-30', data: { party: 'USA' } },
      { 'x-request-id': 'e2e-req-0002', 'x-correlation-id': 'e2e-corr-42' },
    );
    expect(signed.status).toBe(201);
    expect(signed.headers.get('x-request-id')).toBe('e2e-req-0002');

    const events: any[] = (await http.get(`/api/agreements/${id}/events`)).body.items;
    expect(events[0].metadata).toMatchObject({ requestId: 'e2e-req-0001', correlationId: 'e2e-req-0001' });
    expect(events[1].metadata).toMatchObject({ requestId: 'e2e-req-0002', correlationId: 'e2e-corr-42' });

    // Without one, the server makes one up, answers with it and stores it.
    const unnamed = await http.get(`/api/agreements/${id}`);
    expect(unnamed.headers.get('x-request-id')).toEqual(expect.any(String));
  });

  it('a client eventId retried returns the same event and writes nothing', async () => {
    const id = 'usa-aus-1951';
    const proposeId = randomUUID();
    const body = {
      id,
      title: 'Security Treaty',
      parties: ['USA', 'AUS'],
      provisions: ['mutual_defense', 'consultation'],
      occurredOn: '1951-09-01',
      eventId: proposeId,
    };
    const first = await http.post('/api/agreements', body);
    expect(first.status).toBe(201);
    const again = await http.post('/api/agreements', body);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id, status: 'proposed', version: 1 });

    const eventId = randomUUID();
    const sign = { type: 'AgreementSigned', occurredOn: '1951-09-01', eventId, data: { party: 'AUS' } };
    const signed = await http.post(`/api/agreements/${id}/events`, sign);
    expect(signed.status).toBe(201);
    expect(signed.body.eventId).toBe(eventId);
    const before = await http.get(`/api/agreements/${id}/events`);

    const retried = await http.post(`/api/agreements/${id}/events`, sign);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(signed.body);
    expect(retried.headers.get('etag')).toBe('"2"');
    const after = await http.get(`/api/agreements/${id}/events`);
    expect(after.body).toEqual(before.body);
    expect(after.body.items.map((e: any) => e.eventId)).toEqual([proposeId, eventId]);
    expect((await http.get(`/api/agreements/${id}`)).body).toMatchObject({ version: 2 });
  });
});

describe('listing agreements', () => {
  let running: RunningApp;
  let http: ReturnType<typeof api>;

  interface Fixture {
    id: string;
    title: string;
    parties: string[];
    provisions: string[];
    proposedOn: string;
    signedOn?: string;
    withdrawal?: { party: string; on: string };
  }
  const FIXTURES: Fixture[] = [
    {
      id: 'usa-jpn-1960',
      title: 'Treaty of Mutual Cooperation and Security',
      parties: ['USA', 'JPN'],
      provisions: ['mutual_defense', 'basing_access'],
      proposedOn: '1960-01-06',
      signedOn: '1960-01-19',
    },
    {
      id: 'usa-kor-1953',
      title: 'Mutual Defense Treaty',
      parties: ['USA', 'KOR'],
      provisions: ['mutual_defense'],
      proposedOn: '1953-10-01',
      signedOn: '1953-10-01',
    },
    {
      id: 'aus-gbr-usa-2021',
      title: 'Enhanced Trilateral Security Partnership',
      parties: ['AUS', 'GBR', 'USA'],
      provisions: ['technology_transfer', 'capability_building'],
      proposedOn: '2021-09-15',
    },
    {
      id: 'chn-rus-2001',
      title: 'Treaty of Good-Neighborliness and Friendly Cooperation',
      parties: ['CHN', 'RUS'],
      provisions: ['consultation', 'non_aggression'],
      proposedOn: '2001-07-16',
      signedOn: '2001-07-16',
    },
    {
      id: 'cow-bav-wrt-1870',
      title: 'Defensive alliance of the southern states',
      parties: ['COW-BAV', 'COW-WRT'],
      provisions: ['mutual_defense', 'neutrality'],
      proposedOn: '1870-07-01',
      signedOn: '1870-07-20',
      withdrawal: { party: 'COW-WRT', on: '1871-01-18' },
    },
  ];
  const statusOf = (f: Fixture) => (f.withdrawal ? 'withdrawn' : f.signedOn ? 'signed' : 'proposed');
  const activeOn = (f: Fixture, d: string) =>
    f.signedOn !== undefined && f.signedOn <= d && (f.withdrawal === undefined || f.withdrawal.on > d);
  const ids = (list: Fixture[]) => list.map((f) => f.id).sort();

  beforeAll(async () => {
    running = await startApp({ clock: new ManualClock(new Date(NOW)) });
    http = api(running.url);
    for (const f of FIXTURES) {
      const { id, title, parties, provisions, proposedOn } = f;
      const proposed = await http.post('/api/agreements', {
        id,
        title,
        parties,
        provisions,
        occurredOn: proposedOn,
      });
      expect(proposed.status).toBe(201);
      const events: unknown[] = [];
      if (f.signedOn) {
        for (const party of parties)
          events.push({ type: 'AgreementSigned', occurredOn: f.signedOn, data: { party } });
      }
      if (f.withdrawal) {
        events.push({
          type: 'AgreementWithdrawn',
          occurredOn: f.withdrawal.on,
          data: { party: f.withdrawal.party },
        });
      }
      if (events.length > 0)
        expect((await http.post(`/api/agreements/${id}/events`, events)).status).toBe(201);
    }
  });
  afterAll(async () => {
    await running.close();
  });

  async function listIds(query: string): Promise<string[]> {
    const res = await http.get(`/api/agreements?${query}`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeUndefined();
    return res.body.items.map((a: any) => a.id).sort();
  }

  it('lists all of them, each with its status', async () => {
    const res = await http.get('/api/agreements');
    expect(res.body.items.map((a: any) => a.id).sort()).toEqual(ids(FIXTURES));
    for (const f of FIXTURES) {
      expect(res.body.items.find((a: any) => a.id === f.id)).toMatchObject({
        title: f.title,
        status: statusOf(f),
      });
    }
  });

  it.each([
    ['party=USA', (f: Fixture) => f.parties.includes('USA')],
    ['party=CHN', (f: Fixture) => f.parties.includes('CHN')],
    ['status=signed', (f: Fixture) => statusOf(f) === 'signed'],
    ['status=proposed', (f: Fixture) => statusOf(f) === 'proposed'],
    ['status=withdrawn', (f: Fixture) => statusOf(f) === 'withdrawn'],
    ['status=in_force', () => false],
    ['provision=mutual_defense', (f: Fixture) => f.provisions.includes('mutual_defense')],
    ['provision=technology_transfer', (f: Fixture) => f.provisions.includes('technology_transfer')],
    ['q=treaty', (f: Fixture) => /treaty/i.test(f.title)],
    ['q=DEFENSE', (f: Fixture) => /defense/i.test(f.title)],
    ['q=mutual%20treaty', (f: Fixture) => /mutual/i.test(f.title) && /treaty/i.test(f.title)],
    ['q=nothing-like-this', () => false],
    ['activeOn=1965-01-01', (f: Fixture) => activeOn(f, '1965-01-01')],
    ['activeOn=1870-12-01', (f: Fixture) => activeOn(f, '1870-12-01')],
    ['activeOn=1871-01-18', (f: Fixture) => activeOn(f, '1871-01-18')],
    ['activeOn=2025-01-01', (f: Fixture) => activeOn(f, '2025-01-01')],
    ['party=USA&status=signed', (f: Fixture) => f.parties.includes('USA') && statusOf(f) === 'signed'],
  ])('filters by %s', async (query, keep) => {
    const expected = ids(FIXTURES.filter(keep));
    expect(await listIds(query)).toEqual(expected);
  });

  it('the activeOn oracle is not vacuous: it selects some agreements, not all', () => {
    // Guards the oracle itself: these cases must select some but not all agreements.
    expect(ids(FIXTURES.filter((f) => activeOn(f, '1870-12-01')))).toEqual(['cow-bav-wrt-1870']);
    expect(FIXTURES.filter((f) => activeOn(f, '1965-01-01')).length).toBe(2);
  });

  it('limit=2 walks all five exactly once with the cursor', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await http.get(
        `/api/agreements?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      sizes.push(res.body.items.length);
      seen.push(...res.body.items.map((a: any) => a.id));
      cursor = res.body.nextCursor;
      if (cursor === undefined) break;
    }
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen.length).toBe(5);
    expect([...seen].sort()).toEqual(ids(FIXTURES));
  });

  it('pages a filtered list too', async () => {
    const first = await http.get('/api/agreements?party=USA&limit=1');
    const rest = await http.get(`/api/agreements?party=USA&limit=10&cursor=${first.body.nextCursor}`);
    const seen = [...first.body.items, ...rest.body.items].map((a: any) => a.id).sort();
    expect(seen).toEqual(ids(FIXTURES.filter((f) => f.parties.includes('USA'))));
  });

  it('refuses limit=1001, limit=0 and a garbage cursor with 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['limit=1001', 'limit'],
      ['limit=0', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=not-a-cursor!!', 'cursor'],
      [`cursor=${Buffer.from('{"x":1}').toString('base64url')}`, 'cursor'],
      ['status=dormant', 'status'],
      ['party=usa', 'party'],
      ['activeOn=2023-02-30', 'activeOn'],
      ['colour=blue', 'colour'],
    ] as const) {
      const res = await http.get(`/api/agreements?${query}`);
      expectProblem(res, 400);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
    expect((await http.get('/api/agreements?limit=1000')).status).toBe(200);
  });
});
