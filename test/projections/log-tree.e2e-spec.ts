import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SQLITE } from '../../src/storage/sqlite/sqlite.providers.js';
import type { SqliteHandle } from '../../src/storage/sqlite/sqlite.database.js';
import { rebuildProjections } from '../../src/storage/sqlite/sqlite-rebuild.js';
import { leafHash, postorderOf, readerOf, rootOf } from '../../src/log/merkle.js';
import { rootOfRow, type TreeRow } from '../../src/log/log-tree.js';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { RandomAgreement, seeded } from '../support/random-history.js';

/**
 * The Merkle log's tree (issue 18), kept in the append transaction: its root equals the RFC 9162 root
 * computed here from the events as GET /api/events serves them (leaf = the event's chain hash as
 * raw bytes, in position order), after concurrent appends and after a rebuild.
 */
const TODAY = '2025-01-15';

describe('the log tree kept by the appends', () => {
  let running: RunningApp;
  let http: ReturnType<typeof api>;
  let handle: SqliteHandle;

  beforeAll(async () => {
    running = await startApp({ clock: new ManualClock(new Date(`${TODAY}T12:00:00Z`)) });
    http = api(running.url);
    handle = running.app.get<symbol, SqliteHandle>(SQLITE);
    const rand = seeded(18);
    const agreements = Array.from({ length: 30 }, (_, i) => new RandomAgreement(`log-${i}`, rand, TODAY));
    for (const a of agreements) expect((await http.post('/api/agreements', a.propose())).status).toBe(201);
    // Concurrent appends to many agreements: they share group commits.
    await Promise.all(
      agreements.map(async (a) => {
        for (let n = 0; n < 8; n++) {
          const next = a.next();
          if (!next) break;
          expect((await http.post(`/api/agreements/${a.id}/events`, next)).status).toBe(201);
        }
      }),
    );
  });
  afterAll(async () => {
    await running?.close();
  });

  async function servedLeaves(): Promise<Buffer[]> {
    const leaves: Buffer[] = [];
    let cursor: string | undefined;
    do {
      const res = await http.get(
        `/api/events?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      for (const e of res.body.items as { position: number; hash: string }[]) {
        expect(e.position).toBe(leaves.length + 1);
        leaves.push(leafHash(Buffer.from(e.hash, 'hex')));
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    return leaves;
  }

  const row = () => handle.db.prepare<[], TreeRow>('SELECT size, peaks FROM log_tree WHERE id = 1').get();

  it('has one leaf per event and the root of the events as served', async () => {
    const leaves = await servedLeaves();
    expect(leaves.length).toBeGreaterThan(100);
    expect(row()?.size).toBe(leaves.length);
    expect(rootOfRow(row()).toString('hex')).toBe(rootOf(leaves).toString('hex'));
  });

  const nodes = () =>
    handle.db.prepare<[], { id: number; hash: Buffer }>('SELECT id, hash FROM log_nodes ORDER BY id').all();

  it('keeps every perfect subtree of the events as served, each once', async () => {
    const leaves = await servedLeaves();
    const independent = readerOf(leaves);
    const kept = nodes();
    let expected = 0;
    for (let width = leaves.length; width >= 1; width = Math.floor(width / 2)) expected += width;
    expect(kept).toHaveLength(expected);
    // Numbered in the order the appends complete them: 0, 1, 2, … with no gap.
    expect(kept.map((n) => n.id)).toEqual(kept.map((_, i) => i));
    for (let level = 0; 2 ** level <= leaves.length; level++) {
      for (let index = 0; (index + 1) * 2 ** level <= leaves.length; index++) {
        const node = kept[postorderOf({ level, index })]!;
        expect(node.hash.equals(independent(level, index))).toBe(true);
      }
    }
  });

  it('is the same tree after a rebuild of the read models', async () => {
    const before = row();
    const keptBefore = nodes();
    expect((await rebuildProjections(handle.db, { batchSize: 13 })).completed).toBe(true);
    expect(row()).toEqual(before);
    expect(nodes()).toEqual(keptBefore);
  });

  it('catches up when it finds events it has not seen (a store from before the log)', async () => {
    const leaves = await servedLeaves();
    handle.db.exec('DELETE FROM log_tree');
    const next = await http.post(
      '/api/agreements',
      new RandomAgreement('log-after', seeded(7), TODAY).propose(),
    );
    expect(next.status).toBe(201);
    expect(row()?.size).toBe(leaves.length + 1);
    expect(rootOfRow(row()).equals(rootOf(await servedLeaves()))).toBe(true);
  });
});
