import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventSource } from 'eventsource';
import { TEST_ADMIN_KEY } from '../support/app.js';
import { startAppProcess, type AppProcess } from '../support/app-process.js';
import { api, type JsonResponse } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/**
 * Two application processes on one PostgreSQL database, 16 concurrent writers through each,
 * to one shared agreement and to agreements of their own: nothing lost, nothing twice,
 * versions contiguous, the global feed complete and in order, stale If-Match answered 412,
 * and a live-feed client of instance A sees what was written through instance B.
 */

const INSTANCES = 2;
const WRITERS = 16;
const SHARED = 'shared-alliance';

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 60_000; !predicate();) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const proposal = (id: string) => ({
  id,
  title: `Agreement ${id}`,
  parties: ['USA', 'JPN'],
  provisions: ['mutual_defense', 'joint_exercises'],
  occurredOn: '2020-01-06',
});
const signed = (party: string) => ({ type: 'AgreementSigned', occurredOn: '2020-02-01', data: { party } });
const exercise = (name: string) => ({
  type: 'ExerciseHeld',
  occurredOn: '2021-05-01',
  data: { name, startedOn: '2021-05-01', participants: ['USA', 'JPN'] },
});

/** Every item of a paged list, following nextCursor. */
async function allPages(http: ReturnType<typeof api>, path: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await http.get(
      `${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('several instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  const instances: AppProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // Both start together: migrations must run once, the second instance waiting its turn.
    instances.push(
      ...(await Promise.all(
        Array.from({ length: INSTANCES }, () => startAppProcess({ DATABASE_URL: database.url })),
      )),
    );
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await database?.drop();
  });

  it(`${INSTANCES} instances × ${WRITERS} concurrent writers: nothing lost or doubled, order kept, SSE across instances`, async () => {
    const [a, b] = instances.map((i) => api(i.url));
    // A live-feed client on instance A, connected before anything is written.
    const live: { id: number; eventId: string }[] = [];
    const source = new EventSource(`${instances[0]!.url}/api/events/live?lastEventId=0`, {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${TEST_ADMIN_KEY}` } }),
    });
    source.onmessage = (m) =>
      live.push({ id: Number(m.lastEventId), eventId: (JSON.parse(m.data) as { eventId: string }).eventId });
    try {
      const written: { via: number; body: any }[] = [];
      const created = (via: number, res: JsonResponse) => {
        expect(res.status).toBe(201);
        written.push({ via, body: res.body });
      };

      // The shared agreement: proposed through A, signed through B.
      const proposed = await a!.post('/api/agreements', proposal(SHARED));
      expect(proposed.status).toBe(201);
      const first = (await a!.get(`/api/agreements/${SHARED}/events`)).body.items[0];
      written.push({ via: 0, body: first });
      created(1, await b!.post(`/api/agreements/${SHARED}/events`, signed('USA')));
      created(1, await b!.post(`/api/agreements/${SHARED}/events`, signed('JPN')));

      let conflicts = 0;
      let conditionalWins = 0;
      const writer = async (via: number, w: number) => {
        const http = api(instances[via]!.url);
        const own = `own-${via}-${w}`;
        const res = await http.post('/api/agreements', proposal(own));
        expect(res.status).toBe(201);
        written.push({ via, body: (await http.get(`/api/agreements/${own}/events`)).body.items[0] });
        created(via, await http.post(`/api/agreements/${own}/events`, signed('USA'), { 'if-match': '"1"' }));
        created(via, await http.post(`/api/agreements/${own}/events`, signed('JPN'), { 'if-match': '"2"' }));
        for (let round = 0; round < 3; round++) {
          // Unconditional: a concurrent change makes the server decide again, never a refusal.
          created(
            via,
            await http.post(`/api/agreements/${SHARED}/events`, exercise(`shared ${via}/${w}/${round}`)),
          );
          created(via, await http.post(`/api/agreements/${own}/events`, exercise(`own ${round}`)));
          // Conditional: the version read may be stale by the time the write arrives.
          const seen = await http.get(`/api/agreements/${SHARED}`);
          const version = Number(JSON.parse(seen.headers.get('etag')!));
          const attempt = await http.post(
            `/api/agreements/${SHARED}/events`,
            exercise(`if-match ${via}/${w}/${round}`),
            {
              'if-match': `"${version}"`,
            },
          );
          if (attempt.status === 412) {
            conflicts++;
            expect(attempt.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          } else {
            created(via, attempt);
            conditionalWins++;
            expect(attempt.body.version).toBe(version + 1);
          }
        }
      };
      await Promise.all(
        instances.flatMap((_, via) => Array.from({ length: WRITERS }, (__, w) => writer(via, w))),
      );

      // A version that is certainly stale is refused on every instance, and writes nothing.
      for (const http of [a!, b!]) {
        const stale = await http.post(`/api/agreements/${SHARED}/events`, exercise('stale'), {
          'if-match': '"1"',
        });
        expect(stale.status).toBe(412);
      }

      // The global feed, read through B: complete, each event once, positions 1..N in order.
      const feed = await allPages(b!, '/api/events');
      const total = written.length;
      expect(feed.map((e) => e.position)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(new Set(feed.map((e) => e.eventId)).size).toBe(total);
      expect(new Set(feed.map((e) => e.eventId))).toEqual(new Set(written.map((w) => w.body.eventId)));
      const byEventId = new Map(feed.map((e) => [e.eventId, e]));
      for (const { body } of written) {
        expect(byEventId.get(body.eventId)).toMatchObject({ position: body.position, version: body.version });
      }

      // Every agreement: versions 1..n, the same status on both instances, its chain intact.
      const agreements = [
        SHARED,
        ...instances.flatMap((_, via) => Array.from({ length: WRITERS }, (__, w) => `own-${via}-${w}`)),
      ];
      for (const id of agreements) {
        const events = await allPages(a!, `/api/agreements/${id}/events`);
        expect(events.map((e) => e.version)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
        expect(events.length).toBe(written.filter((w) => w.body.agreementId === id).length);
        const [fromA, fromB] = await Promise.all([
          a!.get(`/api/agreements/${id}`),
          b!.get(`/api/agreements/${id}`),
        ]);
        expect(fromA.body).toEqual(fromB.body);
        expect(fromA.body.version).toBe(events.length);
        expect((await b!.get(`/api/agreements/${id}/audit/verify`)).body).toMatchObject({
          valid: true,
          checked: events.length,
        });
      }
      const shared = feed.filter((e) => e.agreementId === SHARED);
      expect(shared.filter((e) => e.type === 'ExerciseHeld')).toHaveLength(
        INSTANCES * WRITERS * 3 + conditionalWins,
      );
      expect(conditionalWins + conflicts).toBe(INSTANCES * WRITERS * 3);

      // The live client on A saw everything, in order, including every event written through B.
      await until(() => live.length >= total, 'the live feed on instance A');
      expect(live.map((m) => m.id)).toEqual(feed.map((e) => e.position));
      const seenOnA = new Set(live.map((m) => m.eventId));
      const throughB = written.filter((w) => w.via === 1);
      expect(throughB.length).toBeGreaterThan(0);
      for (const { body } of throughB) expect(seenOnA.has(body.eventId)).toBe(true);

      const metrics = await fetch(`${instances[0]!.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/^treaty_ledger_appends_total\{outcome="committed"\} \d+/m);

      console.log(
        `multi-instance: ${INSTANCES} instances × ${WRITERS} writers: ${total} events in the feed ` +
          `(${written.filter((w) => w.via === 0).length} through A, ${throughB.length} through B), ` +
          `${agreements.length} agreements, If-Match on the shared one: ${conditionalWins} accepted, ${conflicts} answered 412; ` +
          `live client on A received ${live.length}`,
      );
    } finally {
      source.close();
    }
  });
});
