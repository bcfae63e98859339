import type { PgTx } from '../pg-tx.js';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import { timelineEntry } from '../../../agreements/read/timeline/timeline.entry.js';
import { periodStart } from '../../../agreements/domain/dates.js';

/** The PostgreSQL twin of SqliteTimelineProjection: one row per agreement event, one INSERT per batch. */
export class PostgresTimelineProjection implements InlineProjection<PgTx, Promise<void>> {
  readonly name = 'timeline';
  readonly tables = ['timeline'];

  constructor(private readonly suffix = '') {}

  async apply(tx: PgTx, events: readonly StoredEvent[]): Promise<void> {
    this.insert(tx, events);
    for (const e of events) {
      if (e.type !== 'EventRetracted') continue;
      // The retracted entry stays, marked with the reason.
      tx.send(
        `UPDATE timeline${this.suffix} SET retracted_reason = $1
         WHERE position = (SELECT position FROM events WHERE event_id = $2)`,
        [e.data['reason'], e.data['eventId']],
      );
    }
  }

  private insert(tx: PgTx, events: readonly StoredEvent[]): void {
    const entries = events.map(timelineEntry).filter((e) => e !== undefined);
    if (entries.length === 0) return;
    const column = <K extends keyof (typeof entries)[number]>(key: K) => entries.map((e) => e[key]);
    tx.send(
      `INSERT INTO timeline${this.suffix} (position, agreement_id, version, type, occurred_on, occurred_from,
         recorded_at, actor, summary)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::text[], $9::text[])`,
      [
        column('position'),
        column('agreementId'),
        column('version'),
        column('type'),
        column('occurredOn'),
        entries.map((e) => periodStart(e.occurredOn)),
        column('recordedAt'),
        column('actor'),
        column('summary'),
      ],
    );
  }
}
