import type { Database, Statement } from 'better-sqlite3';
import { commitSpans, recordedContext } from '../../../event-store/commit-trace.js';
import { Subject } from 'rxjs';
import {
  StoreUnavailable,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type PendingAppend,
  type ReadStreamOptions,
  type StoredEvent,
} from '../../../event-store/event-store.port.js';
import { eventOf, type EventRow } from '../../../event-store/event-row.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import { SqliteChanges, type ChangeCache } from '../sqlite-changes.js';
import { UpcasterChain } from '../../../event-store/upcasting.js';
import { SqliteAppender, type AppendOutcome } from './sqlite-appender.js';
import { InlineWriter, type SqliteWriter } from './sqlite-writer.js';

export interface SqliteEventStoreOptions {
  /** Where batches are committed; by default on this thread, through `db`, with `projections`. */
  writer?: SqliteWriter;
  projections?: readonly InlineProjection<Database>[];
  upcasters?: UpcasterChain;
  now?: () => Date;
}

/**
 * The SQLite adapter. Group commit: the appends of one turn of the event loop go to the writer
 * together, and the writer commits whatever has reached it while it was busy in one
 * transaction, one fsync (SqliteAppender: each append in its own savepoint, so a refused one
 * rolls back alone). The writer takes them in the order they were sent, so positions follow
 * the order of the queue. No promise resolves before the COMMIT that made it durable has
 * returned. Reads run on `db`.
 */
export class SqliteEventStore implements EventStore {
  private readonly subject = new Subject<StoredEvent>();
  readonly appended$ = this.subject.asObservable();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  /** Appends sent to the writer and not yet answered. */
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private readonly writer: SqliteWriter;
  private readonly upcasters: UpcasterChain;
  private readonly now: () => Date;
  private readonly changes: SqliteChanges;
  /** Stream versions for reads (404s, timeline pages), kept until the database may have changed. */
  private readonly versions: ChangeCache<number>;
  private readonly stmt: {
    head: Statement<[string], { version: number; hash: string }>;
    byEventId: Statement<[string], EventRow>;
    stream: Statement<[string, number, number, number], EventRow>;
    all: Statement<[number, number], EventRow>;
    last: Statement<[], number>;
  };

  constructor(db: Database, options: SqliteEventStoreOptions = {}) {
    this.writer = options.writer ?? new InlineWriter(new SqliteAppender(db, options.projections ?? []));
    this.upcasters = options.upcasters ?? new UpcasterChain();
    this.now = options.now ?? (() => new Date());
    this.changes = SqliteChanges.of(db);
    this.versions = this.changes.cache(10_000);
    this.stmt = {
      head: db.prepare('SELECT version, last_hash AS hash FROM streams WHERE stream_id = ?'),
      byEventId: db.prepare('SELECT * FROM events WHERE event_id = ?'),
      stream: db.prepare(
        `SELECT * FROM events WHERE stream_id = ? AND version >= ? AND version <= ?
         ORDER BY version LIMIT ?`,
      ),
      all: db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      last: db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck(),
    };
  }

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailable('the store is closed'));
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return new Promise((resolve, reject) => {
      this.queue.push({ trace: recordedContext(), streamId, events, options, resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * See EventStore.pump: finished commits are answered now, and the queue goes to the writer now
   * if it is idle. A busy writer takes nothing before its commit ends: its queue is sent at the
   * end of the turn as before, together (each message wakes the thread; one per append would
   * cost more than the wait).
   */
  pump(): void {
    this.writer.receive();
    if (this.queue.length > 0 && this.inFlight.size === 0) this.flush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate runs after pending I/O callbacks, so requests that arrive
    // together are sent together.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * Sends this turn's appends to the writer without waiting for the commit before: the writer
   * holds them in its queue (the only one; this buffer lasts one turn) and commits all it holds,
   * up to its cap per transaction, as soon as it is free, so no round trip between the threads
   * stands between two commits.
   */
  private flush(): void {
    const batch = this.queue.splice(0);
    if (batch.length === 0) return;
    const traced = commitSpans(batch);
    const recordedAt = this.now().toISOString();
    const requests = batch.map(({ streamId, events, options }) => ({
      streamId,
      events,
      recordedAt,
      ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
    }));
    const done = this.writer
      .commit(requests)
      .catch((error: unknown): AppendOutcome[] => batch.map(() => ({ error })))
      .then((outcomes) => {
        this.inFlight.delete(done);
        // The streams of this commit (what a refused append would have written was not).
        this.changes.appended(
          batch.flatMap((pending, i) => ('ok' in outcomes[i]! ? [pending.streamId] : [])),
        );
        traced();
        this.settle(batch, outcomes);
      });
    this.inFlight.add(done);
  }

  private settle(batch: readonly PendingAppend[], outcomes: readonly AppendOutcome[]): void {
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.ok);
    });
    for (const outcome of outcomes) {
      if ('ok' in outcome && !outcome.ok.duplicate) for (const e of outcome.ok.events) this.subject.next(e);
    }
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
    return this.versions.get(streamId, () => this.stmt.head.get(streamId)?.version) ?? 0;
  }

  async head(): Promise<number> {
    return this.stmt.last.get()!;
  }

  async findEvent(eventId: string): Promise<StoredEvent | undefined> {
    const row = this.stmt.byEventId.get(eventId);
    return row ? this.toEvent(row, false) : undefined;
  }

  /** Commits what is queued, then stops the writer. */
  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    await Promise.all(this.inFlight);
    await this.writer.close();
    this.subject.complete();
  }

  private toEvent(row: EventRow, raw: boolean): StoredEvent {
    const event = eventOf(row);
    return raw ? event : this.upcasters.apply(event);
  }
}
