import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPool, runPostgresMigrations } from '../../src/storage/postgres/postgres.database.js';
import { StoreUnavailable, type NewEvent, type StoredEvent } from '../../src/event-store/event-store.port.js';
import { verifyChain } from '../../src/event-store/hashing.js';
import {
  APPEND_LOCK,
  PostgresEventStore,
  type PostgresProjection,
} from '../../src/storage/postgres/event-store/postgres-event-store.js';
import type { UpcasterChain } from '../../src/event-store/upcasting.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { eventStoreContract } from './event-store.contract.js';
import { PostgresStatusProjection } from '../../src/storage/postgres/read/postgres-status.projection.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await runPostgresMigrations(database.url);
});

afterAll(async () => {
  await database.drop();
});

interface Opened {
  pool: pg.Pool;
  /** The appends' own connection, pipelined, as openPostgres gives an instance. */
  writer: pg.Pool;
  store: PostgresEventStore;
  close(): Promise<void>;
}

/** A store on its own pools, following the others through LISTEN/NOTIFY: one "instance". */
async function openStore(
  options: { upcasters?: UpcasterChain; projections?: PostgresProjection[] } = {},
): Promise<Opened> {
  const pool = createPool(database.url, { max: 5 });
  const writer = createPool(database.url, { max: 1, pipeline: true });
  const store = await PostgresEventStore.open(pool, {
    ...options,
    writer,
    follow: { url: database.url, pollIntervalMs: 60_000 },
  });
  return {
    pool,
    writer,
    store,
    close: async () => {
      await store.close();
      await writer.end();
      await pool.end();
    },
  };
}

/** Changes one byte of an event's stored data with the append-only trigger switched off: what a DBA could do. */
async function tamperWithEvent(position: number): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE events DISABLE TRIGGER events_no_update');
    const { rows } = await client.query<{ data: string }>('SELECT data FROM events WHERE position = $1', [
      position,
    ]);
    const data = rows[0]!.data;
    const at = data.indexOf(':"') + 2;
    if (at < 2) throw new Error(`event ${position} has no string value to tamper with`);
    const tampered = data.slice(0, at) + (data[at] === 'X' ? 'Y' : 'X') + data.slice(at + 1);
    await client.query('UPDATE events SET data = $1 WHERE position = $2', [tampered, position]);
    await client.query('ALTER TABLE events ENABLE TRIGGER events_no_update');
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

eventStoreContract('PostgreSQL', async (options) => {
  const opened = await openStore(options);
  return { store: opened.store, tamper: tamperWithEvent, cleanup: () => opened.close() };
});

const metadata = { actor: 'postgres-test' };
const newEvent = (type = 'TestHappened', data: Record<string, unknown> = {}): NewEvent => ({
  type,
  data,
  metadata,
  occurredOn: '2026-01-15',
});

