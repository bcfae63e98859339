import type { Database, Statement } from 'better-sqlite3';
import {
  EventIdConflict,
  StoreUnavailable,
  WrongExpectedVersion,
  type AppendResult,
  type NewEvent,
  type StoredEvent,
} from '../../../event-store/event-store.port.js';
import { eventOf, type EventRow } from '../../../event-store/event-row.js';
import { retriedAppend } from '../../../event-store/replay.js';
import { chainEvents } from '../../../event-store/chain.js';
import type { InlineProjection } from '../../../event-store/projections.js';

/** One append of a batch: plain data, so it can cross to the writer thread. */
export interface AppendRequest {
  streamId: string;
  events: readonly NewEvent[];
  expectedVersion?: number;
  /** Stamped when the append was asked for (the application's clock lives on the main thread). */
  recordedAt: string;
}

export type AppendOutcome = { ok: AppendResult } | { error: unknown };

/** SQLite error codes that mean "not now" rather than "never": answered 503. */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN)/;

/**
 * Writes a batch of appends in one transaction (one fsync): each in its own savepoint, so a
 * refused append rolls back alone and its neighbours still commit; the inline projections run
 * inside the same transaction. Synchronous (better-sqlite3): it runs on the writer thread, or
 * inline where there is none (tests, tools on `:memory:`).
 */
export class SqliteAppender {
  /** Transaction control as prepared statements: cheaper than exec() on every append. */
  private readonly tx: Record<'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'commit', Statement>;
  private readonly stmt: {
    head: Statement<[string], { version: number; hash: string }>;
    insert: Statement;
    upsertStream: Statement;
    byEventId: Statement<[string], EventRow>;
  };

  /** `rolledBack` runs whenever work was undone: projections that cache what they wrote forget it. */
  constructor(
    private readonly db: Database,
    private readonly projections: readonly InlineProjection<Database>[] = [],
    private readonly rolledBack: () => void = () => {},
  ) {
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
    };
  }

  /**
   * Commits the batch; an outcome per append, in order. Returns only after COMMIT has returned
   * (durable); when the transaction itself fails, every append gets that error.
   */
  commit(batch: readonly AppendRequest[]): AppendOutcome[] {
    const outcomes: AppendOutcome[] = [];
    try {
      this.tx.begin.run();
    } catch (error) {
      return batch.map(() => ({ error: translate(error) }));
    }
    try {
      for (const request of batch) {
        this.tx.savepoint.run();
        try {
          outcomes.push({ ok: this.appendNow(request) });
          this.tx.release.run();
        } catch (error) {
          this.tx.rollbackTo.run();
          this.tx.release.run();
          this.rolledBack();
          outcomes.push({ error: translate(error) });
        }
      }
      this.tx.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.rolledBack();
      return batch.map(() => ({ error: translate(error) }));
    }
    return outcomes;
  }

  /** One append, inside the batch's transaction. Throws to refuse it. */
  private appendNow({ streamId, events, expectedVersion, recordedAt }: AppendRequest): AppendResult {
    const duplicate = this.findDuplicate(streamId, events);
    if (duplicate) return duplicate;

    const head = this.stmt.head.get(streamId);
    const current = head?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== current) {
      throw new WrongExpectedVersion(streamId, expectedVersion, current);
    }
    const stored: StoredEvent[] = chainEvents(streamId, head, events, recordedAt).map((e) => {
      const info = this.stmt.insert.run({
        ...e,
        data: JSON.stringify(e.data),
        metadata: JSON.stringify(e.metadata),
      });
      return { ...e, position: Number(info.lastInsertRowid) };
    });
    const last = stored[stored.length - 1]!;
    this.stmt.upsertStream.run(streamId, last.version, last.hash);
    for (const projection of this.projections) projection.apply(this.db, stored);
    return { events: stored, version: last.version, duplicate: false };
  }

  /** A retried append (same event ids, same stream, in order, same events) returns what was stored. */
  private findDuplicate(streamId: string, events: readonly NewEvent[]): AppendResult | undefined {
    // As stored (not upcast), like the events of a fresh append.
    const found = events.map((e) => {
      const row = e.eventId === undefined ? undefined : this.stmt.byEventId.get(e.eventId);
      return row && eventOf(row);
    });
    const stored = retriedAppend(streamId, events, found);
    if (!stored) return undefined;
    return { events: stored, version: this.stmt.head.get(streamId)?.version ?? 0, duplicate: true };
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
