import type pg from 'pg';
import type { Sql } from '../../../database/postgres.database.js';
import { rows } from '../../../database/postgres.database.js';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import { initialState, type Agreement, type AgreementState } from '../../domain/agreement.state.js';
import { byStream } from '../agreement-events.js';
import { projectStatus } from './status.projection.js';

/** Loads the folded state and version of one agreement from its status row (PostgreSQL). */
export async function loadPostgresStatusRow(
  sql: Sql,
  id: string,
  suffix = '',
): Promise<{ state: AgreementState; version: number }> {
  const [row] = await rows<{ state: string; version: number }>(
    sql,
    `SELECT state, version FROM agreement_status${suffix} WHERE id = $1`,
    [id],
  );
  return row
    ? { state: JSON.parse(row.state) as Agreement, version: row.version }
    : { state: initialState(), version: 0 };
}

/** The PostgreSQL twin of SqliteStatusProjection: the same fold, the same row. */
export class PostgresStatusProjection implements InlineProjection<pg.PoolClient, Promise<void>> {
  readonly name = 'agreement_status';
  readonly tables = ['agreement_status', 'agreement_parties'];

  /** `suffix` names the tables it writes: '' for the live ones, '_rebuild' for a rebuild. */
  constructor(private readonly suffix = '') {}

  async apply(client: pg.PoolClient, events: readonly StoredEvent[]): Promise<void> {
    for (const [id, stream] of byStream(events)) {
      const { state: before } = await loadPostgresStatusRow(client, id, this.suffix);
      const state = projectStatus(before, stream);
      if (state.status === 'none') continue;
      const last = stream[stream.length - 1]!;
      await client.query(
        `INSERT INTO agreement_status${this.suffix} (id, title, status, version, proposed_on, signed_on, in_force_on,
           ended_on, last_event_on, last_position, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, version = excluded.version,
           signed_on = excluded.signed_on, in_force_on = excluded.in_force_on, ended_on = excluded.ended_on,
           last_event_on = excluded.last_event_on, last_position = excluded.last_position, state = excluded.state`,
        [
          id,
          state.title,
          state.status,
          last.version,
          state.proposedOn,
          state.signedOn ?? null,
          state.inForceOn ?? null,
          state.endedOn ?? null,
          state.lastEventOn,
          last.position,
          JSON.stringify(state),
        ],
      );
      // Every party it has ever had, even one that joined and left within this batch.
      const parties = [...state.parties, ...state.formerParties.map((f) => f.party)];
      await client.query(
        `INSERT INTO agreement_parties${this.suffix} (party, agreement_id)
         SELECT p, $2 FROM unnest($1::text[]) AS p ON CONFLICT DO NOTHING`,
        [parties, id],
      );
    }
  }

  async reset(client: pg.PoolClient): Promise<void> {
    await client.query(`DELETE FROM agreement_status${this.suffix}`);
    await client.query(`DELETE FROM agreement_parties${this.suffix}`);
  }
}
