import type pg from 'pg';
import { rows } from './postgres.database.js';
import {
  entryOf,
  IN_FLIGHT,
  type IdempotencyEntry,
  type IdempotencyRow as Row,
  type IdempotencyStore,
  type RememberedResponse,
} from '../../idempotency/idempotency.store.js';

/**
 * The PostgreSQL twin of SqliteIdempotencyStore, shared by every instance on the database: the
 * primary key makes one request own a key (the others find its placeholder and wait), and the
 * remembered response is replayed whichever instance answered first. Each statement is one
 * autocommitted row operation, so no lock is held while the request runs.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  constructor(private readonly pool: pg.Pool) {}

  async reserve(scope: string, key: string, fingerprint: string, claimedAt: string): Promise<boolean> {
    const inserted = await rows(
      this.pool,
      `INSERT INTO idempotency_keys (key_id, idem_key, fingerprint, status, headers, body, created_at)
       VALUES ($1, $2, $3, $4, '{}', 'null', $5) ON CONFLICT DO NOTHING RETURNING 1`,
      [scope, key, fingerprint, IN_FLIGHT, claimedAt],
    );
    return inserted.length === 1;
  }

  async lookup(scope: string, key: string): Promise<IdempotencyEntry | undefined> {
    const [row] = await rows<Row>(
      this.pool,
      `SELECT fingerprint, status, headers, body, created_at FROM idempotency_keys
       WHERE key_id = $1 AND idem_key = $2`,
      [scope, key],
    );
    return row && entryOf(row);
  }

  async takeOver(scope: string, key: string, staleClaimedAt: string, claimedAt: string): Promise<boolean> {
    const won = await rows(
      this.pool,
      `UPDATE idempotency_keys SET created_at = $5
       WHERE key_id = $1 AND idem_key = $2 AND status = $3 AND created_at = $4 RETURNING 1`,
      [scope, key, IN_FLIGHT, staleClaimedAt, claimedAt],
    );
    return won.length === 1;
  }

  async save(
    scope: string,
    key: string,
    r: RememberedResponse,
    claimedAt = new Date().toISOString(),
  ): Promise<void> {
    await rows(
      this.pool,
      `INSERT INTO idempotency_keys (key_id, idem_key, fingerprint, status, headers, body, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (key_id, idem_key) DO UPDATE SET
         fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status,
         headers = EXCLUDED.headers, body = EXCLUDED.body
       WHERE idempotency_keys.status = $8 AND idempotency_keys.created_at = EXCLUDED.created_at`,
      [
        scope,
        key,
        r.fingerprint,
        r.status,
        JSON.stringify(r.headers),
        JSON.stringify(r.body ?? null),
        claimedAt,
        IN_FLIGHT,
      ],
    );
  }

  async release(scope: string, key: string, claimedAt: string): Promise<void> {
    await rows(
      this.pool,
      'DELETE FROM idempotency_keys WHERE key_id = $1 AND idem_key = $2 AND status = $3 AND created_at = $4',
      [scope, key, IN_FLIGHT, claimedAt],
    );
  }

  async get(scope: string, key: string): Promise<RememberedResponse | undefined> {
    const entry = await this.lookup(scope, key);
    return entry?.state === 'done' ? entry.response : undefined;
  }
}
