import type { Database, Statement } from 'better-sqlite3';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import type { Agreement } from '../../../agreements/domain/agreement.state.js';
import { byStream } from '../../../agreements/read/agreement-events.js';
import type { StateCache } from '../../../agreements/read/status/state-cache.js';
import { dueBy, milestoneFacts } from '../../../agreements/read/milestones/milestones.js';

interface Statements {
  state: Statement<[string], { state: string }>;
  clear: Statement<[string]>;
  insert: Statement;
}

/**
 * Keeps the `milestones` table in step with the status read model: it runs after the
 * status projection in the same transaction and rewrites the milestone rows of every
 * agreement the batch touched from that agreement's new state, so the two never disagree.
 */
export class SqliteMilestonesProjection implements InlineProjection<Database> {
  readonly name = 'milestones';
  readonly tables = ['milestones'];
  private readonly prepared = new WeakMap<Database, Statements>();

  /**
   * `suffix` names the tables it reads and writes: '' for the live ones, '_rebuild' for a
   * rebuild, which also shares the status projection's cache of states.
   */
  constructor(
    private readonly suffix = '',
    private readonly cache?: StateCache,
  ) {}

  apply(db: Database, events: readonly StoredEvent[]): void {
    const s = this.statements(db);
    for (const [id, stream] of byStream(events)) {
      // The status projection, just before, left the entry at the batch's last version.
      const cached = this.cache?.before(id, stream[stream.length - 1]!.version + 1);
      const row = cached ? undefined : s.state.get(id);
      const state = cached?.state ?? (row ? (JSON.parse(row.state) as Agreement) : undefined);
      if (!state) {
        s.clear.run(id); // a retracted proposal leaves no agreement, and no milestones
        continue;
      }
      const facts = milestoneFacts(state);
      if (cached) {
        // Most events (exercises, contributions…) change no milestone: skip the rewrite.
        const json = JSON.stringify(facts);
        if (json === cached.milestones) continue;
        cached.milestones = json;
      }
      s.clear.run(id);
      for (const fact of facts)
        s.insert.run({ ...fact, dueBy: dueBy(fact.dueOn), metOn: fact.metOn ?? null });
    }
  }

  private statements(db: Database): Statements {
    let s = this.prepared.get(db);
    if (!s) {
      s = {
        state: db.prepare(`SELECT state FROM agreement_status${this.suffix} WHERE id = ?`),
        clear: db.prepare(`DELETE FROM milestones${this.suffix} WHERE agreement_id = ?`),
        insert: db.prepare(
          `INSERT INTO milestones${this.suffix} (agreement_id, milestone_id, kind, description, owner, due_on, due_by, met_on)
           VALUES (@agreementId, @milestoneId, @kind, @description, @owner, @dueOn, @dueBy, @metOn)`,
        ),
      };
      this.prepared.set(db, s);
    }
    return s;
  }
}
