import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { Subject } from 'rxjs';
import { rows } from '../../database/postgres.database.js';
import { translatePgError } from '../../database/postgres-errors.js';
import {
  EventIdConflict,
  StoreUnavailable,
  WrongExpectedVersion,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadStreamOptions,
  type StoredEvent,
} from '../event-store.port.js';
import { eventHash, GENESIS_HASH } from '../hashing.js';
import type { InlineProjection } from '../projections.js';
import { UpcasterChain } from '../upcasting.js';
import { FeedFollower } from './feed-follower.js';

export interface EventRow {
  position: number;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  occurred_on: string;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}

interface PendingAppend {
  streamId: string;
  events: readonly NewEvent[];
  options: AppendOptions;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export type PostgresProjection = InlineProjection<pg.PoolClient, Promise<void>>;

export interface PostgresEventStoreOptions {
  projections?: readonly PostgresProjection[];
  upcasters?: UpcasterChain;
  now?: () => Date;
  /** Most appends committed in one transaction. */
  maxBatch?: number;
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
/** Rows per INSERT: far below PostgreSQL's 65,535 parameters. */
const INSERT_CHUNK = 500;

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
 * committing share the next one, each in its own savepoint, so a refused append rolls back
 * alone. Inline projections run inside the same transaction. No promise resolves before
 * the COMMIT that made it durable has returned.
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

  private constructor(
    private readonly pool: pg.Pool,
    options: PostgresEventStoreOptions,
  ) {
    this.upcasters = options.upcasters ?? new UpcasterChain();
    this.projections = options.projections ?? [];
    this.now = options.now ?? (() => new Date());
    this.maxBatch = options.maxBatch ?? 500;
  }

  static async open(pool: pg.Pool, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(pool, options);
    store.follower = await FeedFollower.start({
      readAfter: (after) => store.readAll({ after, limit: 1000, raw: true }),
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
      this.queue.push({ streamId, events, options, resolve, reject });
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

  private async commitBatch(batch: PendingAppend[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      for (const p of batch) p.reject(translatePgError(error));
      return;
    }
    const outcomes: ({ ok: AppendResult } | { error: unknown })[] = [];
    const alone = batch.length === 1;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      const [top] = (
        await client.query<{ head: number }>('SELECT COALESCE(MAX(position), 0) AS head FROM events')
      ).rows;
      let next = top!.head + 1;
      for (const pending of batch) {
        // One append alone needs no savepoint: refusing it rolls the whole transaction back.
        if (alone) {
          const result = await this.appendNow(client, pending, next);
          outcomes.push({ ok: result });
          if (!result.duplicate) next += result.events.length;
          continue;
        }
        await client.query('SAVEPOINT append');
        try {
          const result = await this.appendNow(client, pending, next);
          await client.query('RELEASE SAVEPOINT append');
          outcomes.push({ ok: result });
          if (!result.duplicate) next += result.events.length;
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT append');
          await client.query('RELEASE SAVEPOINT append');
          outcomes.push({ error: translate(error) });
        }
      }
      // Delivered by PostgreSQL at COMMIT, to every instance listening (this one included).
      if (next > top!.head + 1)
        await client.query('SELECT pg_notify($1, $2)', [APPENDED_CHANNEL, String(next - 1)]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(error instanceof Error && translatePgError(error) !== error ? error : undefined);
      for (const p of batch) p.reject(translate(error));
      return;
    }
    client.release();
    const committed: StoredEvent[] = [];
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) return pending.reject(outcome.error);
      pending.resolve(outcome.ok);
      if (!outcome.ok.duplicate) committed.push(...outcome.ok.events);
    });
    if (committed.length > 0) this.follower.committed(committed);
  }

  /** One append, inside the batch's transaction, its events numbered from `position`. Throws to refuse it. */
  private async appendNow(
    client: pg.PoolClient,
    { streamId, events, options }: PendingAppend,
    position: number,
  ): Promise<AppendResult> {
    const duplicate = await this.findDuplicate(client, streamId, events);
    if (duplicate) return duplicate;

    const [head] = (
      await client.query<{ version: number; hash: string }>(
        'SELECT version, last_hash AS hash FROM streams WHERE stream_id = $1 FOR UPDATE',
        [streamId],
      )
    ).rows;
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
      const event = { ...fields, position: position + i, prevHash, hash };
      prevHash = hash;
      return event;
    });
    for (let from = 0; from < stored.length; from += INSERT_CHUNK) {
      await insertEvents(client, stored.slice(from, from + INSERT_CHUNK));
    }
    const version = current + events.length;
    await client.query(
      `INSERT INTO streams (stream_id, version, last_hash) VALUES ($1, $2, $3)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash`,
      [streamId, version, prevHash],
    );
    for (const projection of this.projections) await projection.apply(client, stored);
    return { events: stored, version, duplicate: false };
  }

  /** A retried append (same event ids, same stream, in order) returns what was stored. */
  private async findDuplicate(
    client: pg.PoolClient,
    streamId: string,
    events: readonly NewEvent[],
  ): Promise<AppendResult | undefined> {
    const ids = events.map((e) => e.eventId).filter((id): id is string => id !== undefined);
    if (ids.length === 0) return undefined;
    const found = (
      await client.query<EventRow>('SELECT * FROM events WHERE event_id = ANY($1::text[])', [ids])
    ).rows;
    if (found.length === 0) return undefined;
    const byId = new Map(found.map((row) => [row.event_id, row]));
    const matched = events.map((e) => (e.eventId === undefined ? undefined : byId.get(e.eventId)));
    const rowsFound = matched.filter((row): row is EventRow => row !== undefined);
    const first = rowsFound[0]!;
    const sameAppend =
      rowsFound.length === events.length &&
      rowsFound.every(
        (row, i) =>
          row.stream_id === streamId && row.version === first.version + i && row.type === events[i]!.type,
      );
    if (!sameAppend) throw new EventIdConflict(first.event_id);
    const [head] = (
      await client.query<{ version: number }>('SELECT version FROM streams WHERE stream_id = $1', [streamId])
    ).rows;
    return {
      events: rowsFound.map((row) => this.toEvent(row, true)),
      version: head?.version ?? 0,
      duplicate: true,
    };
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

/** A stored row as the port's StoredEvent (not upcast). */
export function eventOf(row: EventRow): StoredEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    version: row.version,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as StoredEvent['metadata'],
    occurredOn: row.occurred_on,
    recordedAt: row.recorded_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Writes events as they are (positions, hashes and all): the append path and the SQLite copy tool share it. */
export async function insertEvents(
  client: pg.PoolClient | pg.Client,
  events: readonly StoredEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const values: unknown[] = [];
  const tuples = events.map((e) => {
    const at = values.length;
    values.push(
      e.position,
      e.streamId,
      e.version,
      e.eventId,
      e.type,
      e.schemaVersion,
      JSON.stringify(e.data),
      JSON.stringify(e.metadata),
      e.occurredOn,
      e.recordedAt,
      e.prevHash,
      e.hash,
    );
    return `(${Array.from({ length: 12 }, (_, i) => `$${at + i + 1}`).join(', ')})`;
  });
  await client.query(
    `INSERT INTO events (position, stream_id, version, event_id, type, schema_version, data, metadata,
       occurred_on, recorded_at, prev_hash, hash) VALUES ${tuples.join(', ')}`,
    values,
  );
}

function translate(error: unknown): unknown {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  // An event id repeated within one append reaches the unique index rather than findDuplicate.
  if (code === '23505' && constraint === 'events_event_id_key') {
    return new EventIdConflict('(repeated within the append)');
  }
  return translatePgError(error);
}
