import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type pg from 'pg';
import { createPool } from '../../src/storage/postgres/postgres.database.js';
import { rebuildPostgresProjections } from '../../src/storage/postgres/postgres-rebuild.js';
import { postgresReadModels } from '../../src/storage/postgres/postgres-read-models.js';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { PARTY_POOL, RandomAgreement, seeded } from '../support/random-history.js';

/**
 * The PostgreSQL rebuild: a random history recorded through the API, the read models
 * replayed into fresh tables and swapped in: equal row for row to the inline ones, the same
 * answers from the API, the same index names, and appends made meanwhile kept.
 */
const SEED = 1764288;
const AGREEMENTS = 80;
const TODAY = '2025-01-15';

describe('projection rebuild on PostgreSQL', () => {
  jest.setTimeout(180_000);
  let database: TestDatabase;
  let running: RunningApp;
  let http: ReturnType<typeof api>;
  let pool: pg.Pool;
  let eventCount = 0;
  const TABLES = postgresReadModels().flatMap((p) => p.tables);

  async function tables(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const t of TABLES) {
      const { rows } = await pool.query(`SELECT * FROM ${t}`);
      out[t] = rows.map((row) => JSON.stringify(row)).sort();
    }
    return out;
  }

  async function indexNames(): Promise<string[]> {
    const { rows } = await pool.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1::text[])',
      [TABLES],
    );
    return rows.map((r) => r.indexname).sort();
  }

  async function readEverything(): Promise<Record<string, unknown>> {
    const answers: Record<string, unknown> = {};
    for (const path of [
      '/api/agreements?limit=1000',
      '/api/agreements?activeOn=2015-06-01&limit=1000',
      '/api/milestones?limit=1000',
      '/api/milestones?status=overdue&limit=1000',
      '/api/timeline?limit=1000',
      '/api/timeline?type=ExerciseHeld&limit=1000',
      ...PARTY_POOL.map((p) => `/api/parties/${p}`),
    ]) {
      const res = await http.get(path);
      expect(res.status).toBe(200);
      answers[path] = res.body;
    }
    return answers;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    running = await startApp({
      databaseUrl: database.url,
      clock: new ManualClock(new Date(`${TODAY}T12:00:00Z`)),
    });
    http = api(running.url);
    pool = createPool(database.url, { max: 4 });
    const rand = seeded(SEED);
    const agreements = Array.from(
      { length: AGREEMENTS },
      (_, i) => new RandomAgreement(`random-${i}`, rand, TODAY),
    );
    await Promise.all(
      agreements.map(async (a) => {
        expect((await http.post('/api/agreements', a.propose())).status).toBe(201);
        eventCount++;
        for (let round = 0; round < 6; round++) {
          const event = a.next();
          if (!event) break;
          expect((await http.post(`/api/agreements/${a.id}/events`, event)).status).toBe(201);
          eventCount++;
        }
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await running?.close();
    await pool?.end();
    await database?.drop();
  });

  it('rebuilds tables equal to the inline ones, with the same indexes and answers', async () => {
    const inline = await tables();
    for (const t of TABLES) expect(inline[t]!.length).toBeGreaterThan(0);
    const indexes = await indexNames();
    const answers = await readEverything();
    const progress: number[] = [];

    const result = await rebuildPostgresProjections(pool, {
      batchSize: 97,
      onProgress: (p) => progress.push(p.position),
    });

    expect(result).toMatchObject({ completed: true, resumedFrom: 0, events: eventCount });
    expect(progress.length).toBe(Math.ceil(eventCount / 97));
    expect(await tables()).toEqual(inline);
    expect(await indexNames()).toEqual(indexes);
    expect(await readEverything()).toEqual(answers);
  });

  it('resumes an interrupted rebuild, leaving the live tables alone until the swap', async () => {
    const inline = await tables();
    const answers = await readEverything();
    for (const t of TABLES) await pool.query(`DELETE FROM ${t}`);
    const stop = new AbortController();
    let batches = 0;
    const first = await rebuildPostgresProjections(pool, {
      batchSize: 50,
      signal: stop.signal,
      onProgress: () => {
        if (++batches === 2) stop.abort();
      },
    });
    expect(first).toMatchObject({ completed: false, events: 100 });
    expect((await http.get('/api/agreements')).body.total).toBe(0);

    const resumed = await rebuildPostgresProjections(pool, { batchSize: 50 });
    expect(resumed).toMatchObject({ completed: true, resumedFrom: first.position, events: eventCount - 100 });
    expect(await tables()).toEqual(inline);
    expect(await readEverything()).toEqual(answers);
  });

  it('keeps events appended during a rebuild, and the inline projections work on the swapped-in tables', async () => {
    const pending: Promise<{ status: number }>[] = [];
    const result = await rebuildPostgresProjections(pool, {
      batchSize: 40,
      onProgress: () => {
        if (pending.length < 5) {
          pending.push(
            http.post('/api/agreements', {
              id: `during-rebuild-${pending.length}`,
              title: 'Recorded while rebuilding',
              parties: ['USA', 'PHL'],
              provisions: ['consultation'],
            }),
          );
        }
      },
    });
    expect(result.completed).toBe(true);
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const signed = await http.post('/api/agreements/during-rebuild-0/events', {
      type: 'AgreementSigned',
      data: { party: 'USA' },
    });
    expect(signed.status).toBe(201);
    const timeline = await http.get('/api/agreements/during-rebuild-0/timeline');
    expect(timeline.body.items.map((e: any) => e.type)).toEqual(['AgreementProposed', 'AgreementSigned']);
    expect((await http.get('/api/agreements?limit=1')).body.total).toBe(AGREEMENTS + 5);
  });
});
