import pg from 'pg';
import { commitSpans, recordedContext } from '../../../event-store/commit-trace.js';
import { Subject } from 'rxjs';
import { rows } from '../postgres.database.js';
import { translatePgError } from '../postgres-errors.js';
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
} from '../../../event-store/event-store.port.js';
import { eventOf, rowOf, type EventRow } from '../../../event-store/event-row.js';
import { chainEvents } from '../../../event-store/chain.js';
import { retriedAppend } from '../../../event-store/replay.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import { UpcasterChain } from '../../../event-store/upcasting.js';
import { FeedFollower } from './feed-follower.js';
import { preparing } from '../prepared.js';
import { PgTransaction, type PgTx } from '../pg-tx.js';

export interface PostgresProjection extends InlineProjection<PgTx, Promise<void>> {
  /**
   * Sends, right behind the append lock, the reads `apply` will need for a batch on these streams,
   * so that they share the lock's round trip (apply reads for itself when nothing was read ahead).
   */
  prefetch?(tx: PgTx, streamIds: readonly string[]): void;
}

type Outcome = { ok: AppendResult } | { error: unknown };

export interface PostgresEventStoreOptions {
  projections?: readonly PostgresProjection[];
  upcasters?: UpcasterChain;
  now?: () => Date;
  /** Most appends committed in one transaction. */
  maxBatch?: number;
  /** The pool append transactions take their connection from (one at a time); else `pool`. */
  writer?: pg.Pool;
  /**
   * Follow appends made by other instances (LISTEN/NOTIFY, with a poll as a safety net), so
   * `appended$` carries every event whatever instance wrote it. Off for one-shot tools.
   */
  follow?: { url: string; pollIntervalMs?: number } | false;
}

/** The key of the advisory lock every append transaction holds from position assignment to COMMIT. */
export const APPEND_LOCK = 7_306_012_000;
/** The channel a commit notifies with its last position. */
export const APPENDED_CHANNEL = 'treaty_ledger_appended';

/**
 * The PostgreSQL adapter.
 *
 * Gap-free global order: every append transaction takes one transaction-scoped advisory
 * lock before it assigns positions (max + 1) and keeps it until COMMIT. Positions are
 * therefore handed out in commit order, one transaction at a time across every instance:
 * when a reader sees position N, every position below N committed before it, so a reader
 * of the global feed can never pass over an event whose transaction commits late.
 *
 * Group commit, as in the SQLite adapter: appends that queue up while a transaction is
 * committing share the next one, each still decided and checked on its own, so a refused
 * append does not fail its neighbours. Inline projections run inside the same transaction.
 * No promise resolves before the COMMIT that made it durable has returned.
 */
