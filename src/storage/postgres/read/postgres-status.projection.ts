import type pg from 'pg';
import { ReadAhead, type PgTx } from '../pg-tx.js';
import type { PostgresProjection } from '../event-store/postgres-event-store.js';
import type { Sql } from '../postgres.database.js';
import { rows } from '../postgres.database.js';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import { eventOf, type EventRow } from '../../../event-store/event-row.js';
import { hasRetraction, liveEvents } from '../../../agreements/domain/retractions.js';
import {
  initialState,
  type Agreement,
  type AgreementState,
} from '../../../agreements/domain/agreement.state.js';
import { byStream } from '../../../agreements/read/agreement-events.js';
import {
  memberships,
  membershipsKey,
  projectStatus,
  stateJson,
  statusDates,
} from '../../../agreements/read/status/status.fold.js';

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

/** Rows to one array per column, for INSERT … SELECT * FROM unnest(…). */
function columns(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  return Array.from({ length: width }, (_, i) => rows.map((row) => row[i]));
}

type StatusRows = pg.QueryResult<{ id: string; state: string }>;

/** The PostgreSQL twin of SqliteStatusProjection: the same fold, the same row. */
export class PostgresStatusProjection implements PostgresProjection {
  readonly name = 'agreement_status';
  readonly tables = ['agreement_status', 'agreement_parties'];
  private readonly ahead = new ReadAhead<StatusRows>();
  /** The states a transaction's apply left, for the milestones projection after it (statesAfter). */
  private readonly folded = new WeakMap<PgTx, Map<string, Agreement | undefined>>();

  /** `suffix` names the tables it writes: '' for the live ones, '_rebuild' for a rebuild. */
  constructor(private readonly suffix = '') {}

  /** Reads the rows of the streams the batch may write, sent with the append lock's round trip. */
  prefetch(tx: PgTx, streamIds: readonly string[]): void {
    this.ahead.start(tx, this.read(tx, streamIds));
  }

  /**
   * The state each agreement of the last apply in `tx` was left in (undefined: no agreement, a
   * retracted proposal), once: the milestones projection rewrites its rows from them.
   */
  statesAfter(tx: PgTx): ReadonlyMap<string, Agreement | undefined> {
    const states = this.folded.get(tx);
    if (!states) throw new Error('the status projection applies a batch before the milestones projection');
    this.folded.delete(tx);
    return states;
  }

  /**
   * One read (or none, when read ahead), then one upsert sent for the batch, and one insert of parties
   * when any agreement's parties or their dates changed.
   */
  async apply(tx: PgTx, events: readonly StoredEvent[]): Promise<void> {
    const groups = byStream(events);
    const found = await this.ahead.take(tx, () => this.read(tx, [...groups.keys()]));
    const before = new Map(found.rows.map((r) => [r.id, JSON.parse(r.state) as Agreement]));
    const after = new Map<string, Agreement | undefined>();
    this.folded.set(tx, after);
    const rows: unknown[][] = [];
    const parties: unknown[][] = [];
    for (const [id, stream] of groups) {
      const last = stream[stream.length - 1]!;
      // A retraction: the stream so far is folded again without the events it retracts.
      const corrected = hasRetraction(stream);
      const state = corrected
        ? projectStatus(initialState(), liveEvents(await this.streamUpTo(tx, id, last.version)))
        : projectStatus(before.get(id) ?? initialState(), stream);
      if (corrected) {
        tx.send(`DELETE FROM agreement_parties${this.suffix} WHERE agreement_id = $1`, [id]);
        if (state.status === 'none') {
          tx.send(`DELETE FROM agreement_status${this.suffix} WHERE id = $1`, [id]);
        }
      }
      after.set(id, state.status === 'none' ? undefined : state);
      if (state.status === 'none') continue;
      const dates = statusDates(state);
      rows.push([
        id,
        state.title,
        state.status,
        last.version,
        state.proposedOn,
        dates.signedOn,
        dates.inForceOn,
        dates.endedOn,
        dates.activeUntil,
        dates.endedUntil,
        state.lastEventOn,
        last.position,
        stateJson(state),
      ]);
      // Every party it has ever had, even one that joined and left within this batch, with its
      // dates; only when they changed (as in the SQLite twin): an exercise or a review changes none.
      if (corrected || membershipsKey(before.get(id) ?? initialState()) !== membershipsKey(state)) {
        for (const m of memberships(state))
          parties.push([m.party, id, m.joinedOn, m.leftOn, m.joinedUntil, m.leftUntil]);
      }
    }
    if (rows.length === 0) return;
    tx.send(
      `INSERT INTO agreement_status${this.suffix} (id, title, status, version, proposed_on, signed_on, in_force_on,
         ended_on, active_until, ended_until, last_event_on, last_position, state)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[],
         $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::text[])
       ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, version = excluded.version,
         signed_on = excluded.signed_on, in_force_on = excluded.in_force_on, ended_on = excluded.ended_on,
         active_until = excluded.active_until, ended_until = excluded.ended_until,
         last_event_on = excluded.last_event_on, last_position = excluded.last_position, state = excluded.state`,
      columns(rows, 13),
    );
    if (parties.length === 0) return;
    // One row per (party, agreement) in the batch; rows whose dates did not change are left alone.
    tx.send(
      `INSERT INTO agreement_parties${this.suffix} AS p (party, agreement_id, joined_on, left_on, joined_until,
         left_until)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (party, agreement_id) DO UPDATE SET joined_on = excluded.joined_on, left_on = excluded.left_on,
         joined_until = excluded.joined_until, left_until = excluded.left_until
       WHERE p.joined_on IS DISTINCT FROM excluded.joined_on OR p.left_on IS DISTINCT FROM excluded.left_on
         OR p.joined_until IS DISTINCT FROM excluded.joined_until`,
      columns(parties, 6),
    );
  }

  private read(tx: PgTx, ids: readonly string[]): Promise<StatusRows> {
    return tx.query(`SELECT id, state FROM agreement_status${this.suffix} WHERE id = ANY($1::text[])`, [ids]);
  }

  private async streamUpTo(tx: PgTx, id: string, version: number): Promise<StoredEvent[]> {
    const found = await tx.query<EventRow>(
      'SELECT * FROM events WHERE stream_id = $1 AND version <= $2 ORDER BY version',
      [id, version],
    );
    return found.rows.map((row) => eventOf({ ...row, position: Number(row.position) }));
  }
}
