import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import { openSqlite, type SqliteHandle } from '../storage/sqlite/sqlite.database.js';
import type { EventStore, NewEvent, StoredEvent } from '../event-store/event-store.port.js';
import { SqliteEventStore } from '../storage/sqlite/event-store/sqlite-event-store.js';
import { liveFeed, type LiveFeedOptions } from './live-feed.js';

const event = (n: number): NewEvent => ({
  type: 'Noted',
  data: { n },
  metadata: { actor: 'test' },
  occurredOn: '2024-01-01',
});

/**
 * The same store, but each read waits a moment first, as reads from a database server do.
 * SQLite answers at once, so without this a replay never overlaps with new commits.
 */
function withSlowReads(store: EventStore): EventStore {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 2));
  return {
    append: (...args) => store.append(...args),
    readStream: async (...args) => (await pause(), store.readStream(...args)),
    readAll: async (...args) => (await pause(), store.readAll(...args)),
    streamVersion: (...args) => store.streamVersion(...args),
    head: () => store.head(),
    findEvent: (...args) => store.findEvent(...args),
    appended$: store.appended$,
    close: () => store.close(),
  };
}

/** Resolves once `predicate` holds; gives up (failing the test) after 10 s rather than hanging. */
async function until(predicate: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !predicate();) {
    if (Date.now() > deadline) throw new Error('The expected events never arrived');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('liveFeed (on a real SQLite store)', () => {
  let dir: string;
  let handle: SqliteHandle;
  let store: SqliteEventStore;
  let subscription: Subscription | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'live-feed-'));
    handle = await openSqlite(join(dir, 'events.db'));
    store = new SqliteEventStore(handle.db);
  });

  afterEach(async () => {
    subscription?.unsubscribe();
    await store.close();
    await handle.dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const follow = (options: LiveFeedOptions) => {
    const seen: StoredEvent[] = [];
    subscription = liveFeed(withSlowReads(store), options).subscribe((e) => seen.push(e));
    return seen;
  };

  it('replays after a position, then follows new events, each exactly once, including those committed during the replay', async () => {
    for (let i = 0; i < 20; i++) await store.append(`s-${i % 3}`, [event(i)]);
    // Small replay pages, so appends below interleave with the replay's reads.
    const seen = follow({ after: 4, pageSize: 3 });
    for (let i = 0; i < 15; i++) await store.append(`s-${i % 4}`, [event(100 + i)]);
    await until(() => seen.length >= 30);
    await store.append('s-0', [event(200)]);
    await until(() => seen.length >= 31);

    const all = await store.readAll({ limit: 1000 });
    expect(all).toHaveLength(36);
    expect(seen.map((e) => e.position)).toEqual(all.filter((e) => e.position > 4).map((e) => e.position));
  });

  it('without a position, sends only events committed after subscribing', async () => {
    await store.append('old', [event(1), event(2)]);
    const seen = follow({});
    await store.append('new', [event(3)]);
    await until(() => seen.length >= 1);
    expect(seen.map((e) => e.streamId)).toEqual(['new']);
  });

  it("keeps one agreement's events, from its stream and then live", async () => {
    await store.append('mine', [event(1)]);
    await store.append('other', [event(2)]);
    await store.append('mine', [event(3)]);
    const seen = follow({ after: 1, agreementId: 'mine' });
    await store.append('other', [event(4)]);
    await store.append('mine', [event(5)]);
    await until(() => seen.length >= 2);
    await store.append('mine', [event(6)]);
    await until(() => seen.length >= 3);
    expect(seen.map((e) => [e.streamId, e.data.n])).toEqual([
      ['mine', 3],
      ['mine', 5],
      ['mine', 6],
    ]);
  });

  it('completes when the store closes', async () => {
    let completed = false;
    subscription = liveFeed(store, { after: 0 }).subscribe({ complete: () => (completed = true) });
    await store.close();
    expect(completed).toBe(true);
  });
});
