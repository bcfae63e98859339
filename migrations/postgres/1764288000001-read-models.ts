import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read models kept inline with the append: agreement status and timeline (twin of the SQLite one). */
export class ReadModels1764288000001 implements MigrationInterface {
  name = 'ReadModels1764288000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agreement_status (
        id            text    COLLATE "C" PRIMARY KEY,
        title         text    NOT NULL,
        status        text    COLLATE "C" NOT NULL,
        version       integer NOT NULL,
        proposed_on   text    COLLATE "C" NOT NULL,
        signed_on     text    COLLATE "C",
        in_force_on   text    COLLATE "C",
        ended_on      text    COLLATE "C",
        last_event_on text    COLLATE "C" NOT NULL,
        last_position bigint  NOT NULL,
        state         text    NOT NULL
      )`);
    await q.query('CREATE INDEX agreement_status_status ON agreement_status (status, id)');
    // Every party the agreement has ever had, for `?party=` filters and party pages.
    await q.query(`
      CREATE TABLE agreement_parties (
        party        text COLLATE "C" NOT NULL,
        agreement_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (party, agreement_id)
      )`);
    await q.query(`
      CREATE TABLE timeline (
        position     bigint  PRIMARY KEY,
        agreement_id text    COLLATE "C" NOT NULL,
        version      integer NOT NULL,
        type         text    COLLATE "C" NOT NULL,
        occurred_on  text    COLLATE "C" NOT NULL,
        recorded_at  text    NOT NULL,
        actor        text    NOT NULL,
        summary      text    NOT NULL
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
