import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys (stored only as SHA-256 hashes) and the responses remembered for Idempotency-Key. */
export class Security1764288000020 implements MigrationInterface {
  name = 'Security1764288000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('admin', 'recorder', 'viewer')),
        parties    TEXT NOT NULL,
        key_hash   TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      )`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        key_id       TEXT NOT NULL,
        idem_key     TEXT NOT NULL,
        fingerprint  TEXT NOT NULL,
        status       INTEGER NOT NULL,
        headers      TEXT NOT NULL,
        body         TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        PRIMARY KEY (key_id, idem_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
    await q.query('DROP TABLE api_keys');
  }
}
