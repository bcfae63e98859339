import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read models kept inline with the append: agreement status and timeline. */
export class ReadModels1764288000001 implements MigrationInterface {
  name = 'ReadModels1764288000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agreement_status (
        id            TEXT    PRIMARY KEY,
        title         TEXT    NOT NULL,
        status        TEXT    NOT NULL,
        version       INTEGER NOT NULL,
        proposed_on   TEXT    NOT NULL,
        signed_on     TEXT,
        in_force_on   TEXT,
        ended_on      TEXT,
        last_event_on TEXT    NOT NULL,
        last_position INTEGER NOT NULL,
        state         TEXT    NOT NULL
      )`);
    await q.query('CREATE INDEX agreement_status_status ON agreement_status (status, id)');
    // Every party the agreement has ever had, for `?party=` filters and party pages.
    await q.query(`
      CREATE TABLE agreement_parties (
        party        TEXT NOT NULL,
        agreement_id TEXT NOT NULL,
        PRIMARY KEY (party, agreement_id)
      ) WITHOUT ROWID`);
    await q.query(`
      CREATE TABLE timeline (
        position     INTEGER PRIMARY KEY,
        agreement_id TEXT    NOT NULL,
        version      INTEGER NOT NULL,
        type         TEXT    NOT NULL,
        occurred_on  TEXT    NOT NULL,
        recorded_at  TEXT    NOT NULL,
        actor        TEXT    NOT NULL,
        summary      TEXT    NOT NULL
      )`);
    await q.query('CREATE INDEX timeline_by_agreement ON timeline (agreement_id, occurred_on, position)');
    await q.query('CREATE INDEX timeline_by_date ON timeline (occurred_on, position)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE timeline');
    await q.query('DROP TABLE agreement_parties');
    await q.query('DROP TABLE agreement_status');
  }
}
