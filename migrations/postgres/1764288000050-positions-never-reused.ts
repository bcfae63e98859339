import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Positions are never reused: the highest position ever given is kept in `event_log`, one row,
 * updated by every append transaction under the append lock. Appends number their events from
 * the greater of it and MAX(position), so deleting the newest events (behind the application's
 * back: the triggers forbid it) cannot make the next append take their positions again. A
 * sequence would not do: its values are not rolled back, and positions must stay gap-free.
 */
export class PositionsNeverReused1764288000050 implements MigrationInterface {
  name = 'PositionsNeverReused1764288000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_log (
        id            boolean PRIMARY KEY DEFAULT true CHECK (id),
        last_position bigint  NOT NULL
      )`);
    await q.query('INSERT INTO event_log (last_position) SELECT COALESCE(MAX(position), 0) FROM events');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE event_log');
  }
}
