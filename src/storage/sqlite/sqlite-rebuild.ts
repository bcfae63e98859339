import type { Database } from 'better-sqlite3';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { UpcasterChain } from '../../event-store/upcasting.js';
import { StateCache } from '../../agreements/read/status/state-cache.js';
import { sqliteReadModels } from './sqlite-read-models.js';
import { SqliteChanges } from './sqlite-changes.js';

export const REBUILD_SUFFIX = '_rebuild';
const CHECKPOINT = 'rebuild';
const REBUILD_CACHE_KIB = 256 * 1024;

export interface RebuildProgress {
  /** Position of the last event applied. */
  position: number;
  /** The store's last position at that moment. */
  head: number;
  /** Events applied by this run (a resumed run does not count those before its checkpoint). */
  events: number;
  elapsedMs: number;
}

export interface RebuildOptions {
  /**
   * Events read and applied per transaction (default 50,000). Each agreement touched in a
   * batch costs one status write, so larger batches write less; they hold more in memory.
   */
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Stops after the current batch; the checkpoint lets the next run resume there. */
  signal?: AbortSignal;
  /** The app's upcasters, so the rebuild sees events exactly as the inline projections did. */
  upcasters?: UpcasterChain;
}

export interface RebuildResult {
  /** False when stopped by the signal: the live tables are untouched, the checkpoint kept. */
  completed: boolean;
  /** The checkpoint this run started from: 0 for a fresh rebuild. */
  resumedFrom: number;
  position: number;
  events: number;
  elapsedMs: number;
}

/**
 * Replays the whole event store into fresh `*_rebuild` copies of every read-model table,
 * one transaction per batch with a checkpoint, then swaps them in — dropping the live
 * tables and renaming the copies in one transaction — only once they have caught up with
 * the store's head. Until then the live tables (and a running server using them) are
 * untouched; an interrupted rebuild resumes from its checkpoint.
 */
export async function rebuildProjections(db: Database, options: RebuildOptions = {}): Promise<RebuildResult> {
  const started = performance.now();
  // The replay rewrites every agreement's rows again and again: a page cache that holds
  // them saves reading them back from the file. Per connection; restored afterwards.
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${-REBUILD_CACHE_KIB}`);
  try {
    return await replay(db, options, started);
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
  }
}

async function replay(db: Database, options: RebuildOptions, started: number): Promise<RebuildResult> {
  const batchSize = options.batchSize ?? 50_000;
  const projections = sqliteReadModels(REBUILD_SUFFIX, { cache: new StateCache() });
  const tables = projections.flatMap((p) => p.tables);
  const readAfter = eventReader(db, options.upcasters ?? new UpcasterChain());
  const headStmt = db.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck();
  const saveCheckpoint = db.prepare<[number, string, string]>(
    'UPDATE projection_checkpoints SET position = ?, updated_at = ? WHERE name = ?',
  );

  const resumedFrom = prepareTables(db, tables);
  let position = resumedFrom;
  let events = 0;
  const applyBatch = db.transaction((batch: readonly StoredEvent[]) => {
    for (const projection of projections) projection.apply(db, batch);
    saveCheckpoint.run(batch[batch.length - 1]!.position, new Date().toISOString(), CHECKPOINT);
  });
  const result = (completed: boolean): RebuildResult => ({
    completed,
    resumedFrom,
    position,
    events,
    elapsedMs: performance.now() - started,
  });

  for (;;) {
    // Catch up outside the swap, batch by batch, so a running server is held up only briefly.
    for (;;) {
      // Let the event loop turn between batches: signals, and a server sharing the connection, get their turn.
      await new Promise((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) return result(false);
      const batch = readAfter(position, batchSize);
      if (batch.length === 0) break;
      // A batch needs to be consistent, not durable: one lost in a crash is replayed from the checkpoint
      // committed with the batch before it. synchronous=NORMAL skips its fsync (WAL stays safe from
      // corruption); FULL is back before anything else runs on this connection, the swap included.
      const synchronous = db.pragma('synchronous', { simple: true }) as number;
      db.pragma('synchronous = NORMAL');
      try {
        applyBatch(batch);
      } finally {
        db.pragma(`synchronous = ${synchronous}`);
      }
      position = batch[batch.length - 1]!.position;
      events += batch.length;
      options.onProgress?.({
        position,
        head: headStmt.get()!,
        events,
        elapsedMs: performance.now() - started,
      });
    }
    // BEGIN IMMEDIATE holds off every writer: if nothing arrived since the last batch, swap.
    const swapped = db
      .transaction(() => {
        if (headStmt.get() !== position) return false;
        swapIn(db, tables);
        db.prepare('DELETE FROM projection_checkpoints WHERE name = ?').run(CHECKPOINT);
        return true;
      })
      .immediate();
    if (swapped) {
      // Read caches on this connection must not answer from the tables it replaced.
      SqliteChanges.of(db).committed();
      return result(true);
    }
  }
}

type EventColumns = [number, string, number, string, number, string, string, string, string, string];

/**
 * The events after a position, upcast, with the columns the projections read (the chain hash is
 * the log tree's leaf): not the event id or the previous hash (left empty), and rows as arrays
 * rather than objects. A rebuild reads
 * millions, and reading is a fifth of its time.
 */
function eventReader(db: Database, upcasters: UpcasterChain) {
  const select = db
    .prepare<[number, number], EventColumns>(
      `SELECT position, stream_id, version, type, schema_version, data, metadata, occurred_on, recorded_at, hash
       FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    )
    .raw();
  return (after: number, limit: number): StoredEvent[] =>
    select
      .all(after, limit)
      .map(
        ([position, streamId, version, type, schemaVersion, data, metadata, occurredOn, recordedAt, hash]) =>
          upcasters.apply({
            position,
            streamId,
            version,
            eventId: '',
            type,
            schemaVersion,
            data: JSON.parse(data) as Record<string, unknown>,
            metadata: JSON.parse(metadata) as StoredEvent['metadata'],
            occurredOn,
            recordedAt,
            prevHash: '',
            hash,
          }),
      );
}

