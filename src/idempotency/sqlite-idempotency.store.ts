import type { Database } from 'better-sqlite3';
import type { IdempotencyStore, RememberedResponse } from './idempotency.store.js';

interface Row {
  fingerprint: string;
  status: number;
  headers: string;
  body: string;
}

export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly getStmt;
  private readonly saveStmt;

  constructor(db: Database) {
    this.getStmt = db.prepare<[string, string], Row>(
      'SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE key_id = ? AND idem_key = ?',
    );
    this.saveStmt = db.prepare(
      `INSERT OR IGNORE INTO idempotency_keys (key_id, idem_key, fingerprint, status, headers, body, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  async get(scope: string, key: string): Promise<RememberedResponse | undefined> {
    const row = this.getStmt.get(scope, key);
    if (!row) return undefined;
    return {
      fingerprint: row.fingerprint,
      status: row.status,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: JSON.parse(row.body) as unknown,
    };
  }

  async save(scope: string, key: string, r: RememberedResponse): Promise<void> {
    this.saveStmt.run(
      scope,
      key,
      r.fingerprint,
      r.status,
      JSON.stringify(r.headers),
      JSON.stringify(r.body ?? null),
      new Date().toISOString(),
    );
  }
}
