import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dates as precise as their sources (issue 16): an event's date may be a year, a month or a day,
 * stored as given. Read-model filters need the period's bounds as well, kept beside the dates:
 *
 * - timeline.occurred_from: the period's first day, which orders the timeline (then position);
 *   timeline.retracted_reason: set when a later EventRetracted declares the entry recorded in error;
 * - agreement_status.active_until / ended_until: the last day of the periods in which the agreement
 *   took effect (signature or entry into force) and ended;
 * - agreement_parties.joined_until / left_until: the same for a party's membership;
 * - milestones.due_by: the last day of the due period.
 *
 * Every date stored before this migration was a day, so each bound starts equal to its date.
 */
export class DatePrecision1764288000060 implements MigrationInterface {
  name = 'DatePrecision1764288000060';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE timeline ADD COLUMN occurred_from text COLLATE "C"');
    await q.query('ALTER TABLE timeline ADD COLUMN retracted_reason text');
    await q.query('UPDATE timeline SET occurred_from = occurred_on');
    await q.query('DROP INDEX timeline_by_agreement');
    await q.query('DROP INDEX timeline_by_date');
    await q.query('CREATE INDEX timeline_by_agreement ON timeline (agreement_id, occurred_from, position)');
    await q.query('CREATE INDEX timeline_by_date ON timeline (occurred_from, position)');
    await q.query('ALTER TABLE agreement_status ADD COLUMN active_until text COLLATE "C"');
    await q.query('ALTER TABLE agreement_status ADD COLUMN ended_until text COLLATE "C"');
    await q.query(
      'UPDATE agreement_status SET active_until = COALESCE(signed_on, in_force_on), ended_until = ended_on',
    );
    await q.query('ALTER TABLE agreement_parties ADD COLUMN joined_until text COLLATE "C"');
    await q.query('ALTER TABLE agreement_parties ADD COLUMN left_until text COLLATE "C"');
    await q.query('UPDATE agreement_parties SET joined_until = joined_on, left_until = left_on');
    await q.query('ALTER TABLE milestones ADD COLUMN due_by text COLLATE "C"');
    await q.query('UPDATE milestones SET due_by = due_on');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE milestones DROP COLUMN due_by');
    await q.query('ALTER TABLE agreement_parties DROP COLUMN left_until');
    await q.query('ALTER TABLE agreement_parties DROP COLUMN joined_until');
    await q.query('ALTER TABLE agreement_status DROP COLUMN ended_until');
    await q.query('ALTER TABLE agreement_status DROP COLUMN active_until');
    await q.query('DROP INDEX timeline_by_date');
    await q.query('DROP INDEX timeline_by_agreement');
    await q.query('CREATE INDEX timeline_by_agreement ON timeline (agreement_id, occurred_on, position)');
    await q.query('CREATE INDEX timeline_by_date ON timeline (occurred_on, position)');
    await q.query('ALTER TABLE timeline DROP COLUMN retracted_reason');
    await q.query('ALTER TABLE timeline DROP COLUMN occurred_from');
  }
}
