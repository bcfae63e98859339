import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models for accountability and party portfolios, and the rebuild checkpoint.
 * `milestones` holds the facts only (due and met dates); the status (open, overdue…)
 * depends on today, so it is computed when read.
 */
export class Accountability1764288000010 implements MigrationInterface {
  name = 'Accountability1764288000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE milestones (
        agreement_id TEXT NOT NULL,
        milestone_id TEXT NOT NULL,
        kind         TEXT NOT NULL,
        description  TEXT NOT NULL,
        owner        TEXT NOT NULL,
        due_on       TEXT NOT NULL,
        met_on       TEXT,
        PRIMARY KEY (agreement_id, milestone_id)
      ) WITHOUT ROWID`);
    await q.query('CREATE INDEX milestones_by_due ON milestones (due_on, agreement_id, milestone_id)');
    await q.query(
      'CREATE INDEX milestones_by_owner ON milestones (owner, due_on, agreement_id, milestone_id)',
    );
    // One row per participant of each ExerciseHeld event: joint exercises are a self-join.
    await q.query(`
      CREATE TABLE exercise_participants (
        position     INTEGER NOT NULL,
        party        TEXT    NOT NULL,
        agreement_id TEXT    NOT NULL,
        PRIMARY KEY (position, party)
      ) WITHOUT ROWID`);
    await q.query('CREATE INDEX exercise_participants_by_party ON exercise_participants (party, position)');
    // Where an interrupted projection rebuild stands, so it resumes instead of starting over.
    await q.query(`
      CREATE TABLE projection_checkpoints (
        name       TEXT    PRIMARY KEY,
        position   INTEGER NOT NULL,
        schema     TEXT    NOT NULL,
        started_at TEXT    NOT NULL,
        updated_at TEXT    NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE projection_checkpoints');
    await q.query('DROP TABLE exercise_participants');
    await q.query('DROP TABLE milestones');
  }
}
