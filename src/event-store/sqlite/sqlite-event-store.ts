import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { Subject } from 'rxjs';
import {
  EventIdConflict,
  StoreUnavailable,
  WrongExpectedVersion,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type PendingAppend,
  type ReadStreamOptions,
  type StoredEvent,
} from '../event-store.port.js';
import { eventOf, type EventRow } from '../event-row.js';
import { eventHash, GENESIS_HASH } from '../hashing.js';
import type { InlineProjection } from '../projections.js';
import { UpcasterChain } from '../upcasting.js';

export interface SqliteEventStoreOptions {
  projections?: readonly InlineProjection<Database>[];
  upcasters?: UpcasterChain;
  now?: () => Date;
  /** Most appends committed in one transaction. */
  maxBatch?: number;
}

/** SQLite error codes that mean "not now" rather than "never": answered 503. */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN)/;

/**
 * The SQLite adapter. better-sqlite3 is synchronous, so a transaction runs without
 * interleaving. Group commit: appends that arrive in the same turn of the event loop
 * are queued and committed together in one transaction (one fsync); each runs in its own
 * savepoint, so a refused append rolls back alone and its neighbours still commit.
 * No promise resolves before the COMMIT that made it durable has returned.
 */
export class SqliteEventStore implements EventStore {
  private readonly subject = new Subject<StoredEvent>();
  readonly appended$ = this.subject.asObservable();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly upcasters: UpcasterChain;
  private readonly projections: readonly InlineProjection<Database>[];
  private readonly now: () => Date;
  private readonly maxBatch: number;
  /** Transaction control as prepared statements: cheaper than exec() on every append. */
  private readonly tx: Record<'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'commit', Statement>;
  private readonly stmt: {
    head: Statement<[string], { version: number; hash: string }>;
    insert: Statement;
    upsertStream: Statement;
    byEventId: Statement<[string], EventRow>;
    stream: Statement<[string, number, number, number], EventRow>;
    all: Statement<[number, number], EventRow>;
  };