export class PostgresEventStore implements EventStore {
  private readonly subject = new Subject<StoredEvent>();
  readonly appended$ = this.subject.asObservable();
  private queue: PendingAppend[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly upcasters: UpcasterChain;
  private readonly projections: readonly PostgresProjection[];
  private readonly now: () => Date;
  private readonly maxBatch: number;
  private follower!: FeedFollower;
  private readonly writer: pg.Pool;

  private constructor(
    private readonly pool: pg.Pool,
    options: PostgresEventStoreOptions,
  ) {
    this.writer = options.writer ?? pool;
    this.upcasters = options.upcasters ?? new UpcasterChain();
    this.projections = options.projections ?? [];
    this.now = options.now ?? (() => new Date());
    this.maxBatch = options.maxBatch ?? 500;
  }

  static async open(pool: pg.Pool, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(pool, options);
    store.follower = await FeedFollower.start({
      readAfter: (after, limit) => store.readAll({ after, limit, raw: true }),
      head: () => store.head(),
      emit: (e) => store.subject.next(e),
      ...(options.follow ? { listen: { ...options.follow, channel: APPENDED_CHANNEL } } : {}),
    });
    return store;
  }

  /** The last position this instance has emitted on appended$ (for the projection lag metric). */
  get deliveredPosition(): number {
    return this.follower.position;
  }

  async head(): Promise<number> {
    const [row] = await rows<{ head: number }>(
      this.pool,
      'SELECT COALESCE(MAX(position), 0) AS head FROM events',
    );
    return row!.head;
  }

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailable('the store is closed'));
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return new Promise((resolve, reject) => {
      this.queue.push({ trace: recordedContext(), streamId, events, options, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /**
   * Commits the queue batch by batch. Appends arriving while a transaction commits wait for
   * it and then share the next one; setImmediate first lets requests that arrive together
   * land in the same batch. `draining` is cleared in the same turn as the last emptiness
   * check, so an append can never be left queued with nobody draining.
   */
  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0) await this.commitBatch(this.queue.splice(0, this.maxBatch));
    } finally {
      this.draining = undefined;
    }
  }

  /**
   * One transaction for the whole batch. Under the lock, each append is decided in memory
   * against the stream heads and the event ids already stored (read once for the batch), so a
   * refused append writes nothing and needs no savepoint; then the accepted events are
   * written together and the projections applied once, in position order. Should a write
   * fail anyway, the batch is rolled back and its appends committed one by one, so one bad
   * append cannot take its neighbours down.
   */
  private async commitBatch(batch: PendingAppend[]): Promise<void> {
    let outcomes: Outcome[];
    const traced = commitSpans(batch);
    try {
      outcomes = await this.transaction(batch);
    } catch (error) {
      traced();
      if (batch.length > 1 && !(translate(error) instanceof StoreUnavailable)) {
        for (const pending of batch) await this.commitBatch([pending]);
        return;
      }
      for (const p of batch) p.reject(translate(error));
      return;
    }
    traced();
    const committed: StoredEvent[] = [];
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) return pending.reject(outcome.error);
      pending.resolve(outcome.ok);
      if (!outcome.ok.duplicate) committed.push(...outcome.ok.events);
    });
    if (committed.length > 0) this.follower.committed(committed);
  }

  /**
   * The batch's transaction on the writer's own connection, so that an append never waits in
   * the pool behind reads. Two round trips whatever the batch size: the lock, every read the
   * batch is decided on and the reads the projections need (prefetch); then the events, the
   * stream heads and the projections' writes, sent without waiting (the writer's connection is
   * pipelined, see PgTransaction), up to the announcement with COMMIT. Only a rarer case reads
   * more (a retraction folds its stream again).
   */
  private async transaction(batch: readonly PendingAppend[]): Promise<Outcome[]> {
    const client = await this.writer.connect();
    try {
      const outcomes = await this.writeBatch(new PgTransaction(preparing(client)), batch);
      client.release();
      return outcomes;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A broken connection is not given back to the pool.
      client.release(translatePgError(error) instanceof StoreUnavailable ? (error as Error) : undefined);
      throw error;
    }
  }

  private async writeBatch(tx: PgTransaction, batch: readonly PendingAppend[]): Promise<Outcome[]> {
    const streamIds = [...new Set(batch.map((p) => p.streamId))];
    const ids = batch.flatMap((p) => p.events.flatMap((e) => (e.eventId === undefined ? [] : [e.eventId])));
    // One simple-protocol string, one round trip; each statement takes its own snapshot, so the
    // reads after the lock see every transaction that committed before it was granted. Every
    // append transaction holds the lock from before it numbers its events until COMMIT:
    // positions are handed out in commit order (see the class comment). Numbered after the
    // highest position ever given (event_log), so none is ever reused.
    const first = tx.query(
      `BEGIN;
       SELECT pg_advisory_xact_lock(${APPEND_LOCK});
       SELECT GREATEST((SELECT COALESCE(MAX(position), 0) FROM events),
                       COALESCE((SELECT last_position FROM event_log), 0)) AS head;
       SELECT stream_id, version, last_hash AS hash FROM streams
         WHERE stream_id = ANY(${textArray(streamIds)}) FOR UPDATE;
       ${ids.length > 0 ? `SELECT * FROM events WHERE event_id = ANY(${textArray(ids)});` : ''}`,
    );
    // The projections' reads leave in the same write and run after these, under the lock.
    for (const projection of this.projections) projection.prefetch?.(tx, streamIds);
    const results = (await first) as unknown as pg.QueryResult[];
    const top = results[2]!.rows[0] as { head: number };
    const heads = new Map<string, { version: number; hash: string }>();
    for (const row of results[3]!.rows as { stream_id: string; version: number; hash: string }[]) {
      heads.set(row.stream_id, { version: row.version, hash: row.hash });
    }
    const stored = new Map<string, StoredEvent>();
    for (const row of (results[4]?.rows ?? []) as EventRow[])
      stored.set(row.event_id, this.toEvent(row, true));

    let next = top.head + 1;
    const written: StoredEvent[] = [];
    const outcomes = batch.map((pending): Outcome => {
      try {
        const result = this.decideAppend(pending, next, heads, stored);
        if (!result.duplicate) {
          next += result.events.length;
          written.push(...result.events);
          for (const e of result.events) stored.set(e.eventId, e);
          const last = result.events[result.events.length - 1]!;
          heads.set(pending.streamId, { version: last.version, hash: last.hash });
        }
        return { ok: result };
      } catch (error) {
        return { error };
      }
    });
    if (written.length === 0) {
      await tx.query('COMMIT');
      return outcomes;
    }

    // The events and their streams' new heads: one statement.
    const touched = [...new Set(written.map((e) => e.streamId))];
    tx.send(
      `WITH stored AS (${INSERT_EVENTS})
       INSERT INTO streams (stream_id, version, last_hash)
       SELECT * FROM unnest($13::text[], $14::int[], $15::text[])
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash`,
      [
        ...eventColumns(written.map(rowOf)),
        touched,
        touched.map((id) => heads.get(id)!.version),
        touched.map((id) => heads.get(id)!.hash),
      ],
    );
    for (const projection of this.projections) await projection.apply(tx, written);
    // The highest position ever given moves on, the commit is announced (PostgreSQL delivers the
    // notification at COMMIT to every instance listening, this one included), and it commits.
    // A failed statement abandons the rest of the string, COMMIT included; after a failed sent
    // statement the transaction is aborted, so this fails too, with that statement's error.
    this.follower.committing(next - 1);
    try {
      await tx.query(
        `INSERT INTO event_log (id, last_position) VALUES (true, ${next - 1})
         ON CONFLICT (id) DO UPDATE SET last_position = excluded.last_position
         RETURNING pg_notify('${APPENDED_CHANNEL}', last_position::text);
         COMMIT`,
      );
      await tx.settle();
    } catch (error) {
      this.follower.abandoned(next - 1);
      throw error;
    }
    return outcomes;
  }

  /**
   * One append decided in memory: the events it would store (numbered from `position`), the
   * original events for a retried append, or a refusal (thrown) that writes nothing.
   */
  private decideAppend(
    { streamId, events, options }: PendingAppend,
    position: number,
    heads: ReadonlyMap<string, { version: number; hash: string }>,
    stored: ReadonlyMap<string, StoredEvent>,
  ): AppendResult {
    const head = heads.get(streamId);
    const current = head?.version ?? 0;
    // `stored`: the events with these ids already in the store, and those accepted earlier in the batch.
    const duplicate = retriedAppend(
      streamId,
      events,
      events.map((e) => (e.eventId === undefined ? undefined : stored.get(e.eventId))),
    );
    if (duplicate) return { events: duplicate, version: current, duplicate: true };
    const ids = events.flatMap((e) => (e.eventId === undefined ? [] : [e.eventId]));
    if (new Set(ids).size !== ids.length) throw new EventIdConflict('(repeated within the append)');
    if (options.expectedVersion !== undefined && options.expectedVersion !== current) {
      throw new WrongExpectedVersion(streamId, options.expectedVersion, current);
    }
    const recordedAt = this.now().toISOString();
    const result = chainEvents(streamId, head, events, recordedAt).map((e, i) => ({
      ...e,
      position: position + i,
    }));
    return { events: result, version: current + events.length, duplicate: false };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const found = await rows<EventRow>(
      this.pool,
      `SELECT * FROM events WHERE stream_id = $1 AND version >= $2 AND version <= $3
       ORDER BY version LIMIT $4`,
      [streamId, options.fromVersion ?? 1, options.toVersion ?? 2_147_483_647, options.limit ?? null],
    );
    return found.map((row) => this.toEvent(row, options.raw ?? false));
  }

  async readAll(options: { after?: number; limit?: number; raw?: boolean } = {}): Promise<StoredEvent[]> {
    const found = await rows<EventRow>(
      this.pool,
      'SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT $2',
      [options.after ?? 0, options.limit ?? 1000],
    );
    return found.map((row) => this.toEvent(row, options.raw ?? false));
  }

  async streamVersion(streamId: string): Promise<number> {
    const [row] = await rows<{ version: number }>(
      this.pool,
      'SELECT version FROM streams WHERE stream_id = $1',
      [streamId],
    );
    return row?.version ?? 0;
  }

  async findEvent(eventId: string): Promise<StoredEvent | undefined> {
    const [row] = await rows<EventRow>(this.pool, 'SELECT * FROM events WHERE event_id = $1', [eventId]);
    return row ? this.toEvent(row, false) : undefined;
  }

  /** Commits what is queued, stops following, completes appended$. The pool is its owner's to end. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
    await this.follower.stop();
    this.subject.complete();
  }

  private toEvent(row: EventRow, raw: boolean): StoredEvent {
    const event = eventOf(row);
    return raw ? event : this.upcasters.apply(event);
  }
}

/** The `events` columns, in the order insertEventRows binds them. */
const EVENT_COLUMNS = [
  'position',
  'stream_id',
  'version',
  'event_id',
  'type',
  'schema_version',
  'data',
  'metadata',
  'occurred_on',
  'recorded_at',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof EventRow)[];

/** Inserts event rows given as one array per column ($1 to $12, eventColumns): one statement whatever their number. */
const INSERT_EVENTS = `INSERT INTO events (${EVENT_COLUMNS.join(', ')})
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::text[],
    $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])`;

const eventColumns = (rows: readonly EventRow[]) =>
  EVENT_COLUMNS.map((column) => rows.map((row) => row[column]));

/**
 * Writes event rows as they are (positions, JSON text and hashes unchanged), sent without waiting:
 * the SQLite copy tool's (an append writes its events and their streams' heads in one statement).
 */
export function insertEventRows(tx: PgTx, rows: readonly EventRow[]): void {
  if (rows.length === 0) return;
  tx.send(INSERT_EVENTS, eventColumns(rows));
}

/** A text[] literal for a simple-protocol query, every element escaped. */
function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map((v) => pg.escapeLiteral(v)).join(', ')}]::text[]`;
}

function translate(error: unknown): unknown {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  // An event id repeated within one append reaches the unique index rather than findDuplicate.
  if (code === '23505' && constraint === 'events_event_id_key') {
    return new EventIdConflict('(repeated within the append)');
  }
  return translatePgError(error);
}
