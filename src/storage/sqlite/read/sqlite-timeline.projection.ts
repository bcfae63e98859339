import type { Database, Statement } from 'better-sqlite3';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import { timelineEntry } from '../../../agreements/read/timeline/timeline.entry.js';
import { periodStart } from '../../../agreements/domain/dates.js';

export class SqliteTimelineProjection implements InlineProjection<Database> {
  readonly name = 'timeline';
  readonly tables = ['timeline'];
  private readonly inserts = new WeakMap<Database, Statement>();

  /** `suffix` names the table it writes: '' for the live one, '_rebuild' for a rebuild. */
  constructor(private readonly suffix = '') {}

  apply(db: Database, events: readonly StoredEvent[]): void {
    let insert = this.inserts.get(db);
    if (!insert) {
      insert = db.prepare(`INSERT INTO timeline${this.suffix}
        (position, agreement_id, version, type, occurred_on, occurred_from, recorded_at, actor, summary)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      this.inserts.set(db, insert);
    }
    for (const e of events) {
      const entry = timelineEntry(e);
      // Positional values: binding by name looks each one up in an object (a rebuild inserts millions).
      if (entry) {
        const { position, agreementId, version, type, occurredOn, recordedAt, actor, summary } = entry;
        const from = periodStart(occurredOn);
        insert.run(position, agreementId, version, type, occurredOn, from, recordedAt, actor, summary);
      }
      if (e.type === 'EventRetracted') {
        // The retracted entry stays, marked with the reason.
        const { eventId, reason } = e.data as { eventId: string; reason: string };
        db.prepare(
          `UPDATE timeline${this.suffix} SET retracted_reason = ?
           WHERE position = (SELECT position FROM events WHERE event_id = ?)`,
        ).run(reason, eventId);
      }
    }
  }
}
