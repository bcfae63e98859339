import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys (stored only as SHA-256 hashes) and remembered Idempotency-Key responses (twin of the SQLite one). */
export class Security1764288000020 implements MigrationInterface {
  name = 'Security1764288000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id         text COLLATE "C" PRIMARY KEY,
        name       text NOT NULL,
        role       text NOT NULL CHECK (role IN ('admin', 'recorder', 'viewer')),
        parties    text NOT NULL,
        key_hash   text NOT NULL UNIQUE,
        created_at text COLLATE "C" NOT NULL,
        revoked_at text
      )`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        key_id       text    NOT NULL,
        idem_key     text    NOT NULL,
        fingerprint  text    NOT NULL,
        status       integer NOT NULL,
        headers      text    NOT NULL,
        body         text    NOT NULL,
        created_at   text    NOT NULL,
        PRIMARY KEY (key_id, idem_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
    await q.query('DROP TABLE api_keys');
  }
}