  constructor(
    private readonly db: Database,
    options: SqliteEventStoreOptions = {},
  ) {
    this.upcasters = options.upcasters ?? new UpcasterChain();
    this.projections = options.projections ?? [];
    this.now = options.now ?? (() => new Date());
    this.maxBatch = options.maxBatch ?? 2000;
    this.tx = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      savepoint: db.prepare('SAVEPOINT append'),
      release: db.prepare('RELEASE append'),
      rollbackTo: db.prepare('ROLLBACK TO append'),
      commit: db.prepare('COMMIT'),
    };
    this.stmt = {
      head: db.prepare('SELECT version, last_hash AS hash FROM streams WHERE stream_id = ?'),
      insert: db.prepare(
        `INSERT INTO events (stream_id, version, event_id, type, schema_version, data, metadata,
           occurred_on, recorded_at, prev_hash, hash)
         VALUES (@streamId, @version, @eventId, @type, @schemaVersion, @data, @metadata,
           @occurredOn, @recordedAt, @prevHash, @hash)`,
      ),
      upsertStream: db.prepare(
        `INSERT INTO streams (stream_id, version, last_hash) VALUES (?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash`,
      ),
      byEventId: db.prepare('SELECT * FROM events WHERE event_id = ?'),
      stream: db.prepare(
        `SELECT * FROM events WHERE stream_id = ? AND version >= ? AND version <= ?
         ORDER BY version LIMIT ?`,
      ),
      all: db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
    };
  }

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailable('the store is closed'));
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return new Promise((resolve, reject) => {
      this.queue.push({ streamId, events, options, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate runs after pending I/O callbacks, so requests that arrive
        // together land in the same batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    const outcomes: ({ ok: AppendResult } | { error: unknown })[] = [];
    try {
      this.tx.begin.run();
    } catch (error) {
      for (const p of batch) p.reject(translate(error));
      return;
    }
    try {
      for (const pending of batch) {
        this.tx.savepoint.run();
        try {
          outcomes.push({ ok: this.appendNow(pending) });
          this.tx.release.run();
        } catch (error) {
          this.tx.rollbackTo.run();
          this.tx.release.run();
          outcomes.push({ error: translate(error) });
        }
      }
      this.tx.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const p of batch) p.reject(translate(error));
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.ok);
    });
    for (const outcome of outcomes) {
      if ('ok' in outcome && !outcome.ok.duplicate) for (const e of outcome.ok.events) this.subject.next(e);
    }
  }

  /** One append, inside the batch's transaction. Throws to refuse it. */
  private appendNow({ streamId, events, options }: PendingAppend): AppendResult {
    const duplicate = this.findDuplicate(streamId, events);
    if (duplicate) return duplicate;

    const head = this.stmt.head.get(streamId);
    const current = head?.version ?? 0;
    if (options.expectedVersion !== undefined && options.expectedVersion !== current) {
      throw new WrongExpectedVersion(streamId, options.expectedVersion, current);
    }
    let prevHash = head?.hash ?? GENESIS_HASH;
    const recordedAt = this.now().toISOString();
    const stored: StoredEvent[] = events.map((e, i) => {
      const fields = {
        streamId,
        version: current + i + 1,
        eventId: e.eventId ?? randomUUID(),
        type: e.type,
        schemaVersion: e.schemaVersion ?? 1,
        data: e.data,
        metadata: e.metadata,
        occurredOn: e.occurredOn,
        recordedAt,
      };
      const hash = eventHash(prevHash, fields);
      const info = this.stmt.insert.run({
        ...fields,
        data: JSON.stringify(fields.data),
        metadata: JSON.stringify(fields.metadata),
        prevHash,
        hash,
      });
      const event = { ...fields, position: Number(info.lastInsertRowid), prevHash, hash };
      prevHash = hash;
      return event;
    });
    const version = current + events.length;
    this.stmt.upsertStream.run(streamId, version, prevHash);
    for (const projection of this.projections) projection.apply(this.db, stored);
    return { events: stored, version, duplicate: false };
  }

  /** A retried append (same event ids, same stream, in order) returns what was stored. */
  private findDuplicate(streamId: string, events: readonly NewEvent[]): AppendResult | undefined {
    const found = events.map((e) =>
      e.eventId === undefined ? undefined : this.stmt.byEventId.get(e.eventId),
    );
    if (found.every((row) => row === undefined)) return undefined;
    const rows = found.filter((row): row is EventRow => row !== undefined);
    const first = rows[0]!;
    const sameAppend =
      rows.length === events.length &&
      rows.every(
        (row, i) =>
          row.stream_id === streamId && row.version === first.version + i && row.type === events[i]!.type,
      );
    if (!sameAppend) throw new EventIdConflict(first.event_id);
    const stored = rows.map((row) => this.toEvent(row, true));
    return { events: stored, version: this.stmt.head.get(streamId)?.version ?? 0, duplicate: true };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const rows = this.stmt.stream.all(
      streamId,
      options.fromVersion ?? 1,
      options.toVersion ?? Number.MAX_SAFE_INTEGER,
      options.limit ?? -1,
    );
    return rows.map((row) => this.toEvent(row, options.raw ?? false));
  }

  async readAll(options: { after?: number; limit?: number; raw?: boolean } = {}): Promise<StoredEvent[]> {
    const rows = this.stmt.all.all(options.after ?? 0, options.limit ?? 1000);
    return rows.map((row) => this.toEvent(row, options.raw ?? false));
  }

  async streamVersion(streamId: string): Promise<number> {
    return this.stmt.head.get(streamId)?.version ?? 0;
  }

  async findEvent(eventId: string): Promise<StoredEvent | undefined> {
    const row = this.stmt.byEventId.get(eventId);
    return row ? this.toEvent(row, false) : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.queue.length > 0) this.flush();
    this.subject.complete();
  }

  private toEvent(row: EventRow, raw: boolean): StoredEvent {
    const event = eventOf(row);
    return raw ? event : this.upcasters.apply(event);
  }
}

function translate(error: unknown): unknown {
  const { code, message } = error as { code?: unknown; message?: unknown };
  // An event id repeated within one batch reaches the unique index rather than findDuplicate.
  if (
    code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    typeof message === 'string' &&
    message.includes('events.event_id')
  ) {
    return new EventIdConflict('(repeated within the append)');
  }
  if (typeof code === 'string' && UNAVAILABLE.test(code)) return new StoreUnavailable(code);
  return error;
}