/** Resolves when `predicate` holds, checking every few milliseconds (bounded by the test timeout). */
async function until(predicate: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await predicate())) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Sessions waiting for the append lock: appends queued behind a transaction that holds it. */
async function waitingForAppendLock(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks
     WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND ((classid::bigint << 32) | objid::bigint) = $1`,
    [APPEND_LOCK],
  );
  return rows[0]!.n;
}

describe('PostgreSQL event store: PostgreSQL only', () => {
  const opened: Opened[] = [];
  const open = async (options: Parameters<typeof openStore>[0] = {}) => {
    const o = await openStore(options);
    opened.push(o);
    return o;
  };
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.close();
  });

  it('refuses UPDATE, DELETE and TRUNCATE on events in the database itself', async () => {
    const { pool, store } = await open();
    const stream = `a-${randomUUID()}`;
    const { events } = await store.append(stream, [newEvent('Kept', { note: 'original' })]);
    const position = events[0]!.position;

    await expect(pool.query(`UPDATE events SET data = '{}' WHERE position = $1`, [position])).rejects.toThrow(
      /append-only/,
    );
    await expect(pool.query('DELETE FROM events WHERE position = $1', [position])).rejects.toThrow(
      /append-only/,
    );
    await expect(pool.query('TRUNCATE events')).rejects.toThrow(/append-only/);
    expect(await store.readStream(stream, { raw: true })).toEqual(events);
  });

  it('never lets a reader of the global feed pass an event whose transaction commits late', async () => {
    // Instance A's append is held open inside its transaction (by a projection waiting on a
    // gate) after its position has been assigned; instances B and C append meanwhile.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const holdOpen: PostgresProjection = {
      name: 'hold-open',
      apply: async (_client, events) => {
        if (events.some((e) => e.type === 'HeldOpen')) {
          held();
          await gate;
        }
      },
    };
    const a = await open({ projections: [holdOpen] });
    const b = await open();
    const c = await open();
    const reader = await open();
    const start = await reader.store.head();

    // A reader polling the global feed as a client of GET /api/events?after= would.
    const seen: StoredEvent[] = [];
    let polls = 0;
    const poll = async () => {
      const page = await reader.store.readAll({ after: seen.at(-1)?.position ?? start, limit: 1000 });
      seen.push(...page);
      polls++;
    };

    const late = a.store.append(`late-${randomUUID()}`, [newEvent('HeldOpen')]);
    await holding;
    const others = [
      ...Array.from({ length: 5 }, () => b.store.append(`b-${randomUUID()}`, [newEvent('FromB')])),
      ...Array.from({ length: 5 }, () => c.store.append(`c-${randomUUID()}`, [newEvent('FromC')])),
    ];
    // Both other instances are queued behind A's open transaction, and the reader polls meanwhile.
    await until(async () => (await waitingForAppendLock(reader.pool)) >= 2);
    for (let i = 0; i < 5; i++) await poll();
    expect(seen).toEqual([]);

    release();
    const [heldOpen, ...rest] = await Promise.all([late, ...others]);
    const written = [heldOpen, ...rest].flatMap((r) => r.events);
    await until(async () => {
      await poll();
      return seen.length >= written.length;
    });

    expect(polls).toBeGreaterThan(5);
    // The held event took the first position and every reader saw it first: nothing was skipped.
    expect(seen.map((e) => e.position)).toEqual(
      Array.from({ length: written.length }, (_, i) => start + 1 + i),
    );
    expect(seen[0]!.eventId).toBe(heldOpen.events[0]!.eventId);
    expect(new Set(seen.map((e) => e.eventId))).toEqual(new Set(written.map((e) => e.eventId)));
  });

  it('emits on appended$ of every instance the events written through any other, in order', async () => {
    const a = await open();
    const b = await open();
    const start = await a.store.head();
    const fromA: StoredEvent[] = [];
    const fromB: StoredEvent[] = [];
    const subscriptions = [
      a.store.appended$.subscribe((e) => fromA.push(e)),
      b.store.appended$.subscribe((e) => fromB.push(e)),
    ];
    try {
      const writes = Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).store.append(`s${i % 4}-${start}`, [
          newEvent('Both', { i }),
          newEvent('Both', { i }),
        ]),
      );
      const results = await Promise.all(writes);
      const total = results.reduce((n, r) => n + r.events.length, 0);
      await until(() => fromA.length >= total && fromB.length >= total);
      const expected = Array.from({ length: total }, (_, i) => start + 1 + i);
      expect(fromA.map((e) => e.position)).toEqual(expected);
      expect(fromB.map((e) => e.position)).toEqual(expected);
      expect(fromB).toEqual(fromA);
      expect(fromA).toEqual(await a.store.readAll({ after: start, raw: true }));
    } finally {
      subscriptions.forEach((s) => s.unsubscribe());
    }
  });

  it('commits the neighbours of an append whose projection fails, and writes nothing of that one', async () => {
    const picky: PostgresProjection = {
      name: 'picky',
      apply: async (_client, events) => {
        if (events.some((e) => e.type === 'Poison')) throw new Error('the projection refuses poison');
      },
    };
    const { store } = await open({ projections: [picky] });
    const head = await store.head();
    const types = ['Fine', 'Fine', 'Poison', 'Fine', 'Fine'];
    // Issued together: one batch, one transaction, until the poison makes it fall back.
    const outcomes = await Promise.allSettled(
      types.map((type) => store.append(`n-${randomUUID()}`, [newEvent(type), newEvent(type)])),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({
      message: 'the projection refuses poison',
    });
    const feed = await store.readAll({ after: head });
    expect(feed.map((e) => e.type)).toEqual(Array(8).fill('Fine'));
    expect(feed.map((e) => e.position)).toEqual(Array.from({ length: 8 }, (_, i) => head + 1 + i));
  });

  it('answers the second of two identical appends issued together as a duplicate', async () => {
    const { store } = await open();
    const stream = `twice-${randomUUID()}`;
    const batch = [
      { ...newEvent('One'), eventId: randomUUID() },
      { ...newEvent('Two'), eventId: randomUUID() },
    ];
    const [first, second] = await Promise.all([store.append(stream, batch), store.append(stream, batch)]);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ events: first.events, version: 2, duplicate: true });
    expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
  });

  it('appends on a new connection after the writer’s connection was killed between batches', async () => {
    const { store, writer, pool } = await open();
    const stream = `killed-${randomUUID()}`;
    await store.append(stream, [newEvent('Before')]);
    expect(writer.totalCount).toBe(1);
    // Every other session of the database, the writer's idle one among them.
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    await until(() => writer.totalCount === 0);
    await store.append(stream, [newEvent('After')]);
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Before', 'After']);
  });

  it('answers StoreUnavailable when the database cannot be reached', async () => {
    const pool = createPool('postgres://nobody:wrong@127.0.0.1:1/none', { connectionTimeoutMs: 2000 });
    const store = await PostgresEventStore.open(pool, {}).catch((error: unknown) => error);
    expect(store).toBeInstanceOf(StoreUnavailable);
    await pool.end();
  });

  it('sends the party rows only for a batch that changes an agreement’s parties or their dates', async () => {
    const status = new PostgresStatusProjection();
    const sent: string[] = [];
    const recording: PostgresProjection = {
      name: status.name,
      apply: (tx, events) =>
        status.apply(
          {
            query: <R extends pg.QueryResultRow>(text: string, values?: readonly unknown[]) =>
              tx.query<R>(text, values),
            send: (text, values) => {
              sent.push(text);
              tx.send(text, values);
            },
          },
          events,
        ),
    };
    const { store, pool } = await open({ projections: [recording] });
    const id = `parties-${randomUUID()}`;
    const event = (type: string, occurredOn: string, data: Record<string, unknown>): NewEvent => ({
      type,
      data,
      metadata,
      occurredOn,
    });
    const partyStatements = () => sent.filter((text) => text.includes('agreement_parties')).length;
    const parties = async () =>
      (
        await pool.query<{ party: string; joined_on: string }>(
          'SELECT party, joined_on FROM agreement_parties WHERE agreement_id = $1 ORDER BY party',
          [id],
        )
      ).rows;

    await store.append(id, [
      event('AgreementProposed', '2024-01-10', {
        title: 'Parties test',
        parties: ['USA', 'JPN'],
        provisions: ['consultation'],
      }),
      event('AgreementSigned', '2024-02-01', { party: 'USA' }),
    ]);
    expect(partyStatements()).toBe(1);
    await store.append(id, [
      event('ExerciseHeld', '2024-03-01', {
        name: 'Keen Sword',
        startedOn: '2024-03-01',
        participants: ['USA'],
      }),
      event('ConsultationHeld', '2024-03-05', { level: 'working', topics: ['posture'] }),
    ]);
    expect(partyStatements()).toBe(1);
    await store.append(id, [event('PartyAcceded', '2024-04-01', { party: 'AUS' })]);
    expect(partyStatements()).toBe(2);
    expect(await parties()).toEqual([
      { party: 'AUS', joined_on: '2024-04-01' },
      { party: 'JPN', joined_on: '2024-01-10' },
      { party: 'USA', joined_on: '2024-01-10' },
    ]);
  });

  it('keeps each stream’s hash chain valid across instances writing to it at once', async () => {
    const a = await open();
    const b = await open();
    const stream = `shared-${randomUUID()}`;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).store.append(stream, [newEvent('Turn', { i })])),
    );
    const events = await a.store.readStream(stream, { raw: true });
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(verifyChain(events).valid).toBe(true);
  });
});
