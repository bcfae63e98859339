import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Positions are never reused. `INTEGER PRIMARY KEY` alone hands out max + 1, so after the
 * newest event were deleted (behind the application's back: the triggers forbid it) the next
 * append would take its position again, and every read model keyed by position would refuse
 * it. AUTOINCREMENT keeps the highest position ever given in sqlite_sequence. Positions stay
 * gap-free in commit order: a rolled-back append rolls its sqlite_sequence update back too.
 *
 * SQLite cannot add AUTOINCREMENT to a table, so the table is rebuilt (same columns, rows and
 * positions), and its append-only triggers are made again.
 */
export class PositionsNeverReused1764288000050 implements MigrationInterface {
  name = 'PositionsNeverReused1764288000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events_autoincrement (
        position       INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_id      TEXT    NOT NULL,
        version        INTEGER NOT NULL CHECK (version >= 1),
        event_id       TEXT    NOT NULL UNIQUE,
        type           TEXT    NOT NULL,
        schema_version INTEGER NOT NULL DEFAULT 1,
        data           TEXT    NOT NULL,
        metadata       TEXT    NOT NULL,
        occurred_on    TEXT    NOT NULL,
        recorded_at    TEXT    NOT NULL,
        prev_hash      TEXT    NOT NULL,
        hash           TEXT    NOT NULL,
        UNIQUE (stream_id, version)
      )`);
    await q.query(`
      INSERT INTO events_autoincrement (position, stream_id, version, event_id, type, schema_version, data,
        metadata, occurred_on, recorded_at, prev_hash, hash)
      SELECT position, stream_id, version, event_id, type, schema_version, data,
        metadata, occurred_on, recorded_at, prev_hash, hash
      FROM events ORDER BY position`);
    // DROP TABLE drops the triggers first, so the append-only rule does not stop it.
    await q.query('DROP TABLE events');
    await q.query('ALTER TABLE events_autoincrement RENAME TO events');
    await q.query(`CREATE TRIGGER events_no_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`);
    await q.query(`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`);
  }

  async down(): Promise<void> {
    // Going back would allow positions to be reused: not offered.
  }
}
