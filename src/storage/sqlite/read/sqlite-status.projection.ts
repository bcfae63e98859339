import type { Database, Statement } from 'better-sqlite3';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
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
  projectStatus,
  stateJson,
  type StatusRow,
  endsOn,
} from '../../../agreements/read/status/status.fold.js';

interface Statements {
  load: Statement<[string], StatusRow>;
  upsert: Statement;
  /** For a row whose status stays: setting the indexed `status`, even to itself, rewrites its index page too. */
  update: Statement;
  party: Statement<[string, string, string, string | null]>;
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
          last_event_on, last_position, state)
        VALUES (@id, @title, @status, @version, @proposedOn, @signedOn, @inForceOn, @endedOn,
          @lastEventOn, @lastPosition, @state)
        ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status, version = excluded.version,
          signed_on = excluded.signed_on, in_force_on = excluded.in_force_on, ended_on = excluded.ended_on,
          last_event_on = excluded.last_event_on, last_position = excluded.last_position, state = excluded.state`),
      update: db.prepare(`
        UPDATE ${status} SET title = @title, version = @version, proposed_on = @proposedOn, signed_on = @signedOn,
          in_force_on = @inForceOn, ended_on = @endedOn, last_event_on = @lastEventOn,
          last_position = @lastPosition, state = @state
        WHERE id = @id`),
      party: db.prepare(
        `INSERT INTO agreement_parties${suffix} (party, agreement_id, joined_on, left_on) VALUES (?, ?, ?, ?)
         ON CONFLICT (party, agreement_id) DO UPDATE SET joined_on = excluded.joined_on, left_on = excluded.left_on`,
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

/** Who is or was a party: rows of agreement_parties are only written when this changes (each join or leave does). */
const partiesKey = (state: AgreementState) =>
  state.status === 'none'
    ? ''
    : `${state.parties.join()}|${state.formerParties.map((f) => f.party).join()}|${(
        state.pendingWithdrawals ?? []
      )
        .map((w) => `${w.party}@${w.effectiveOn}`)
        .join()}`;

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
      const cached = this.cache?.before(id, stream[0]!.version);
      const row = cached ? undefined : s.load.get(id);
      const before: AgreementState =
        cached?.state ?? (row ? (JSON.parse(row.state) as Agreement) : initialState());
      const state = projectStatus(before, stream);
      if (state.status === 'none') continue;
      const last = stream[stream.length - 1]!;
      const values = {
        id,
        title: state.title,
        version: last.version,
        proposedOn: state.proposedOn,
        signedOn: state.signedOn ?? null,
        inForceOn: state.inForceOn ?? null,
        endedOn: endsOn(state) ?? null,
        lastEventOn: state.lastEventOn,
        lastPosition: last.position,
        state: stateJson(state),
      };
      if (before.status === state.status) s.update.run(values);
      else s.upsert.run({ ...values, status: state.status });
      // Every party it has ever had, even one that joined and left within this batch, with its dates.
      if (partiesKey(before) !== partiesKey(state)) {
        for (const m of memberships(state)) s.party.run(m.party, id, m.joinedOn, m.leftOn);
      }
      if (cached) Object.assign(cached, { state, version: last.version });
      else this.cache?.set(id, { state, version: last.version });
    }
  }

  reset(db: Database): void {
    db.exec(`DELETE FROM agreement_status${this.suffix}; DELETE FROM agreement_parties${this.suffix};`);
  }
}
