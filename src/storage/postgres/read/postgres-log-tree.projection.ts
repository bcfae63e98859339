import type pg from 'pg';
import { ReadAhead, type PgTx } from '../pg-tx.js';
import type { PostgresProjection } from '../event-store/postgres-event-store.js';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import { extendTree, type TreeRow } from '../../../log/log-tree.js';
import { postorderOf } from '../../../log/merkle.js';

type TreeRows = pg.QueryResult<{ size: string; peaks: string }>;

/**
 * The PostgreSQL twin of SqliteLogTreeProjection. Appends hold the append lock from position
 * assignment to COMMIT, so batches reach it in position order.
 */
export class PostgresLogTreeProjection implements PostgresProjection {
  readonly name = 'log_tree';
  readonly tables = ['log_tree', 'log_nodes'];

  constructor(private readonly suffix = '') {}

  /** The tree's row, read ahead with the append lock's round trip. */
  private readonly ahead = new ReadAhead<TreeRows>();

  prefetch(tx: PgTx): void {
    this.ahead.start(tx, this.read(tx));
  }

  async apply(tx: PgTx, events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const found = await this.ahead.take(tx, () => this.read(tx));
    const row = found.rows[0];
    const before: TreeRow | undefined = row ? { size: Number(row.size), peaks: row.peaks } : undefined;
    const first = events[0]!.position;
    // An existing store, when the log was added: the hashes the tree has not seen yet.
    const missing =
      first > (before?.size ?? 0) + 1
        ? (
            await tx.query<{ hash: string }>(
              'SELECT hash FROM events WHERE position BETWEEN $1 AND $2 ORDER BY position',
              [(before?.size ?? 0) + 1, first - 1],
            )
          ).rows.map((r) => r.hash)
        : [];
    const { row: next, nodes } = extendTree(before, events, () => missing);
    tx.send(
      `WITH tree AS (
         INSERT INTO log_tree${this.suffix} (id, size, peaks) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET size = excluded.size, peaks = excluded.peaks
       )
       INSERT INTO log_nodes${this.suffix} (id, hash)
       SELECT * FROM unnest($3::bigint[], $4::bytea[])
       ON CONFLICT (id) DO UPDATE SET hash = excluded.hash`,
      [next.size, next.peaks, nodes.map(postorderOf), nodes.map((n) => n.hash)],
    );
  }

  private read(tx: PgTx): Promise<TreeRows> {
    return tx.query(`SELECT size, peaks FROM log_tree${this.suffix} WHERE id = 1`);
  }
}
