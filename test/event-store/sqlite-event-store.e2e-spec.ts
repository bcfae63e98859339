import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSqlite, type SqliteHandle } from '../../src/storage/sqlite/sqlite.database.js';
import {
  StoreUnavailable,
  WrongExpectedVersion,
  type NewEvent,
} from '../../src/event-store/event-store.port.js';
import { verifyChain } from '../../src/event-store/hashing.js';
import { SqliteEventStore } from '../../src/storage/sqlite/event-store/sqlite-event-store.js';
import type { UpcasterChain } from '../../src/event-store/upcasting.js';
import { WorkerWriter } from '../../src/storage/sqlite/event-store/sqlite-writer.js';
import { eventStoreContract } from './event-store.contract.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the store commits: on the test's thread, or on a writer thread (as the server does). */
type WriterKind = 'inline' | 'worker';

interface SqliteFixture {
  file: string;
  handle: SqliteHandle;
  store: SqliteEventStore;
  writer?: WorkerWriter;
  cleanup: () => Promise<void>;
}

/** A real SQLite file in a fresh temp directory, migrated, with the store on top. */
async function openStore(
  kind: WriterKind,
  options: { upcasters?: UpcasterChain } = {},
): Promise<SqliteFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'event-store-'));
  const file = join(dir, 'events.db');
  const handle = await openSqlite(file);
  const writer = kind === 'worker' ? await WorkerWriter.start(file, { restartDelayMs: 50 }) : undefined;
  const store = new SqliteEventStore(handle.db, {
    ...(options.upcasters ? { upcasters: options.upcasters } : {}),
    ...(writer ? { writer } : {}),
  });
  return {
    file,
    handle,
    store,
    ...(writer ? { writer } : {}),
    cleanup: async () => {
      await store.close();
      await handle.dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Changes one byte of an event's stored data from the test's own connection, after
 * dropping the trigger that makes `events` append-only: what someone with file access could do.
 */
function tamperWithEvent(file: string, position: number): void {
  const own = new Database(file);
  try {
    own.pragma('busy_timeout = 5000');
    own.exec('DROP TRIGGER IF EXISTS events_no_update');
    const row = own.prepare('SELECT data FROM events WHERE position = ?').get(position) as { data: string };
    // The first character of the first string value: the JSON stays valid, one byte differs.
    const at = row.data.indexOf(':"') + 2;
    if (at < 2) throw new Error(`event ${position} has no string value to tamper with`);
    const replacement = row.data[at] === 'X' ? 'Y' : 'X';
    const tampered = row.data.slice(0, at) + replacement + row.data.slice(at + 1);
    own.prepare('UPDATE events SET data = ? WHERE position = ?').run(tampered, position);
  } finally {
    own.close();
  }
}

for (const kind of ['inline', 'worker'] as const) {
  eventStoreContract(`SQLite (${kind} writer)`, async (options) => {
    const fixture = await openStore(kind, options);
    return {
      store: fixture.store,
      tamper: async (position) => tamperWithEvent(fixture.file, position),
      cleanup: fixture.cleanup,
    };
  });
}

const metadata = { actor: 'sqlite-test' };
const newEvent = (data: Record<string, unknown> = { note: 'original' }): NewEvent => ({
  type: 'TestHappened',
  data,
  metadata,
  occurredOn: '2026-01-15',
});

/**
 * Counts the transactions committed to a WAL file: every commit ends with a frame whose
 * header stores the database size after the commit (non-zero only on commit frames).
 * Frames are valid while their salts match the WAL header's; later ones are leftovers
 * of an earlier generation of the log. The caller turns automatic checkpoints off, so
 * the log is not restarted while it is being counted.
 * Format: https://www.sqlite.org/fileformat.html#the_write_ahead_log
 */
function walCommits(walFile: string): number {
  const wal = readFileSync(walFile);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let commits = 0;
  for (let offset = 32; offset + 24 + pageSize <= wal.length; offset += 24 + pageSize) {
    if (wal.readUInt32BE(offset + 8) !== salt1 || wal.readUInt32BE(offset + 12) !== salt2) break;
    if (wal.readUInt32BE(offset + 4) !== 0) commits++;
  }
  return commits;
}

for (const kind of ['inline', 'worker'] as const) {
  describe(`SQLite event store: SQLite only (${kind} writer)`, () => {
    const opened: SqliteFixture[] = [];
    async function open(): Promise<SqliteFixture> {
      const fixture = await openStore(kind);
      opened.push(fixture);
      return fixture;
    }
    afterEach(async () => {
      for (const fixture of opened.splice(0)) await fixture.cleanup();
    });

    it('opens a file database in WAL mode with synchronous=FULL, on the writing connection too', async () => {
      const { handle, writer } = await open();
      expect(handle.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(handle.db.pragma('synchronous', { simple: true })).toBe(2);
      // The writer thread reads its own connection's settings back when it opens.
      if (kind === 'worker') expect(writer?.settings).toEqual({ journalMode: 'wal', synchronous: 2 });
    });

    it('commits appends issued in the same tick in one transaction, refused ones included', async () => {
      const { file, handle, store } = await open();
      handle.db.pragma('wal_autocheckpoint = 0');
      const streams = Array.from({ length: 10 }, () => `group-${randomUUID()}`);
      for (const s of streams) await store.append(s, [newEvent()]);
      const walFile = `${file}-wal`;

      // The counter's own check: awaited one by one, five appends are five commits.
      const start = walCommits(walFile);
      for (let i = 0; i < 5; i++) await store.append(streams[0]!, [newEvent()]);
      const afterSequential = walCommits(walFile);
      expect(afterSequential - start).toBe(5);

      // Fifty appends issued together, ten of them stale, share a single commit.
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          store.append(streams[i % 10]!, [newEvent(), newEvent()], i >= 40 ? { expectedVersion: 0 } : {}),
        ),
      );
      expect(walCommits(walFile) - afterSequential).toBe(1);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(40);
      for (const o of outcomes.slice(40)) {
        expect(o.status === 'rejected' && o.reason instanceof WrongExpectedVersion).toBe(true);
      }
      const stored = handle.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
      expect(stored.n).toBe(10 + 5 + 40 * 2);
    });

    if (kind === 'worker') {
      it('commits what reached the writer thread while it was busy in one transaction, answering each', async () => {
        const { file, store } = await open();
        const streams = Array.from({ length: 4 }, () => `busy-${randomUUID()}`);
        for (const s of streams) await store.append(s, [newEvent()]);
        const walFile = `${file}-wal`;

        // Another connection holds the write lock: the writer's next commit waits for it.
        const blocker = new Database(file);
        blocker.exec('BEGIN IMMEDIATE');
        const before = walCommits(walFile);
        const first = store.append(streams[0]!, [newEvent()]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        // Sent in three turns of the event loop, one of them stale, while the writer waits.
        const later: Promise<unknown>[] = [];
        for (const [i, options] of [{}, { expectedVersion: 7 }, { expectedVersion: 1 }].entries()) {
          later.push(store.append(streams[i + 1]!, [newEvent(), newEvent()], options));
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(walCommits(walFile)).toBe(before);
        blocker.exec('COMMIT');
        blocker.close();

        expect((await first).version).toBe(2);
        const [one, stale, three] = await Promise.allSettled(later);
        expect(one).toMatchObject({ status: 'fulfilled', value: { version: 3 } });
        expect(stale).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedVersion) });
        expect(three).toMatchObject({ status: 'fulfilled', value: { version: 3 } });
        // The first append's commit, then one for all three sent while it waited.
        expect(walCommits(walFile) - before).toBe(2);
        expect(await store.streamVersion(streams[2]!)).toBe(1);
      });
    }

    if (kind === 'worker') {
      it('commits more appends than one transaction takes (2,000) in order, across two commits, answering each', async () => {
        const { file, store } = await open();
        const walFile = `${file}-wal`;
        await store.append('warm-up', [newEvent()]);
        const before = walCommits(walFile);
        // One turn of the event loop: one message to the writer, 2,500 appends.
        const results = await Promise.all(
          Array.from({ length: 2500 }, (_, i) => store.append(`many-${i % 50}`, [newEvent()])),
        );
        expect(results.map((r) => r.events[0]!.position)).toEqual(
          Array.from({ length: 2500 }, (_, i) => i + 2),
        );
        expect(walCommits(walFile) - before).toBe(2);
        expect(await store.head()).toBe(2501);
      });
    }

    if (kind === 'worker') {
      it('pump() hands the queue to an idle writer and answers its commit with no turn of the event loop', async () => {
        const { store } = await open();
        await store.append('pumped', [newEvent()]);
        let answered: number | undefined;
        void store.append('pumped', [newEvent()]).then((r) => (answered = r.version));
        // Synchronous from here on, but for microtasks: only pump() can send the append and take
        // the answer in (the event loop, which would do both, does not turn).
        const blocker = new Int32Array(new SharedArrayBuffer(4));
        const deadline = Date.now() + 10_000;
        while (answered === undefined && Date.now() < deadline) {
          Atomics.wait(blocker, 0, 0, 2);
          store.pump();
          for (let i = 0; i < 10; i++) await Promise.resolve();
        }
        expect(answered).toBe(2);
        expect(await store.streamVersion('pumped')).toBe(2);
      });
    }

    if (kind === 'worker') {
      it('lets a process that appended end on its own: the writer keeps it alive only while a commit is out', async () => {
        const { file } = await open();
        // A tool's last step, without close(): the compiled modules, in a process of their own.
        const dist = join(root, 'dist', 'src', 'storage', 'sqlite');
        const script = `
          const { openSqlite } = await import(${JSON.stringify(join(dist, 'sqlite.database.js'))});
          const { WorkerWriter } = await import(${JSON.stringify(join(dist, 'event-store', 'sqlite-writer.js'))});
          const { SqliteEventStore } = await import(${JSON.stringify(join(dist, 'event-store', 'sqlite-event-store.js'))});
          const handle = await openSqlite(${JSON.stringify(file)});
          const store = new SqliteEventStore(handle.db, { writer: await WorkerWriter.start(${JSON.stringify(file)}) });
          const { version } = await store.append('tool', [{ type: 'T', occurredOn: '2026-01-15', data: {}, metadata: {} }]);
          console.log('appended', version);`;
        const scriptFile = join(dirname(file), 'tool.mjs');
        writeFileSync(scriptFile, script);
        const { NODE_OPTIONS: _jestOnly, ...env } = process.env;
        const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
          const child = execFile(
            process.execPath,
            [scriptFile],
            { env, timeout: 20_000 },
            (error, stdout, stderr) =>
              done({ code: error ? (child.exitCode ?? -1) : 0, output: stdout + stderr }),
          );
        });
        expect([code, output.trim()]).toEqual([0, 'appended 1']);
      });
    }

    // Only a thread can die on its own.
    if (kind === 'worker') {
      it('answers unavailable while its writer thread is dead, and writes again once a new one has started', async () => {
        const { store, writer } = await open();
        await store.append('writer-death', [newEvent()]);
        expect(() => writer!.check()).not.toThrow();
        // What a crash of the thread looks like from here: it stops, with no answer to what it was sent.
        const thread = (writer as unknown as { worker: Worker }).worker;
        const inFlight = store.append('writer-death', [newEvent()]);
        await thread.terminate();
        await expect(inFlight).rejects.toBeInstanceOf(StoreUnavailable);
        await expect(store.append('writer-death', [newEvent()])).rejects.toBeInstanceOf(StoreUnavailable);
        expect(() => writer!.check()).toThrow(StoreUnavailable);

        // A new thread (after 50 ms here, 1 s in the server) takes the appends again.
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline) {
          try {
            writer!.check();
            break;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
        expect((writer as unknown as { worker: Worker }).worker).not.toBe(thread);
        const after = await store.append('writer-death', [newEvent()]);
        // The append held when the thread died may or may not have committed: nothing else was written.
        expect([2, 3]).toContain(after.version);
        expect(await store.streamVersion('writer-death')).toBe(after.version);
      });
    }

    it('emits on appended$ only once another connection can read the event', async () => {
      const { file, store } = await open();
      const reader = new Database(file, { readonly: true });
      try {
        const read = reader.prepare('SELECT event_id FROM events WHERE event_id = ?');
        const seen: boolean[] = [];
        const subscription = store.appended$.subscribe((e) => seen.push(read.get(e.eventId) !== undefined));
        await Promise.all([store.append('a', [newEvent(), newEvent()]), store.append('b', [newEvent()])]);
        subscription.unsubscribe();
        expect(seen).toEqual([true, true, true]);
      } finally {
        reader.close();
      }
    });

    it('refuses UPDATE and DELETE on events in the database itself', async () => {
      const { handle, store } = await open();
      const { events } = await store.append('a', [newEvent()]);
      const position = events[0]!.position;

      expect(() =>
        handle.db.prepare(`UPDATE events SET data = '{"note":"changed"}' WHERE position = ?`).run(position),
      ).toThrow(/append-only/);
      expect(() => handle.db.prepare('DELETE FROM events WHERE position = ?').run(position)).toThrow(
        /append-only/,
      );
      expect(await store.readStream('a', { raw: true })).toEqual(events);
    });

    it('detects an event changed behind the triggers: verifyChain names its position', async () => {
      const { file, store } = await open();
      await store.append('a', [newEvent({ note: 'first' }), newEvent({ note: 'second' })]);
      await store.append('a', [newEvent({ note: 'third' })]);
      const before = await store.readStream('a', { raw: true });
      expect(verifyChain(before).valid).toBe(true);
      const target = before[1]!;

      tamperWithEvent(file, target.position);

      const after = await store.readStream('a', { raw: true });
      const changed = Buffer.from(JSON.stringify(after[1]!.data));
      const original = Buffer.from(JSON.stringify(target.data));
      expect(changed.length).toBe(original.length);
      expect(changed.filter((byte, i) => byte !== original[i]).length).toBe(1);
      expect(verifyChain(after)).toEqual({ valid: false, checked: 2, firstInvalidPosition: target.position });
    });
  });
}
