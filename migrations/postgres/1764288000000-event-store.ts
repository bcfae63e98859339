import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store: the append-only `events` table and each stream's head. Text columns
 * hold JSON and ISO dates exactly as SQLite does, so both adapters read them alike and the
 * hash chain verifies byte for byte after a copy. COLLATE "C" keeps ordering bytewise.
 */
export class EventStore1764288000000 implements MigrationInterface {
  name = 'EventStore1764288000000';

  async up(q: QueryRunner): Promise<void> {
    // `position` is assigned max + 1 under a transaction-scoped advisory lock held until
    // COMMIT, so positions are gap-free and commit in order (see postgres-event-store.ts).
    await q.query(`
      CREATE TABLE events (
        position       bigint  PRIMARY KEY,
        stream_id      text    COLLATE "C" NOT NULL,
        version        integer NOT NULL CHECK (version >= 1),
        event_id       text    COLLATE "C" NOT NULL UNIQUE,
        type           text    NOT NULL,
        schema_version integer NOT NULL DEFAULT 1,
        data           text    NOT NULL,
        metadata       text    NOT NULL,
        occurred_on    text    COLLATE "C" NOT NULL,
        recorded_at    text    NOT NULL,
        prev_hash      text    NOT NULL,
        hash           text    NOT NULL,
        UNIQUE (stream_id, version)
      )`);
    await q.query(`
      CREATE TABLE streams (
        stream_id text    COLLATE "C" PRIMARY KEY,
        version   integer NOT NULL,
        last_hash text    NOT NULL
      )`);
    // The store is append-only: the database itself refuses updates, deletes and truncation.
    await q.query(`
      CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only';
      END $$`);
    await q.query(`CREATE TRIGGER events_no_update BEFORE UPDATE ON events
      FOR EACH ROW EXECUTE FUNCTION events_append_only()`);
    await q.query(`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION events_append_only()`);
    await q.query(`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE streams');
    await q.query('DROP TABLE events');
    await q.query('DROP FUNCTION events_append_only()');
  }
}
