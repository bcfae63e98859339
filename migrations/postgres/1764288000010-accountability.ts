import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Milestones, exercise participants and the rebuild checkpoint (twin of the SQLite one). */
export class Accountability1764288000010 implements MigrationInterface {
  name = 'Accountability1764288000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE milestones (
        agreement_id text COLLATE "C" NOT NULL,
        milestone_id text COLLATE "C" NOT NULL,
        kind         text NOT NULL,
        description  text NOT NULL,
        owner        text COLLATE "C" NOT NULL,
        due_on       text COLLATE "C" NOT NULL,
        met_on       text COLLATE "C",
        PRIMARY KEY (agreement_id, milestone_id)
      )`);
    await q.query('CREATE INDEX milestones_by_due ON milestones (due_on, agreement_id, milestone_id)');
    await q.query(
      'CREATE INDEX milestones_by_owner ON milestones (owner, due_on, agreement_id, milestone_id)',
    );
    await q.query(`
      CREATE TABLE exercise_participants (
        position     bigint NOT NULL,
        party        text   COLLATE "C" NOT NULL,
        agreement_id text   COLLATE "C" NOT NULL,
        PRIMARY KEY (position, party)
      )`);
    await q.query('CREATE INDEX exercise_participants_by_party ON exercise_participants (party, position)');
    await q.query(`
      CREATE TABLE projection_checkpoints (
        name       text   PRIMARY KEY,
        position   bigint NOT NULL,
        schema     text   NOT NULL,
        started_at text   NOT NULL,
        updated_at text   NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE projection_checkpoints');
    await q.query('DROP TABLE exercise_participants');
    await q.query('DROP TABLE milestones');
  }
}
