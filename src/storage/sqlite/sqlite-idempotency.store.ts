import type { Database } from 'better-sqlite3';
import {
  entryOf,
  IN_FLIGHT,
  type IdempotencyEntry,
  type IdempotencyRow as Row,
  type IdempotencyStore,
  type RememberedResponse,
} from '../../idempotency/idempotency.store.js';

type Key = [scope: string, key: string];

export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly reserveStmt;
  private readonly lookupStmt;
  private readonly takeOverStmt;
  private readonly saveStmt;
  private readonly releaseStmt;

  constructor(db: Database) {
    // One process serves a SQLite file, so a placeholder found at start was left by a process
    // that stopped mid-request: without it a retry runs at once rather than waiting out a lease.
    try {
      db.prepare('DELETE FROM idempotency_keys WHERE status = ?').run(IN_FLIGHT);
    } catch (error) {
      // A read-only or locked database still starts (its writes answer 503); the leases cover the rest.
      const code = (error as { code?: unknown }).code;
      if (code !== 'SQLITE_READONLY' && code !== 'SQLITE_BUSY') throw error;
    }
    this.reserveStmt = db.prepare<[...Key, string, number, string]>(
      `INSERT OR IGNORE INTO idempotency_keys (key_id, idem_key, fingerprint, status, headers, body, created_at)
       VALUES (?, ?, ?, ?, '{}', 'null', ?)`,
    );
    this.lookupStmt = db.prepare<Key, Row>(
      'SELECT fingerprint, status, headers, body, created_at FROM idempotency_keys WHERE key_id = ? AND idem_key = ?',
    );
    this.takeOverStmt = db.prepare<[string, ...Key, number, string]>(
      `UPDATE idempotency_keys SET created_at = ?
       WHERE key_id = ? AND idem_key = ? AND status = ? AND created_at = ?`,
    );
    this.saveStmt = db.prepare<[...Key, string, number, string, string, string, number]>(
      `INSERT INTO idempotency_keys (key_id, idem_key, fingerprint, status, headers, body, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key_id, idem_key) DO UPDATE SET
         fingerprint = excluded.fingerprint, status = excluded.status,
         headers = excluded.headers, body = excluded.body
       WHERE idempotency_keys.status = ? AND idempotency_keys.created_at = excluded.created_at`,
    );
    this.releaseStmt = db.prepare<[...Key, number, string]>(
      'DELETE FROM idempotency_keys WHERE key_id = ? AND idem_key = ? AND status = ? AND created_at = ?',
    );
  }

  async reserve(scope: string, key: string, fingerprint: string, claimedAt: string): Promise<boolean> {
    return this.reserveStmt.run(scope, key, fingerprint, IN_FLIGHT, claimedAt).changes === 1;
  }

  async lookup(scope: string, key: string): Promise<IdempotencyEntry | undefined> {
    const row = this.lookupStmt.get(scope, key);
    return row && entryOf(row);
  }

  async takeOver(scope: string, key: string, staleClaimedAt: string, claimedAt: string): Promise<boolean> {
    return this.takeOverStmt.run(claimedAt, scope, key, IN_FLIGHT, staleClaimedAt).changes === 1;
  }

  async save(
    scope: string,
    key: string,
    r: RememberedResponse,
    claimedAt = new Date().toISOString(),
  ): Promise<void> {
    this.saveStmt.run(
      scope,
      key,
      r.fingerprint,
      r.status,
      JSON.stringify(r.headers),
      JSON.stringify(r.body ?? null),
      claimedAt,
      IN_FLIGHT,
    );
  }

  async release(scope: string, key: string, claimedAt: string): Promise<void> {
    this.releaseStmt.run(scope, key, IN_FLIGHT, claimedAt);
  }

  async get(scope: string, key: string): Promise<RememberedResponse | undefined> {
    const entry = await this.lookup(scope, key);
    return entry?.state === 'done' ? entry.response : undefined;
  }
}
