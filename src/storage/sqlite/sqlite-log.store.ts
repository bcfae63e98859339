import type { Database } from 'better-sqlite3';
import type { TreeRow } from '../../log/log-tree.js';
import type { LogStore, StoredCheckpoint } from '../../log/log-store.port.js';
import { postorderOf, type NodeId } from '../../log/merkle.js';

export class SqliteLogStore implements LogStore {
  constructor(private readonly db: Database) {}

  async tree(): Promise<TreeRow | undefined> {
    return this.db.prepare<[], TreeRow>('SELECT size, peaks FROM log_tree WHERE id = 1').get();
  }

  async nodes(ids: readonly NodeId[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const get = this.db.prepare<[number], Buffer>('SELECT hash FROM log_nodes WHERE id = ?').pluck();
    for (const id of ids) {
      const hash = get.get(postorderOf(id));
      if (hash) found.set(`${id.level}/${id.index}`, hash);
    }
    return found;
  }

  async eventHashes(from: number, to: number): Promise<string[]> {
    return this.db
      .prepare<[number, number], string>(
        'SELECT hash FROM events WHERE position BETWEEN ? AND ? ORDER BY position',
      )
      .pluck()
      .all(from, to);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.db
      .prepare<[], StoredCheckpoint>(
        `SELECT tree_size AS treeSize, note, created_at AS createdAt FROM log_checkpoints
         ORDER BY tree_size DESC LIMIT 1`,
      )
      .get();
  }

  async checkpoints(afterSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.db
      .prepare<[number, number], StoredCheckpoint>(
        `SELECT tree_size AS treeSize, note, created_at AS createdAt FROM log_checkpoints
         WHERE tree_size > ? ORDER BY tree_size LIMIT ?`,
      )
      .all(afterSize, limit);
  }

  async saveCheckpoint(c: StoredCheckpoint & { rootHash: string }): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO log_checkpoints (tree_size, root_hash, note, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (tree_size) DO NOTHING`,
      )
      .run(c.treeSize, c.rootHash, c.note, c.createdAt);
  }
}
