import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startApp, type RunningApp } from '../support/app.js';
import { api, type JsonResponse } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/**
 * Idempotency-Key across two instances on one PostgreSQL database: concurrent duplicates split
 * across both write once and all get the same response, only one of them unmarked; the same key
 * with two bodies across instances writes once and refuses the other body; a placeholder left by
 * an instance that died mid-request is taken over by exactly one of them.
 */

const AGREEMENT = 'usa-phl-1951';
const REQUESTS = 50;

const consult = (topic: string) => ({
  type: 'ConsultationHeld',
  occurredOn: '1951-09-01',
  data: { level: 'working', topics: [topic] },
});

describe('Idempotency-Key on two instances sharing one PostgreSQL database', () => {
  let database: TestDatabase;
  const instances: RunningApp[] = [];
  let clients: ReturnType<typeof api>[];

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let i = 0; i < 2; i++) instances.push(await startApp({ databaseUrl: database.url }));
    clients = instances.map((i) => api(i.url));
    const created = await clients[0]!.post('/api/agreements', {
      id: AGREEMENT,
      title: 'Mutual Defense Treaty',
      parties: ['USA', 'PHL'],
      provisions: ['mutual_defense'],
      occurredOn: '1951-08-30',
    });
    expect(created.status).toBe(201);
    const signed = await clients[1]!.post(`/api/agreements/${AGREEMENT}/events`, [
      { type: 'AgreementSigned', occurredOn: '1951-08-30', data: { party: 'USA' } },
      { type: 'AgreementSigned', occurredOn: '1951-08-30', data: { party: 'PHL' } },
    ]);
    expect(signed.status).toBe(201);
  });

  afterAll(async () => {
    try {
      for (const instance of instances) await instance.close();
    } finally {
      await database?.drop();
    }
  });

  /** One statement on the shared database, straight through its own connection. */
  async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<T>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  const events = `/api/agreements/${AGREEMENT}/events`;
  const eventCount = async () => (await clients[1]!.get(`${events}?limit=1000`)).body.items.length as number;

  /** `count` requests with one key, alternately through each instance, all at once. */
  const splitAcross = (count: number, key: string, body: (i: number) => unknown) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        clients[i % 2]!.post(events, body(i), { 'idempotency-key': key }),
      ),
    );

  /** Exactly one response ran the request; every response is the same status and body. */
  function expectOneRunAllSame(responses: JsonResponse[]): JsonResponse {
    const ran = responses.filter((r) => r.headers.get('idempotent-replayed') !== 'true');
    expect(ran).toHaveLength(1);
    const first = ran[0]!;
    expect(first.status).toBe(201);
    for (const res of responses) {
      expect({ status: res.status, body: res.body, etag: res.headers.get('etag') }).toEqual({
        status: first.status,
        body: first.body,
        etag: first.headers.get('etag'),
      });
    }
    return first;
  }

  it(`${REQUESTS} concurrent requests with one key, split across both instances, write one event`, async () => {
    // A few rounds, each with a fresh key, so the race between the instances is run more than once.
    for (const round of [1, 2, 3]) {
      const before = await eventCount();
      const responses = await splitAcross(REQUESTS, `split-${round}`, () => consult(`round ${round}`));
      expect(await eventCount()).toBe(before + 1);
      const first = expectOneRunAllSame(responses);
      expect(first.body).toMatchObject({ type: 'ConsultationHeld', version: before + 1 });
    }
  });

  it('one key with two bodies across both instances: one event, the other body refused with 422', async () => {
    const before = await eventCount();
    const topics = ['basing', 'logistics'];
    // Each body goes through both instances.
    const responses = await splitAcross(40, 'two-bodies', (i) => consult(topics[Math.floor(i / 2) % 2]!));
    expect(await eventCount()).toBe(before + 1);
    const winner = responses.find((r) => r.status === 201)!;
    const winning = winner.body.data.topics[0];
    responses.forEach((res, i) => {
      if (topics[Math.floor(i / 2) % 2] === winning) {
        expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: winner.body });
      } else {
        expect(res.status).toBe(422);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    });
  });

  it('a placeholder left by an instance that died is taken over by one request, the others replay it', async () => {
    // A first use of another key leaves a row naming the caller's key_id and the request's fingerprint.
    const probe = await clients[0]!.post(events, consult('after a crash'), { 'idempotency-key': 'probe' });
    expect(probe.status).toBe(201);
    const [row] = await sql<{ key_id: string; fingerprint: string }>(
      "SELECT key_id, fingerprint FROM idempotency_keys WHERE idem_key = 'probe'",
    );
    const leftAt = new Date(Date.now() - 10 * 60_000).toISOString();
    await sql(
      `INSERT INTO idempotency_keys (key_id, idem_key, fingerprint, status, headers, body, created_at)
       VALUES ($1, 'crashed', $2, 0, '{}', 'null', $3)`,
      [row!.key_id, row!.fingerprint, leftAt],
    );

    const before = await eventCount();
    const responses = await splitAcross(REQUESTS, 'crashed', () => consult('after a crash'));
    expect(await eventCount()).toBe(before + 1);
    const first = expectOneRunAllSame(responses);
    expect(first.body.eventId).not.toBe(probe.body.eventId);
    const stored = await sql<{ status: number; created_at: string }>(
      "SELECT status, created_at FROM idempotency_keys WHERE idem_key = 'crashed'",
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]!.status).toBe(201);
    // Taken over: the claim moved on from the dead instance's.
    expect(stored[0]!.created_at).not.toBe(leftAt);
  });
});