/** Where to start: a matching checkpoint with its tables resumes; anything else starts afresh. */
function prepareTables(db: Database, tables: readonly string[]): number {
  const schema = liveSchema(db, tables);
  const checkpoint = db
    .prepare<[string], { position: number; schema: string }>(
      'SELECT position, schema FROM projection_checkpoints WHERE name = ?',
    )
    .get(CHECKPOINT);
  const copiesExist = tables.every((t) => tableSql(db, `${t}${REBUILD_SUFFIX}`) !== undefined);
  // A migration since the interruption changes the live schema: the copies are stale.
  if (checkpoint && checkpoint.schema === schema && copiesExist) return checkpoint.position;

  db.transaction(() => {
    for (const table of tables) {
      const copy = `${table}${REBUILD_SUFFIX}`;
      db.exec(`DROP TABLE IF EXISTS "${copy}"`);
      const sql = tableSql(db, table);
      if (sql === undefined) throw new Error(`Read-model table ${table} does not exist: run the migrations`);
      db.exec(renameCreate(sql, copy));
    }
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO projection_checkpoints (name, position, schema, started_at, updated_at) VALUES (?, 0, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = 0, schema = excluded.schema,
         started_at = excluded.started_at, updated_at = excluded.updated_at`,
    ).run(CHECKPOINT, schema, now, now);
  })();
  return 0;
}

/**
 * Drops the live tables and renames the copies into their place, then recreates the
 * live tables' secondary indexes (built once at the end: cheaper than maintaining them
 * through the replay). Runs inside the caller's transaction.
 */
function swapIn(db: Database, tables: readonly string[]): void {
  for (const table of tables) {
    const indexes = db
      .prepare<[string], string>(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
      )
      .pluck()
      .all(table);
    db.exec(`DROP TABLE "${table}"`);
    db.exec(`ALTER TABLE "${table}${REBUILD_SUFFIX}" RENAME TO "${table}"`);
    for (const sql of indexes) db.exec(sql);
  }
}

function tableSql(db: Database, name: string): string | undefined {
  return db
    .prepare<[string], string>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
    .pluck()
    .get(name);
}

/** The live tables' definitions and indexes: a checkpoint is only good for the schema it was made under. */
function liveSchema(db: Database, tables: readonly string[]): string {
  const rows = db
    .prepare<string[], string>(
      `SELECT sql FROM sqlite_master WHERE tbl_name IN (${tables.map(() => '?').join(', ')})
       AND sql IS NOT NULL ORDER BY type, name`,
    )
    .pluck()
    .all(...tables);
  return rows.join(';\n');
}

/** `CREATE TABLE <any quoting of a name> (…` → `CREATE TABLE "<copy>" (…`. */
function renameCreate(sql: string, copy: string): string {
  const renamed = sql.replace(
    /^CREATE TABLE\s+(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[^\s(]+)/i,
    `CREATE TABLE "${copy}"`,
  );
  if (renamed === sql)
    throw new Error(`Cannot read the definition of a read-model table: ${sql.slice(0, 80)}`);
  return renamed;
}
