import type pg from 'pg';
import { eventOf, type EventRow } from '../../event-store/event-row.js';
import { APPEND_LOCK } from './event-store/postgres-event-store.js';
import { PgTransaction } from './pg-tx.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { postgresReadModels } from './postgres-read-models.js';
import { REBUILD_SUFFIX, type RebuildOptions, type RebuildResult } from '../sqlite/sqlite-rebuild.js';

const CHECKPOINT = 'rebuild';

/**
 * The PostgreSQL twin of rebuildProjections: replays the event store into fresh `*_rebuild`
 * copies of every read-model table (created LIKE the live ones, indexes included), one
 * transaction per batch with a checkpoint, then swaps them in. The swap holds the append
 * lock, so no instance appends while the last events are applied and the tables change
 * places; until then the live tables serve every instance untouched, and an interrupted
 * rebuild resumes from its checkpoint.
 */
export async function rebuildPostgresProjections(
  pool: pg.Pool,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 10_000;
  const projections = postgresReadModels(REBUILD_SUFFIX);
  const tables = projections.flatMap((p) => p.tables);
  const resumedFrom = await prepareTables(pool, tables);
  let position = resumedFrom;
  let events = 0;
  const result = (completed: boolean): RebuildResult => ({
    completed,
    resumedFrom,
    position,
    events,
    elapsedMs: performance.now() - started,
  });

  /** Applies the next batch after `position` inside `client`'s transaction; the number of events. */
  const applyNext = async (client: pg.PoolClient): Promise<number> => {
    const { rows } = await client.query<EventRow>(
      'SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT $2',
      [position, batchSize],
    );
    if (rows.length === 0) return 0;
    const batch: StoredEvent[] = rows.map((row) => {
      const event = eventOf(row);
      return options.upcasters ? options.upcasters.apply(event) : event;
    });
    const tx = new PgTransaction(client);
    for (const projection of projections) await projection.apply(tx, batch);
    await tx.settle();
    position = batch[batch.length - 1]!.position;
    await client.query('UPDATE projection_checkpoints SET position = $1, updated_at = $2 WHERE name = $3', [
      position,
      new Date().toISOString(),
      CHECKPOINT,
    ]);
    events += batch.length;
    return batch.length;
  };

  // Catch up batch by batch, beside the running instances.
  for (;;) {
    if (options.signal?.aborted) return result(false);
    const applied = await inTransaction(pool, applyNext);
    if (applied === 0) break;
    const [head] = (
      await pool.query<{ head: number }>('SELECT COALESCE(MAX(position), 0) AS head FROM events')
    ).rows;
    options.onProgress?.({ position, head: head!.head, events, elapsedMs: performance.now() - started });
  }
  // Hold off every appender, apply what arrived since, and swap the tables in.
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    while ((await applyNext(client)) > 0);
    await swapIn(client, tables);
    await client.query('DELETE FROM projection_checkpoints WHERE name = $1', [CHECKPOINT]);
  });
  return result(true);
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The live tables' columns and indexes: a checkpoint is only good for the schema it was made under. */
async function liveSchema(sql: pg.Pool | pg.PoolClient, tables: readonly string[]): Promise<string> {
  const { rows } = await sql.query<{ line: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || COALESCE(collation_name, '') AS line
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1::text[])
     UNION ALL
     SELECT ${indexShape} FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1::text[])
     ORDER BY 1`,
    [tables],
  );
  return rows.map((r) => r.line).join('\n');
}

/** An index definition without its own name and its table's: the same on a table and its copy. */
const indexShape = `tablename || ' ' || regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+', 'CREATE \\1INDEX ON')`;

/** Where to start: a matching checkpoint with its tables resumes; anything else starts afresh. */
async function prepareTables(pool: pg.Pool, tables: readonly string[]): Promise<number> {
  return inTransaction(pool, async (client) => {
    const schema = await liveSchema(client, tables);
    const [checkpoint] = (
      await client.query<{ position: number; schema: string }>(
        'SELECT position, schema FROM projection_checkpoints WHERE name = $1',
        [CHECKPOINT],
      )
    ).rows;
    const copies = (
      await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1::text[])',
        [tables.map((t) => `${t}${REBUILD_SUFFIX}`)],
      )
    ).rows[0]!.n;
    if (checkpoint && checkpoint.schema === schema && copies === tables.length) return checkpoint.position;

    for (const table of tables) {
      const copy = `${table}${REBUILD_SUFFIX}`;
      await client.query(`DROP TABLE IF EXISTS ${copy}`);
      await client.query(`CREATE TABLE ${copy} (LIKE ${table} INCLUDING ALL)`);
    }
    const now = new Date().toISOString();
    await client.query(
      `INSERT INTO projection_checkpoints (name, position, schema, started_at, updated_at) VALUES ($1, 0, $2, $3, $3)
       ON CONFLICT (name) DO UPDATE SET position = 0, schema = excluded.schema,
         started_at = excluded.started_at, updated_at = excluded.updated_at`,
      [CHECKPOINT, schema, now],
    );
    return 0;
  });
}

/**
 * Drops the live tables and renames the copies into their place, their indexes given the
 * live ones' names (matched by definition), so the schema after a rebuild is the one the
 * migrations made. Runs inside the caller's transaction.
 */
async function swapIn(client: pg.PoolClient, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    const copy = `${table}${REBUILD_SUFFIX}`;
    const indexes = async (name: string) =>
      (
        await client.query<{ indexname: string; shape: string }>(
          `SELECT indexname, regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+', 'CREATE \\1INDEX ON') AS shape
           FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1`,
          [name],
        )
      ).rows;
    const live = await indexes(table);
    const copied = await indexes(copy);
    await client.query(`DROP TABLE ${table}`);
    await client.query(`ALTER TABLE ${copy} RENAME TO ${table}`);
    for (const { indexname, shape } of live) {
      const twin = copied.find((c) => c.shape === shape);
      if (twin && twin.indexname !== indexname) {
        await client.query(
          `ALTER INDEX ${client.escapeIdentifier(twin.indexname)} RENAME TO ${client.escapeIdentifier(indexname)}`,
        );
      }
    }
  }
}
