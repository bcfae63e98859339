import type { PgTx } from '../pg-tx.js';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import { toAgreementEvent } from '../../../agreements/read/agreement-events.js';

/** The PostgreSQL twin of SqliteExerciseParticipantsProjection. */
export class PostgresExerciseParticipantsProjection implements InlineProjection<PgTx, Promise<void>> {
  readonly name = 'exercise_participants';
  readonly tables = ['exercise_participants'];

  constructor(private readonly suffix = '') {}

  async apply(tx: PgTx, events: readonly StoredEvent[]): Promise<void> {
    const positions: number[] = [];
    const parties: string[] = [];
    const agreements: string[] = [];
    const retracted = events.filter((e) => e.type === 'EventRetracted').map((e) => e.data['eventId']);
    for (const e of events) {
      const event = e.type === 'ExerciseHeld' ? toAgreementEvent(e) : undefined;
      if (event?.type !== 'ExerciseHeld') continue;
      for (const party of event.data.participants) {
        positions.push(e.position);
        parties.push(party);
        agreements.push(e.streamId);
      }
    }
    if (positions.length > 0) {
      tx.send(
        `INSERT INTO exercise_participants${this.suffix} (position, party, agreement_id)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`,
        [positions, parties, agreements],
      );
    }
    if (retracted.length > 0) {
      // A retracted exercise never happened as far as the read models go.
      tx.send(
        `DELETE FROM exercise_participants${this.suffix}
         WHERE position IN (SELECT position FROM events WHERE event_id = ANY($1::text[]))`,
        [retracted],
      );
    }
  }
}
