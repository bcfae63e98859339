import type { Database, Statement } from 'better-sqlite3';

const registry = new WeakMap<Database, SqliteChanges>();

/**
 * Whether a SQLite connection may have seen the database change since a cache last looked,
 * without a query on every read: a status read used to run two (the row and `PRAGMA
 * data_version`); with the caches on top of this, `npm run bench -- --only status` went from
 * 68 to 33–39 µs of server CPU a read.
 *
 * - This process's own commits count at once: the event store calls `committed()` when the
 *   writer reports a commit, before it answers the append, so a client that reads after its
 *   write was acknowledged always reads it.
 * - Commits by other connections (this instance's writer thread, a second instance on the
 *   file, the keys or rebuild commands) move `PRAGMA data_version`. It is asked at most once
 *   per turn of the event loop, at the turn's first read: the requests a turn takes in had
 *   arrived when the turn began, so each sees what was committed before it arrived. (libuv
 *   takes in more within one turn only when over 1,024 connections are ready at once.)
 *
 * One per connection (`SqliteChanges.of(db)`), so every cache on a connection sees the same
 * commits.
 */
export class SqliteChanges {
  private readonly dataVersion: Statement<[], number>;
  private stamp = 0;
  private seen = -1;
  private fresh = false;
  private readonly expire = () => {
    this.fresh = false;
  };

  private constructor(db: Database) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  static of(db: Database): SqliteChanges {
    let changes = registry.get(db);
    if (!changes) {
      changes = new SqliteChanges(db);
      registry.set(db, changes);
    }
    return changes;
  }

  /** This process committed through this connection or its writer: what was cached is stale. */
  committed(): void {
    this.stamp++;
  }

  /** A number that moves whenever the database may have changed. */
  current(): number {
    if (!this.fresh) {
      this.fresh = true;
      setImmediate(this.expire);
      const version = this.dataVersion.get()!;
      if (version !== this.seen) {
        this.seen = version;
        this.stamp++;
      }
    }
    return this.stamp;
  }

  /**
   * A cache that empties itself whenever the database may have changed, holding at most
   * `budget`, counted by `sizeOf` (by default, one per entry).
   */
  cache<V>(budget: number, sizeOf: (value: V) => number = () => 1): ChangeCache<V> {
    return new ChangeCache<V>(this, budget, sizeOf);
  }
}

/**
 * Values read from the database, kept until it may have changed; over its budget, the oldest
 * go (the whole cache empties at the next change anyway, so a hit does no bookkeeping).
 */
export class ChangeCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private size = 0;
  private at = -1;

  constructor(
    private readonly changes: SqliteChanges,
    private readonly budget: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  /** The cached value, or `read()`'s (an `undefined` is not kept, nor a value over an eighth of the budget). */
  get(key: string, read: () => V | undefined): V | undefined {
    const at = this.changes.current();
    if (at !== this.at) {
      this.entries.clear();
      this.size = 0;
      this.at = at;
    }
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached.value;
    const value = read();
    if (value === undefined) return value;
    const size = this.sizeOf(value);
    if (size > this.budget / 8) return value;
    this.entries.set(key, { value, size });
    this.size += size;
    for (const [oldest, entry] of this.entries) {
      if (this.size <= this.budget) break;
      this.entries.delete(oldest);
      this.size -= entry.size;
    }
    return value;
  }
}
