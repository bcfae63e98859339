import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import { SQLITE } from '../../src/storage/sqlite/sqlite.providers.js';
import type { SqliteHandle } from '../../src/storage/sqlite/sqlite.database.js';
import { rebuildProjections } from '../../src/storage/sqlite/sqlite-rebuild.js';
import { SqliteChanges } from '../../src/storage/sqlite/sqlite-changes.js';
import { sqliteReadModels } from '../../src/storage/sqlite/sqlite-read-models.js';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { PARTY_POOL, RandomAgreement, seeded } from '../support/random-history.js';

/**
 * A long random history recorded through the HTTP API, then the read models replayed
 * from the event store: the rebuilt tables equal the inline ones row for row, and every
 * read endpoint answers the same after all read-model rows were deleted and rebuilt.
 */
const SEED = Number(process.env.REBUILD_SEED ?? 1764288);
const AGREEMENTS = 300;
const TODAY = '2025-01-15';

describe(`projection rebuild (seed ${SEED})`, () => {
  // Generous: the history goes through real HTTP, and test machines are shared.
  jest.setTimeout(180_000);
  const clock = new ManualClock(new Date(`${TODAY}T12:00:00Z`));
  let running: RunningApp;
  let http: ReturnType<typeof api>;
  let db: Database;
  let agreements: RandomAgreement[];
  let eventCount = 0;
  const TABLES = sqliteReadModels().flatMap((p) => p.tables);

  /** Every row of every read-model table, in a stable order. */
  function tables(): Record<string, string[]> {
    return Object.fromEntries(
      TABLES.map((t) => [
        t,
        db
          .prepare(`SELECT * FROM ${t}`)
          .all()
          .map((row) => JSON.stringify(row))
          .sort(),
      ]),
    );
  }

  async function all(path: string): Promise<unknown[]> {
    const items: unknown[] = [];
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

  /** The answer of every read endpoint, keyed by path. */
  async function readEverything(): Promise<Record<string, unknown>> {
    const answers: Record<string, unknown> = {};
    const lists = [
      '/api/agreements',
      '/api/agreements?party=JPN&status=in_force',
      '/api/agreements?activeOn=2015-06-01',
      '/api/milestones',
      '/api/milestones?owner=USA',
      '/api/milestones?status=overdue',
      '/api/milestones?status=due_soon',
      '/api/milestones?status=met_late',
      '/api/timeline',
      '/api/timeline?party=KOR&from=2010-01-01&to=2020-12-31',
      '/api/timeline?type=ExerciseHeld',
    ];
    for (const path of lists) answers[path] = await all(path);
    answers.total = (await http.get('/api/agreements?limit=1')).body.total;
    for (const party of PARTY_POOL)
      answers[`/api/parties/${party}`] = (await http.get(`/api/parties/${party}`)).body;
    await pool(
      agreements.map((a) => async () => {
        for (const path of [`/api/agreements/${a.id}`, `/api/agreements/${a.id}?asOf=2012-01-01`]) {
          answers[path] = (await http.get(path)).body;
        }
        answers[`/api/agreements/${a.id}/timeline`] = await all(`/api/agreements/${a.id}/timeline`);
        answers[`/api/agreements/${a.id}/milestones`] = await all(`/api/agreements/${a.id}/milestones`);
      }),
      8,
    );
    return answers;
  }

  /** Runs `tasks` with at most `width` in flight: concurrent appends share commits. */
  async function pool(tasks: (() => Promise<void>)[], width: number) {
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < tasks.length) await tasks[next++]!();
      }),
    );
  }

  beforeAll(async () => {
    running = await startApp({ clock });
    http = api(running.url);
    db = running.app.get<symbol, SqliteHandle>(SQLITE).db;
    const rand = seeded(SEED);
    agreements = Array.from(
      { length: AGREEMENTS },
      (_, i) => new RandomAgreement(`random-${i}`, rand, TODAY),
    );
    await pool(
      agreements.map((a) => async () => {
        expect((await http.post('/api/agreements', a.propose())).status).toBe(201);
      }),
      16,
    );
    eventCount += AGREEMENTS;
    // Rounds over all agreements interleave their streams in the global order.
    for (let round = 0; round < 8; round++) {
      // Every 25th agreement stays a bare proposal.
      const tasks = agreements.map((a, i) => async () => {
        if (i % 25 === 0) return;
        const batch = [];
        for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
          const event = a.next();
          if (event) batch.push(event);
        }
        if (batch.length === 0) return;
        const res = await http.post(`/api/agreements/${a.id}/events`, batch);
        expect(res.status).toBe(201);
        eventCount += batch.length;
      });
      await pool(tasks, 16);
    }
  }, 240_000);
  afterAll(async () => {
    await running.close();
  });

  let inline: Record<string, string[]>;
  let answers: Record<string, unknown>;

  it('generated a long history touching every kind of read model', () => {
    expect(eventCount).toBeGreaterThan(3000);
    inline = tables();
    // The log tree is one row: the right edge of a tree of every event.
    for (const t of TABLES.filter((t) => t !== 'log_tree')) expect(inline[t]!.length).toBeGreaterThan(50);
    expect(JSON.parse(inline['log_tree']![0]!).size).toBe(eventCount);
    const statuses = new Set(agreements.map((a) => a.state.status));
    expect([...statuses].sort()).toEqual([
      'in_force',
      'proposed',
      'signed',
      'suspended',
      'terminated',
      'withdrawn',
    ]);
  });

  it('rebuilds tables equal to the inline ones, row for row', async () => {
    answers = await readEverything();
    const progress: number[] = [];
    // Batches commit with synchronous=NORMAL; the connection is durable again in between and after.
    const synchronousInBetween: unknown[] = [];
    const result = await rebuildProjections(db, {
      batchSize: 97,
      onProgress: (p) => {
        progress.push(p.position);
        synchronousInBetween.push(db.pragma('synchronous', { simple: true }));
      },
    });
    expect(result).toMatchObject({ completed: true, resumedFrom: 0, events: eventCount });
    expect(new Set(synchronousInBetween)).toEqual(new Set([2]));
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(progress.length).toBe(Math.ceil(eventCount / 97));
    expect(tables()).toEqual(inline);
    expect(await readEverything()).toEqual(answers);
  });

  it('gives back identical answers from every endpoint after all read-model rows were deleted', async () => {
    for (const t of TABLES) db.exec(`DELETE FROM ${t}`);
    expect((await http.get('/api/agreements')).body).toEqual({ items: [], total: 0 });
    expect((await http.get('/api/timeline')).body).toEqual({ items: [] });
    expect((await http.get('/api/milestones')).body).toEqual({ items: [] });

    // Interrupted after three batches: the live tables stay as they were (empty), the checkpoint is kept.
    const stop = new AbortController();
    let batches = 0;
    const first = await rebuildProjections(db, {
      batchSize: 500,
      signal: stop.signal,
      onProgress: () => {
        if (++batches === 3) stop.abort();
      },
    });
    expect(first).toMatchObject({ completed: false, position: expect.any(Number), events: 1500 });
    expect((await http.get('/api/agreements')).body.total).toBe(0);

    const resumed = await rebuildProjections(db, { batchSize: 500 });
    expect(resumed).toMatchObject({
      completed: true,
      resumedFrom: first.position,
      events: eventCount - 1500,
    });
    expect(tables()).toEqual(inline);
    expect(await readEverything()).toEqual(answers);
  });

  it('leaves no read cache on the connection answering from the tables it replaced', async () => {
    const id = agreements[1]!.id;
    const before = (await http.get(`/api/agreements/${id}`)).body;
    // A read model gone wrong, written on this connection and announced as any such write must be.
    db.prepare(
      "UPDATE agreement_status SET state = json_set(state, '$.title', 'Not rebuilt yet') WHERE id = ?",
    ).run(id);
    SqliteChanges.of(db).committed();
    expect((await http.get(`/api/agreements/${id}`)).body.title).toBe('Not rebuilt yet');

    await rebuildProjections(db, { batchSize: 1000 });
    expect((await http.get(`/api/agreements/${id}`)).body).toEqual(before);
  });

  it('keeps events appended during a rebuild, and the inline projections work on the swapped-in tables', async () => {
    const pending: Promise<{ status: number }>[] = [];
    const headBefore = db.prepare('SELECT MAX(position) FROM events').pluck().get() as number;
    const result = await rebuildProjections(db, {
      batchSize: 200,
      onProgress: () => {
        // Appends from the server's own connection, landing between the rebuild's batches.
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
    // The rebuild yields between batches, so appends landed while it ran and it caught up with them.
    expect(result.position).toBeGreaterThan(headBefore);
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const after = await http.post('/api/agreements/during-rebuild-0/events', {
      type: 'AgreementSigned',
      data: { party: 'USA' },
    });
    expect(after.status).toBe(201);
    const timeline = await http.get('/api/agreements/during-rebuild-0/timeline');
    expect(timeline.body.items.map((e: any) => e.type)).toEqual(['AgreementProposed', 'AgreementSigned']);

    const live = tables();
    expect(live.agreement_status!.length).toBe(AGREEMENTS + 5);
    const again = await rebuildProjections(db, { batchSize: 1000 });
    expect(again.completed).toBe(true);
    expect(tables()).toEqual(live);
  });
});
