import type { Database, Statement } from 'better-sqlite3';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import type { InlineProjection } from '../../../event-store/projections.js';
import { extendTree, type TreeRow } from '../../../log/log-tree.js';
import { postorderOf } from '../../../log/merkle.js';

interface Statements {
  load: Statement<[], TreeRow>;
  save: Statement<[number, string]>;
  node: Statement<[number, Buffer]>;
  hashes: Statement<[number, number], string>;
}

/** The Merkle log's right edge and perfect subtrees, kept in the append transaction (src/log/log-tree.ts). */
export class SqliteLogTreeProjection implements InlineProjection<Database> {
  readonly name = 'log_tree';
  readonly tables = ['log_tree', 'log_nodes'];
  private readonly prepared = new WeakMap<Database, Statements>();

  /** `suffix` names the table it writes: '' for the live one, '_rebuild' for a rebuild. */
  constructor(private readonly suffix = '') {}

  apply(db: Database, events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    const s = this.statements(db);
    const { row, nodes } = extendTree(s.load.get(), events, (from, to) => s.hashes.all(from, to));
    s.save.run(row.size, row.peaks);
    for (const n of nodes) s.node.run(postorderOf(n), n.hash);
  }

  private statements(db: Database): Statements {
    let s = this.prepared.get(db);
    if (!s) {
      s = {
        load: db.prepare(`SELECT size, peaks FROM log_tree${this.suffix} WHERE id = 1`),
        save: db.prepare(
          `INSERT INTO log_tree${this.suffix} (id, size, peaks) VALUES (1, ?, ?)
           ON CONFLICT (id) DO UPDATE SET size = excluded.size, peaks = excluded.peaks`,
        ),
        node: db.prepare(`INSERT OR REPLACE INTO log_nodes${this.suffix} (id, hash) VALUES (?, ?)`),
        hashes: db
          .prepare<[number, number], string>(
            'SELECT hash FROM events WHERE position BETWEEN ? AND ? ORDER BY position',
          )
          .pluck(),
      };
      this.prepared.set(db, s);
    }
    return s;
  }
}
