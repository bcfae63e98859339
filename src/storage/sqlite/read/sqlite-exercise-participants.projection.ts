import type { Database, Statement } from 'better-sqlite3';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import { toAgreementEvent } from '../../../agreements/read/agreement-events.js';

/**
 * One row per participant of every ExerciseHeld event, so "how many exercises did X hold
 * with Y" is a self-join on the event's position.
 */
export class SqliteExerciseParticipantsProjection implements InlineProjection<Database> {
  readonly name = 'exercise_participants';
  readonly tables = ['exercise_participants'];
  private readonly inserts = new WeakMap<Database, Statement>();

  /** `suffix` names the table it writes: '' for the live one, '_rebuild' for a rebuild. */
  constructor(private readonly suffix = '') {}

  apply(db: Database, events: readonly StoredEvent[]): void {
    for (const e of events) {
      if (e.type === 'EventRetracted') {
        // The exercise never happened as far as the read models go.
        db.prepare(
          `DELETE FROM exercise_participants${this.suffix}
           WHERE position = (SELECT position FROM events WHERE event_id = ?)`,
        ).run((e.data as { eventId: string }).eventId);
        continue;
      }
      if (e.type !== 'ExerciseHeld') continue;
      const event = toAgreementEvent(e);
      if (event?.type !== 'ExerciseHeld') continue;
      const insert = this.insert(db);
      for (const party of event.data.participants) insert.run(e.position, party, e.streamId);
    }
  }

  private insert(db: Database): Statement {
    let insert = this.inserts.get(db);
    if (!insert) {
      insert = db.prepare(
        `INSERT INTO exercise_participants${this.suffix} (position, party, agreement_id) VALUES (?, ?, ?)`,
      );
      this.inserts.set(db, insert);
    }
    return insert;
  }
}
