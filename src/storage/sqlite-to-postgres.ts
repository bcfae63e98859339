import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { ChainVerifier } from '../event-store/hashing.js';
import { eventOf, type EventRow } from '../event-store/event-row.js';
import { postgresReadModels } from './postgres/postgres-read-models.js';
import { clientConfig, runPostgresMigrations } from './postgres/postgres.database.js';
import { insertEventRows } from './postgres/event-store/postgres-event-store.js';
import { PgTransaction } from './postgres/pg-tx.js';

export interface CopyProgress {
  copied: number;
  total: number;
}

export interface CopyReport {
  events: number;
  streams: number;
  apiKeys: number;
  /** Webhook subscriptions, with their secrets and checkpoints (their delivery logs stay behind). */
  subscriptions: number;
  /** Every stream's hash chain recomputed on PostgreSQL after the copy. */
  chains: { valid: boolean; checked: number; invalid: { streamId: string; position: number }[] };
  /** Each stream's head (version and last hash) is the same on both sides. */
  headsMatch: boolean;
  elapsedMs: number;
}

export class CopyRefused extends Error {}

/**
 * Moves a SQLite history into an empty PostgreSQL database: the events exactly as stored
 * (positions, JSON text and hashes unchanged, so every chain still verifies), the stream
 * heads and the API keys; the read models are rebuilt on PostgreSQL by the same projections
 * the application runs, batch by batch in the copy's transactions. The SQLite file is only
 * read. Afterwards every stream's hash chain is recomputed from what PostgreSQL holds.
 */
export async function copySqliteToPostgres(options: {
  sqliteFile: string;
  postgresUrl: string;
  batchSize?: number;
  onProgress?: (progress: CopyProgress) => void;
}): Promise<CopyReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 2000;
  const source = new Sqlite(options.sqliteFile, { readonly: true, fileMustExist: true });
  try {
    const tables = new Set(
      source.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all(),
    );
    if (!tables.has('events') || !tables.has('streams')) {
      throw new CopyRefused(`${options.sqliteFile} holds no Treaty Ledger event store`);
    }
    await runPostgresMigrations(options.postgresUrl);
    const target = new pg.Client(clientConfig(options.postgresUrl));
    await target.connect();
    try {
      const [existing] = (await target.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows;
      if (existing!.n > 0) {
        throw new CopyRefused('The PostgreSQL database already holds events: copy into an empty database');
      }
      const total = source.prepare<[], number>('SELECT count(*) FROM events').pluck().get()!;
      const page = source.prepare<[number, number], EventRow>(
        'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
      );
      const projections = postgresReadModels();
      let copied = 0;
      for (let after = 0; ;) {
        const batch = page.all(after, batchSize);
        if (batch.length === 0) break;
        await target.query('BEGIN');
        try {
          const tx = new PgTransaction(target);
          insertEventRows(tx, batch);
          const events = batch.map(eventOf);
          for (const projection of projections) await projection.apply(tx, events);
          await tx.settle();
          await target.query('COMMIT');
        } catch (error) {
          await target.query('ROLLBACK');
          throw error;
        }
        copied += batch.length;
        after = batch[batch.length - 1]!.position;
        options.onProgress?.({ copied, total });
      }

      const streams = source
        .prepare<[], { stream_id: string; version: number; last_hash: string }>('SELECT * FROM streams')
        .all();
      for (let i = 0; i < streams.length; i += 5000) {
        const chunk = streams.slice(i, i + 5000);
        await target.query(
          `INSERT INTO streams (stream_id, version, last_hash)
           SELECT * FROM unnest($1::text[], $2::int[], $3::text[])`,
          [chunk.map((s) => s.stream_id), chunk.map((s) => s.version), chunk.map((s) => s.last_hash)],
        );
      }
      let apiKeys = 0;
      if (tables.has('api_keys')) {
        const keys = source.prepare<[], Record<string, unknown>>('SELECT * FROM api_keys').all();
        for (const k of keys) {
          await target.query(
            `INSERT INTO api_keys (id, name, role, parties, key_hash, created_at, revoked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
            [k.id, k.name, k.role, k.parties, k.key_hash, k.created_at, k.revoked_at],
          );
        }
        apiKeys = keys.length;
      }
      let subscriptions = 0;
      if (tables.has('webhook_subscriptions')) {
        const rows = source.prepare<[], Record<string, unknown>>('SELECT * FROM webhook_subscriptions').all();
        for (const r of rows) {
          await target.query(
            `INSERT INTO webhook_subscriptions (id, url, secret, filter, status, position, created_at, created_by,
               last_error, last_error_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
            [
              r.id,
              r.url,
              r.secret,
              r.filter,
              r.status,
              r.position,
              r.created_at,
              r.created_by,
              r.last_error,
              r.last_error_at,
            ],
          );
        }
        subscriptions = rows.length;
      }

      const chains = await verifyChains(target);
      const heads = (
        await target.query<{ stream_id: string; version: number; last_hash: string }>(
          'SELECT stream_id, version, last_hash FROM streams',
        )
      ).rows;
      const sourceHeads = new Map(streams.map((s) => [s.stream_id, `${s.version}:${s.last_hash}`]));
      const headsMatch =
        heads.length === streams.length &&
        heads.every((h) => sourceHeads.get(h.stream_id) === `${h.version}:${h.last_hash}`);
      return {
        events: copied,
        streams: streams.length,
        apiKeys,
        subscriptions,
        chains,
        headsMatch,
        elapsedMs: performance.now() - started,
      };
    } finally {
      await target.end();
    }
  } finally {
    source.close();
  }
}

/** Recomputes every stream's chain from the rows PostgreSQL holds, stream by stream in version order. */
async function verifyChains(target: pg.Client): Promise<CopyReport['chains']> {
  const invalid: { streamId: string; position: number }[] = [];
  let checked = 0;
  let verifier: ChainVerifier | undefined;
  let current: string | undefined;
  const finish = () => {
    const result = verifier?.result();
    if (result && !result.valid) invalid.push({ streamId: current!, position: result.firstInvalidPosition! });
  };
  for (let after: [string, number] = ['', 0]; ;) {
    const { rows } = await target.query<EventRow>(
      `SELECT * FROM events WHERE (stream_id, version) > ($1, $2) ORDER BY stream_id, version LIMIT 5000`,
      after,
    );
    for (const row of rows) {
      if (row.stream_id !== current) {
        finish();
        current = row.stream_id;
        verifier = new ChainVerifier();
      }
      verifier!.add(eventOf(row));
      checked++;
    }
    const last = rows.at(-1);
    if (!last) break;
    after = [last.stream_id, last.version];
  }
  finish();
  return { valid: invalid.length === 0, checked, invalid };
}
