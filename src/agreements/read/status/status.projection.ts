import type { Database, Statement } from 'better-sqlite3';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import { evolve, initialState, type Agreement, type AgreementState } from '../../domain/agreement.state.js';
import { byStream, toAgreementEvent } from '../agreement-events.js';

export interface StatusRow {
  id: string;
  version: number;
  state: string;
}

/** Folds an agreement's events into its status row with the domain's own `evolve`. */
export function projectStatus(state: AgreementState, events: readonly StoredEvent[]): AgreementState {
  let next = state;
  for (const e of events) {
    const event = toAgreementEvent(e);
    if (event) next = evolve(next, event);
  }
  return next;
}

interface Statements {
  load: Statement<[string], StatusRow>;
  upsert: Statement;
  party: Statement<[string, string]>;
}

const statements = new WeakMap<Database, Statements>();

function prepare(db: Database): Statements {
  let s = statements.get(db);
  if (!s) {
    s = {
      load: db.prepare('SELECT id, version, state FROM agreement_status WHERE id = ?'),
      upsert: db.prepare(`
        INSERT INTO agreement_status (id, title, status, version, proposed_on, signed_on, in_force_on, ended_on,
          last_event_on, last_position, state)
        VALUES (@id, @title, @status, @version, @proposedOn, @signedOn, @inForceOn, @endedOn,
          @lastEventOn, @lastPosition, @state)
        ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, version = excluded.version,
          signed_on = excluded.signed_on, in_force_on = excluded.in_force_on, ended_on = excluded.ended_on,
          last_event_on = excluded.last_event_on, last_position = excluded.last_position, state = excluded.state`),
      party: db.prepare('INSERT OR IGNORE INTO agreement_parties (party, agreement_id) VALUES (?, ?)'),
    };
    statements.set(db, s);
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

  apply(db: Database, events: readonly StoredEvent[]): void {
    const s = prepare(db);
    for (const [id, stream] of byStream(events)) {
      const state = projectStatus(loadStatusRow(db, id).state, stream);
      if (state.status === 'none') continue;
      const last = stream[stream.length - 1]!;
      s.upsert.run({
        id,
        title: state.title,
        status: state.status,
        version: last.version,
        proposedOn: state.proposedOn,
        signedOn: state.signedOn ?? null,
        inForceOn: state.inForceOn ?? null,
        endedOn: state.endedOn ?? null,
        lastEventOn: state.lastEventOn,
        lastPosition: last.position,
        state: JSON.stringify(state),
      });
      for (const party of state.parties) s.party.run(party, id);
    }
  }

  reset(db: Database): void {
    db.exec('DELETE FROM agreement_status; DELETE FROM agreement_parties;');
  }
}
