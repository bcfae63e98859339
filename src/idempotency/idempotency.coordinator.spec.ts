import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openSqlite, type SqliteHandle } from '../storage/sqlite/sqlite.database.js';
import { ProblemError } from '../http/problem.js';
import { IdempotencyCoordinator, type IdempotencyTimings } from './idempotency.coordinator.js';
import type { RememberedResponse } from './idempotency.store.js';
import { SqliteIdempotencyStore } from '../storage/sqlite/sqlite-idempotency.store.js';

/**
 * The coordinator on a real (in-memory) SQLite store, two coordinators standing for two
 * instances, with short timings so the bounded wait and the lease can be seen to end.
 */

const TIMINGS: IdempotencyTimings = { pollMs: 5, waitMs: 200, leaseMs: 60_000 };
const FINGERPRINT = 'a'.repeat(64);

let handle: SqliteHandle;
let store: SqliteIdempotencyStore;

beforeEach(async () => {
  handle = await openSqlite(':memory:');
  store = new SqliteIdempotencyStore(handle.db);
});
afterEach(async () => {
  await handle.dataSource.destroy();
});

const created = (n: number): RememberedResponse => ({
  fingerprint: FINGERPRINT,
  status: 201,
  headers: { etag: `"${n}"` },
  body: { n },
});

/** A request body the test finishes by hand, counting how often it ran. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const runs = { count: 0 };
  return { open, runs, opened };
}

async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

describe('a request on another instance still running', () => {
  it('is waited for, and its response replayed without running again', async () => {
    const [a, b] = [new IdempotencyCoordinator(store, TIMINGS), new IdempotencyCoordinator(store, TIMINGS)];
    const { open, runs, opened } = gate();
    const first = a.run('k', 'key-1', FINGERPRINT, async () => {
      runs.count++;
      await opened;
      return created(1);
    });
    const second = b.run('k', 'key-1', FINGERPRINT, async () => {
      runs.count++;
      return created(2);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    open();
    expect(await first).toEqual({ response: created(1), replayed: false });
    expect(await second).toEqual({ response: created(1), replayed: true });
    expect(runs.count).toBe(1);
  });

  it('answers 409 IdempotencyKeyInFlight with Retry-After once the wait is over, running nothing', async () => {
    await store.reserve('k', 'key-2', FINGERPRINT, new Date().toISOString());
    let ran = false;
    const error = await problemOf(
      new IdempotencyCoordinator(store, TIMINGS).run('k', 'key-2', FINGERPRINT, async () => {
        ran = true;
        return created(1);
      }),
    );
    expect(error.problem).toMatchObject({ status: 409, title: 'IdempotencyKeyInFlight' });
    expect(error.headers['retry-after']).toMatch(/^\d+$/);
    expect(ran).toBe(false);
    expect(await store.lookup('k', 'key-2')).toMatchObject({ state: 'in-flight' });
  });

  it('is taken over once its placeholder is older than the lease', async () => {
    const leftAt = new Date(Date.now() - 1_000).toISOString();
    await store.reserve('k', 'key-3', FINGERPRINT, leftAt);
    const coordinator = new IdempotencyCoordinator(store, { ...TIMINGS, leaseMs: 500 });
    expect(await coordinator.run('k', 'key-3', FINGERPRINT, async () => created(3))).toEqual({
      response: created(3),
      replayed: false,
    });
    expect(await store.get('k', 'key-3')).toEqual(created(3));
  });
});

describe('a request failing with a server error', () => {
  it('deletes its placeholder: in-process duplicates get the error, a retry runs again', async () => {
    const coordinator = new IdempotencyCoordinator(store, TIMINGS);
    const failure = new Error('database down');
    const failing = async (): Promise<RememberedResponse> => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw failure;
    };
    const results = await Promise.allSettled([
      coordinator.run('k', 'key-4', FINGERPRINT, failing),
      coordinator.run('k', 'key-4', FINGERPRINT, async () => created(0)),
    ]);
    expect(results).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    expect(await store.lookup('k', 'key-4')).toBeUndefined();
    expect(await coordinator.run('k', 'key-4', FINGERPRINT, async () => created(4))).toEqual({
      response: created(4),
      replayed: false,
    });
  });

  it('lets a request waiting on another instance run in its place', async () => {
    const [a, b] = [new IdempotencyCoordinator(store, TIMINGS), new IdempotencyCoordinator(store, TIMINGS)];
    const { open, opened } = gate();
    const first = a.run('k', 'key-5', FINGERPRINT, async () => {
      await opened;
      throw new Error('crashed');
    });
    const second = b.run('k', 'key-5', FINGERPRINT, async () => created(5));
    await new Promise((resolve) => setTimeout(resolve, 30));
    open();
    await expect(first).rejects.toThrow('crashed');
    expect(await second).toEqual({ response: created(5), replayed: false });
    expect(await store.get('k', 'key-5')).toEqual(created(5));
  });
});

describe('another request under the key', () => {
  it('waiting in this process on the key owned elsewhere does not decide for a request like the owner', async () => {
    const [a, b] = [new IdempotencyCoordinator(store, TIMINGS), new IdempotencyCoordinator(store, TIMINGS)];
    const { open, opened } = gate();
    const owner = a.run('k', 'key-8', FINGERPRINT, async () => {
      await opened;
      return created(8);
    });
    // On the other instance, first a different request (it will lose), then one like the owner.
    const other = b.run('k', 'key-8', 'b'.repeat(64), async () => created(-1));
    const alike = b.run('k', 'key-8', FINGERPRINT, async () => created(-1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    open();
    expect(await owner).toEqual({ response: created(8), replayed: false });
    expect((await problemOf(other)).problem).toMatchObject({ status: 422 });
    expect(await alike).toEqual({ response: created(8), replayed: true });
  });

  it('is refused with 422, in flight or done', async () => {
    const coordinator = new IdempotencyCoordinator(store, TIMINGS);
    await store.reserve('k', 'key-6', 'b'.repeat(64), new Date().toISOString());
    expect(
      (await problemOf(coordinator.run('k', 'key-6', FINGERPRINT, async () => created(6)))).problem,
    ).toMatchObject({
      status: 422,
      title: 'IdempotencyKeyReused',
    });
    await store.save('k', 'key-7', { ...created(7), fingerprint: 'b'.repeat(64) });
    expect(
      (await problemOf(coordinator.run('k', 'key-7', FINGERPRINT, async () => created(7)))).problem,
    ).toMatchObject({
      status: 422,
    });
  });
});
