import type { Database, Statement } from 'better-sqlite3';

const registry = new WeakMap<Database, SqliteChanges>();

/**
 * Whether a SQLite connection may have seen the database change since a cache last looked,
 * without a query on every read: a status read used to run two (the row and `PRAGMA
 * data_version`); with the caches on top of this, `npm run bench -- --only status` went from
 * 68 to 33–39 µs of server CPU a read.
 *
 * - This process's own commits count at once: the event store reports the streams of each
 *   commit of its appends (`appended`) before it answers them, so a client that reads after its
 *   write was acknowledged always reads it; other writes of this process call `committed()`.
 * - Commits by other connections (this instance's writer thread, a second instance on the
 *   file, the keys or rebuild commands) move `PRAGMA data_version`. It is asked at most once
 *   per turn of the event loop, at the turn's first read: the requests a turn takes in had
 *   arrived when the turn began, so each sees what was committed before it arrived. (libuv
 *   takes in more within one turn only when over 1,024 connections are ready at once.)
 *
 * The caches (`cache`) hold values derived from the events alone, by stream. When data_version
 * moves, the events after the last position they have accounted for name the streams whose
 * values may have changed, and only those are forgotten; every value goes when a table was
 * swapped (a rebuild: the schema's version moved) or when too many events came at once. So the
 * writer thread's commits under a steady load of appends cost the cached reads of the streams
 * appended to, not all of them. A write by hand to a read model's table, outside the
 * application and with no event, is not seen.
 *
 * One per connection (`SqliteChanges.of(db)`), so every cache on a connection sees the same
 * commits.
 */
export class SqliteChanges {
  private readonly dataVersion: Statement<[], number>;
  private since: Statement<[number, number], { position: number; stream_id: string }> | undefined;
  private schemaVersion: Statement<[], number> | undefined;
  private last: Statement<[], number> | undefined;
  /** Moves whenever the database may have changed (`current`). */
  private stamp = 0;
  /** Moves whenever the caches must empty altogether. */
  private cacheStamp = 0;
  private seen = -1;
  private fresh = false;
  /** The caches reflect every event up to this position; -1 before their first look. */
  private accounted = -1;
  private schema = -1;
  private readonly caches = new Set<ChangeCache<unknown>>();
  /** Lookups in this connection's caches so far, by result (for /metrics). */
  readonly lookups = { hits: 0, misses: 0 };
  private readonly expire = () => {
    this.fresh = false;
  };

  private constructor(private readonly db: Database) {
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

  /** This process committed through this connection or its writer: whatever was cached is stale. */
  committed(): void {
    this.stamp++;
    this.cacheStamp++;
  }

  /** This process's writer has committed appends to these streams: the caches forget them. */
  appended(streamIds: Iterable<string>): void {
    for (const streamId of streamIds) for (const cache of this.caches) cache.forget(streamId);
  }

  /** A number that moves whenever the database may have changed. */
  current(): number {
    this.look();
    return this.stamp;
  }

  /** A number that moves whenever the caches must empty altogether. */
  private cachesCurrent(): number {
    this.look();
    return this.cacheStamp;
  }

  private look(): void {
    if (this.fresh) return;
    this.fresh = true;
    setImmediate(this.expire);
    const version = this.dataVersion.get()!;
    if (version === this.seen) return;
    this.seen = version;
    this.stamp++;
    if (this.caches.size > 0) this.catchUp();
  }

  /** After another connection's commit: forgets the streams its events went to, or everything. */
  private catchUp(): void {
    this.schemaVersion ??= this.db.prepare<[], number>('PRAGMA schema_version').pluck();
    const schema = this.schemaVersion.get()!;
    if (this.accounted >= 0 && schema === this.schema) {
      this.since ??= this.db.prepare(
        'SELECT position, stream_id FROM events WHERE position > ? ORDER BY position LIMIT ?',
      );
      const events = this.since.all(this.accounted, MAX_FORGOTTEN + 1);
      if (events.length <= MAX_FORGOTTEN) {
        this.appended(new Set(events.map((e) => e.stream_id)));
        if (events.length > 0) this.accounted = events[events.length - 1]!.position;
        return;
      }
    }
    // The first look, a table swapped, or too many events: everything goes, from the newest on.
    this.cacheStamp++;
    this.schema = schema;
    this.last ??= this.db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
    this.accounted = this.last.get()!;
  }

  /**
   * A cache of values derived from the events alone, by stream id, holding at most `budget`,
   * counted by `sizeOf` (by default, one per entry).
   */
  cache<V>(budget: number, sizeOf: (value: V) => number = () => 1): ChangeCache<V> {
    const cache = new ChangeCache<V>(() => this.cachesCurrent(), budget, sizeOf, this.lookups);
    this.caches.add(cache as ChangeCache<unknown>);
    return cache;
  }
}

/** More events than this since the caches last looked, and they simply empty. */
const MAX_FORGOTTEN = 1000;

/**
 * Values read from the database, by stream, kept until they may have changed; over its budget,
 * the oldest go.
 */
export class ChangeCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private size = 0;
  private at = -1;

  constructor(
    private readonly current: () => number,
    private readonly budget: number,
    private readonly sizeOf: (value: V) => number,
    private readonly lookups: { hits: number; misses: number },
  ) {}

  /** The cached value, or `read()`'s (an `undefined` is not kept, nor a value over an eighth of the budget). */
  get(key: string, read: () => V | undefined): V | undefined {
    const at = this.current();
    if (at !== this.at) {
      this.entries.clear();
      this.size = 0;
      this.at = at;
    }
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.lookups.hits++;
      return cached.value;
    }
    this.lookups.misses++;
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

  /** Drops one stream's value: this process has just changed it. */
  forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.size -= entry.size;
  }
}
