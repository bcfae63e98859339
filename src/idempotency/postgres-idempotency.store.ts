import type pg from 'pg';
import { rows } from '../database/postgres.database.js';
import type { IdempotencyStore, RememberedResponse } from './idempotency.store.js';

interface Row {
  fingerprint: string;
  status: number;
  headers: string;
  body: string;
}

/** The PostgreSQL twin of SqliteIdempotencyStore: a replay is recognised whichever instance answered first. */
export class PostgresIdempotencyStore implements IdempotencyStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(scope: string, key: string): Promise<RememberedResponse | undefined> {
    const [row] = await rows<Row>(
      this.pool,
      'SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE key_id = $1 AND idem_key = $2',
      [scope, key],
    );
    if (!row) return undefined;
    return {
      fingerprint: row.fingerprint,
      status: row.status,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: JSON.parse(row.body) as unknown,
    };
  }

  async save(scope: string, key: string, r: RememberedResponse): Promise<void> {
    await rows(
      this.pool,
      `INSERT INTO idempotency_keys (key_id, idem_key, fingerprint, status, headers, body, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [
        scope,
        key,
        r.fingerprint,
        r.status,
        JSON.stringify(r.headers),
        JSON.stringify(r.body ?? null),
        new Date().toISOString(),
      ],
    );
  }
}
