import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteChanges } from './sqlite-changes.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('SqliteChanges', () => {
  let dir: string;
  let reader: Database.Database;
  let other: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'changes-'));
    reader = new Database(join(dir, 'db.sqlite'));
    reader.pragma('journal_mode = WAL');
    reader.exec('CREATE TABLE t (id TEXT PRIMARY KEY, v INTEGER)');
    reader.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL)');
    reader.prepare("INSERT INTO t VALUES ('a', 1)").run();
    other = new Database(join(dir, 'db.sqlite'));
  });
  afterEach(() => {
    other.close();
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const readA = () => reader.prepare<[], number>("SELECT v FROM t WHERE id = 'a'").pluck().get();

  it('is one per connection', () => {
    expect(SqliteChanges.of(reader)).toBe(SqliteChanges.of(reader));
    expect(SqliteChanges.of(other)).not.toBe(SqliteChanges.of(reader));
  });

  it("sees another connection's commit from the next turn of the event loop", async () => {
    const changes = SqliteChanges.of(reader);
    const before = changes.current();
    other.prepare("UPDATE t SET v = 2 WHERE id = 'a'").run();
    // Within the turn it has already asked in, it does not ask again.
    expect(changes.current()).toBe(before);
    await nextTurn();
    expect(changes.current()).not.toBe(before);
  });

  it("counts this process's own commits at once, even on its own connection", () => {
    const changes = SqliteChanges.of(reader);
    const before = changes.current();
    reader.prepare("UPDATE t SET v = 2 WHERE id = 'a'").run();
    // data_version does not move for a connection's own commits: committed() must say so.
    expect(changes.current()).toBe(before);
    changes.committed();
    expect(changes.current()).not.toBe(before);
  });

  it('does not move while nothing is committed', async () => {
    const changes = SqliteChanges.of(reader);
    const before = changes.current();
    readA();
    await nextTurn();
    await nextTurn();
    expect(changes.current()).toBe(before);
  });

  describe('cache', () => {
    /** A cache of t's values, counting the reads it makes. */
    const counted = () => {
      const cache = SqliteChanges.of(reader).cache<number>(10);
      const reads: string[] = [];
      const get = (id: string) =>
        cache.get(id, () => {
          reads.push(id);
          return reader.prepare<[string], number>('SELECT v FROM t WHERE id = ?').pluck().get(id);
        });
      return { get, reads };
    };
    /** Another connection (the writer thread, another process) appends to a stream, at the next position. */
    const appendElsewhere = (streamId: string) =>
      Number(other.prepare('INSERT INTO events (stream_id) VALUES (?)').run(streamId).lastInsertRowid);

    beforeEach(() => {
      reader.prepare("INSERT INTO t VALUES ('b', 10)").run();
    });

    it('keeps a value until another connection appends events, then reads again', async () => {
      const { get, reads } = counted();
      expect(get('a')).toBe(1);
      await nextTurn();
      expect(get('a')).toBe(1);
      expect(reads).toEqual(['a']);

      other.prepare("UPDATE t SET v = 2 WHERE id = 'a'").run();
      appendElsewhere('a');
      await nextTurn();
      expect(get('a')).toBe(2);
      expect(reads).toEqual(['a', 'a']);

      reader.prepare("UPDATE t SET v = 3 WHERE id = 'a'").run();
      SqliteChanges.of(reader).committed();
      expect(get('a')).toBe(3);
      expect(reads).toEqual(['a', 'a', 'a']);
    });

    it("forgets only the streams of this process's own appends, as soon as they are reported", () => {
      const { get, reads } = counted();
      get('a');
      get('b');
      // The writer thread commits to a's stream (and a's value changes), then reports it in the same turn.
      other.prepare("UPDATE t SET v = 2 WHERE id = 'a'").run();
      appendElsewhere('a');
      SqliteChanges.of(reader).appended(['a']);
      expect(get('a')).toBe(2);
      expect(get('b')).toBe(10);
      expect(reads).toEqual(['a', 'b', 'a']);
    });

    it('forgets, from the next turn, the streams that events from other connections went to, and only those', async () => {
      const { get, reads } = counted();
      get('a');
      get('b');
      await nextTurn();
      // Another instance, or this one's writer thread before it has reported the commit.
      other.prepare("UPDATE t SET v = 20 WHERE id = 'b'").run();
      appendElsewhere('b');
      await nextTurn();
      expect(get('b')).toBe(20);
      expect(get('a')).toBe(1);
      expect(reads).toEqual(['a', 'b', 'b']);
      // The report that may come afterwards forgets it once more, and nothing else.
      SqliteChanges.of(reader).appended(['b']);
      await nextTurn();
      expect(get('a')).toBe(1);
      expect(get('b')).toBe(20);
      expect(reads).toEqual(['a', 'b', 'b', 'b']);
    });

    it('empties when more events came than it forgets stream by stream', async () => {
      const { get, reads } = counted();
      get('a');
      await nextTurn();
      other.prepare("UPDATE t SET v = 3 WHERE id = 'a'").run();
      other.transaction(() => {
        for (let i = 0; i < 1001; i++) appendElsewhere(`s${i}`);
      })();
      await nextTurn();
      expect(get('a')).toBe(3);
      expect(reads).toEqual(['a', 'a']);
    });

    it('empties when another connection swaps a table (a rebuild), and keeps its values across commits that append no event', async () => {
      const { get, reads } = counted();
      get('a');
      await nextTurn();
      other.prepare("UPDATE t SET v = 5 WHERE id = 'a'").run();
      await nextTurn();
      // Values derived from the events alone: a commit that appends none changes none of them.
      expect(get('a')).toBe(1);
      other.exec('CREATE TABLE t_rebuild (id TEXT PRIMARY KEY, v INTEGER)');
      other.exec("INSERT INTO t_rebuild VALUES ('a', 6)");
      other.exec('DROP TABLE t');
      other.exec('ALTER TABLE t_rebuild RENAME TO t');
      await nextTurn();
      expect(get('a')).toBe(6);
      expect(reads).toEqual(['a', 'a']);
    });

    it('does not keep a miss', () => {
      const cache = SqliteChanges.of(reader).cache<number>(10);
      const missing = () => reader.prepare<[], number>("SELECT v FROM t WHERE id = 'z'").pluck().get();
      expect(cache.get('z', missing)).toBeUndefined();
      reader.prepare("INSERT INTO t VALUES ('z', 7)").run();
      // No commit was announced, yet the row is read: an absent value was not remembered.
      expect(cache.get('z', missing)).toBe(7);
    });

    it('holds at most its budget, dropping the oldest, and keeps no value over an eighth of it', () => {
      const cache = SqliteChanges.of(reader).cache<string>(40, (value) => value.length);
      let reads = 0;
      const get = (key: string, value = key.padEnd(5, '.')) =>
        cache.get(key, () => {
          reads++;
          return value;
        });
      for (let i = 0; i < 8; i++) get(`k${i}`); // 8 × 5 = 40: all kept
      for (let i = 0; i < 8; i++) get(`k${i}`);
      expect(reads).toBe(8);
      get('k8'); // 45: k0, the oldest, goes
      expect(reads).toBe(9);
      get('k1');
      expect(reads).toBe(9);
      get('k0');
      expect(reads).toBe(10);

      expect(get('big', 'x'.repeat(6))).toBe('xxxxxx'); // 6 > 40 / 8
      expect(get('big', 'x'.repeat(6))).toBe('xxxxxx');
      expect(reads).toBe(12);
    });
  });
});
