import type { PgTx } from '../pg-tx.js';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import { byStream } from '../../../agreements/read/agreement-events.js';
import { dueBy, milestoneFacts } from '../../../agreements/read/milestones/milestones.js';
import type { PostgresStatusProjection } from './postgres-status.projection.js';

/**
 * The PostgreSQL twin of SqliteMilestonesProjection: runs after the status projection in the
 * same transaction and rewrites the milestone rows of every agreement the batch touched from the
 * states that projection has just folded: two statements sent, whatever the batch size.
 */
export class PostgresMilestonesProjection implements InlineProjection<PgTx, Promise<void>> {
  readonly name = 'milestones';
  readonly tables = ['milestones'];

  constructor(
    private readonly suffix: string,
    private readonly status: PostgresStatusProjection,
  ) {}

  async apply(tx: PgTx, events: readonly StoredEvent[]): Promise<void> {
    const ids = [...byStream(events).keys()];
    const states = this.status.statesAfter(tx);
    tx.send(`DELETE FROM milestones${this.suffix} WHERE agreement_id = ANY($1::text[])`, [ids]);
    const facts = ids.flatMap((id) => {
      const state = states.get(id);
      return state ? milestoneFacts(state) : [];
    });
    if (facts.length === 0) return;
    tx.send(
      `INSERT INTO milestones${this.suffix} (agreement_id, milestone_id, kind, description, owner, due_on, due_by, met_on)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
      [
        facts.map((f) => f.agreementId),
        facts.map((f) => f.milestoneId),
        facts.map((f) => f.kind),
        facts.map((f) => f.description),
        facts.map((f) => f.owner),
        facts.map((f) => f.dueOn),
        facts.map((f) => dueBy(f.dueOn)),
        facts.map((f) => f.metOn ?? null),
      ],
    );
  }
}
