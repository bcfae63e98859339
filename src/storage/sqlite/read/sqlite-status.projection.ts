import type { Database, Statement } from 'better-sqlite3';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import { eventOf, type EventRow } from '../../../event-store/event-row.js';
import { hasRetraction, liveEvents } from '../../../agreements/domain/retractions.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import {
  initialState,
  type Agreement,
  type AgreementState,
} from '../../../agreements/domain/agreement.state.js';
import { byStream } from '../../../agreements/read/agreement-events.js';
import type { StateCache } from '../../../agreements/read/status/state-cache.js';
import {
  memberships,
  membershipsKey,
  projectStatus,
  stateJson,
  type StatusRow,
  statusDates,
} from '../../../agreements/read/status/status.fold.js';

interface Statements {
  load: Statement<[string], StatusRow>;
  upsert: Statement;
  /** For a row whose status stays: setting the indexed `status`, even to itself, rewrites its index page too. */
  update: Statement;
  party: Statement<[string, string, string, string | null, string, string | null]>;
  stream: Statement<[string, number], EventRow>;
  remove: Statement<[string]>;
  removeParties: Statement<[string]>;
}

const statements = new WeakMap<Database, Map<string, Statements>>();

/** `suffix` picks the tables: '' for the live ones, '_rebuild' while a rebuild fills fresh ones. */
function prepare(db: Database, suffix = ''): Statements {
  const bySuffix = statements.get(db) ?? new Map<string, Statements>();
  statements.set(db, bySuffix);
  let s = bySuffix.get(suffix);
  if (!s) {
    const status = `agreement_status${suffix}`;
    s = {
      load: db.prepare(`SELECT id, version, state FROM ${status} WHERE id = ?`),
      upsert: db.prepare(`
        INSERT INTO ${status} (id, title, status, version, proposed_on, signed_on, in_force_on, ended_on,
          active_until, ended_until, last_event_on, last_position, state)
        VALUES (@id, @title, @status, @version, @proposedOn, @signedOn, @inForceOn, @endedOn,
          @activeUntil, @endedUntil, @lastEventOn, @lastPosition, @state)
        ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, version = excluded.version,
          signed_on = excluded.signed_on, in_force_on = excluded.in_force_on, ended_on = excluded.ended_on,
          active_until = excluded.active_until, ended_until = excluded.ended_until,
          last_event_on = excluded.last_event_on, last_position = excluded.last_position, state = excluded.state`),
      update: db.prepare(`
        UPDATE ${status} SET title = @title, version = @version, proposed_on = @proposedOn, signed_on = @signedOn,
          in_force_on = @inForceOn, ended_on = @endedOn, active_until = @activeUntil, ended_until = @endedUntil,
          last_event_on = @lastEventOn,
          last_position = @lastPosition, state = @state
        WHERE id = @id`),
      stream: db.prepare('SELECT * FROM events WHERE stream_id = ? AND version <= ? ORDER BY version'),
      remove: db.prepare(`DELETE FROM ${status} WHERE id = ?`),
      removeParties: db.prepare(`DELETE FROM agreement_parties${suffix} WHERE agreement_id = ?`),
      party: db.prepare(
        `INSERT INTO agreement_parties${suffix} (party, agreement_id, joined_on, left_on, joined_until, left_until)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (party, agreement_id) DO UPDATE SET joined_on = excluded.joined_on, left_on = excluded.left_on,
           joined_until = excluded.joined_until, left_until = excluded.left_until`,
      ),
    };
    bySuffix.set(suffix, s);
  }
  return s;
}

/** Loads the folded state and version of one agreement from its status row. */
export function loadStatusRow(db: Database, id: string): { state: AgreementState; version: number } {
  const row = prepare(db).load.get(id);
  return row
    ? { state: JSON.parse(row.state) as Agreement, version: row.version }
    : { state: initialState(), version: 0 };
}

export class SqliteStatusProjection implements InlineProjection<Database> {
  readonly name = 'agreement_status';
  readonly tables = ['agreement_status', 'agreement_parties'];

  /**
   * `suffix` names the tables it writes: '' for the live ones, '_rebuild' for a rebuild;
   * a rebuild also passes a cache of the states it folded, to spare re-reading them.
   */
  constructor(
    private readonly suffix = '',
    private readonly cache?: StateCache,
  ) {}

  apply(db: Database, events: readonly StoredEvent[]): void {
    const s = prepare(db, this.suffix);
    for (const [id, stream] of byStream(events)) {
      const last = stream[stream.length - 1]!;
      const cached = this.cache?.before(id, stream[0]!.version);
      const row = cached ? undefined : s.load.get(id);
      const before: AgreementState =
        cached?.state ?? (row ? (JSON.parse(row.state) as Agreement) : initialState());
      // A retraction: the stream so far is folded again without the events it retracts.
      const corrected = hasRetraction(stream);
      const state = corrected
        ? projectStatus(initialState(), liveEvents(s.stream.all(id, last.version).map(eventOf)))
        : projectStatus(before, stream);
      if (corrected) {
        s.removeParties.run(id);
        this.cache?.delete(id);
        if (state.status === 'none') s.remove.run(id);
      }
      if (state.status === 'none') continue;
      const values = {
        id,
        title: state.title,
        version: last.version,
        proposedOn: state.proposedOn,
        ...statusDates(state),
        lastEventOn: state.lastEventOn,
        lastPosition: last.position,
        state: stateJson(state),
      };
      if (before.status === state.status) s.update.run(values);
      else s.upsert.run({ ...values, status: state.status });
      // Every party it has ever had, even one that joined and left within this batch, with its dates.
      if (corrected || membershipsKey(before) !== membershipsKey(state)) {
        for (const m of memberships(state)) {
          s.party.run(m.party, id, m.joinedOn, m.leftOn, m.joinedUntil, m.leftUntil);
        }
      }
      if (cached && !corrected) Object.assign(cached, { state, version: last.version });
      else this.cache?.set(id, { state, version: last.version });
    }
  }
}
