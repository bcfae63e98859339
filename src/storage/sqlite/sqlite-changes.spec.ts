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
    it('keeps a value until the database may have changed, then reads again', async () => {
      const cache = SqliteChanges.of(reader).cache<number>(10);
      let reads = 0;
      const get = () =>
        cache.get('a', () => {
          reads++;
          return readA();
        });
      expect(get()).toBe(1);
      await nextTurn();
      expect(get()).toBe(1);
      expect(reads).toBe(1);

      other.prepare("UPDATE t SET v = 2 WHERE id = 'a'").run();
      await nextTurn();
      expect(get()).toBe(2);
      expect(reads).toBe(2);

      reader.prepare("UPDATE t SET v = 3 WHERE id = 'a'").run();
      SqliteChanges.of(reader).committed();
      expect(get()).toBe(3);
      expect(reads).toBe(3);
    });

    it('does not keep a miss', () => {
      const cache = SqliteChanges.of(reader).cache<number>(10);
      const missing = () => reader.prepare<[], number>("SELECT v FROM t WHERE id = 'b'").pluck().get();
      expect(cache.get('b', missing)).toBeUndefined();
      reader.prepare("INSERT INTO t VALUES ('b', 7)").run();
      // No commit was announced, yet the row is read: an absent value was not remembered.
      expect(cache.get('b', missing)).toBe(7);
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
