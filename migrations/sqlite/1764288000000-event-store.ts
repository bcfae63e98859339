import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The event store: the append-only `events` table and each stream's head. */
export class EventStore1764288000000 implements MigrationInterface {
  name = 'EventStore1764288000000';

  async up(q: QueryRunner): Promise<void> {
    // `position` is the rowid: SQLite assigns max + 1 inside the writing transaction,
    // so positions are gap-free in commit order (a rolled-back append leaves no hole).
    await q.query(`
      CREATE TABLE events (
        position       INTEGER PRIMARY KEY,
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
      CREATE TABLE streams (
        stream_id TEXT    PRIMARY KEY,
        version   INTEGER NOT NULL,
        last_hash TEXT    NOT NULL
      )`);
    // The store is append-only: the database itself refuses updates and deletes.
    await q.query(`CREATE TRIGGER events_no_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`);
    await q.query(`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE streams');
    await q.query('DROP TABLE events');
  }
}
