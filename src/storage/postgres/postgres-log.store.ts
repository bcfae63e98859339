import type pg from 'pg';
import type { TreeRow } from '../../log/log-tree.js';
import type { LogStore, StoredCheckpoint } from '../../log/log-store.port.js';
import { postorderOf, type NodeId } from '../../log/merkle.js';

/** The PostgreSQL twin of SqliteLogStore. */
export class PostgresLogStore implements LogStore {
  constructor(private readonly pool: pg.Pool) {}

  async tree(): Promise<TreeRow | undefined> {
    const found = await this.pool.query<{ size: string; peaks: string }>(
      'SELECT size, peaks FROM log_tree WHERE id = 1',
    );
    const row = found.rows[0];
    return row ? { size: Number(row.size), peaks: row.peaks } : undefined;
  }

  async nodes(ids: readonly NodeId[]): Promise<Map<string, Buffer>> {
    const keys = new Map(ids.map((id) => [postorderOf(id), `${id.level}/${id.index}`]));
    const found = await this.pool.query<{ id: string; hash: Buffer }>(
      'SELECT id, hash FROM log_nodes WHERE id = ANY($1::bigint[])',
      [[...keys.keys()]],
    );
    return new Map(found.rows.map((r) => [keys.get(Number(r.id))!, r.hash]));
  }

  async eventHashes(from: number, to: number): Promise<string[]> {
    const found = await this.pool.query<{ hash: string }>(
      'SELECT hash FROM events WHERE position BETWEEN $1 AND $2 ORDER BY position',
      [from, to],
    );
    return found.rows.map((r) => r.hash);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return (await this.checkpointsWhere('ORDER BY tree_size DESC LIMIT 1', []))[0];
  }

  async checkpoints(afterSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.checkpointsWhere('WHERE tree_size > $1 ORDER BY tree_size LIMIT $2', [afterSize, limit]);
  }

  async saveCheckpoint(c: StoredCheckpoint & { rootHash: string }): Promise<void> {
    await this.pool.query(
      `INSERT INTO log_checkpoints (tree_size, root_hash, note, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tree_size) DO NOTHING`,
      [c.treeSize, c.rootHash, c.note, c.createdAt],
    );
  }

  private async checkpointsWhere(tail: string, params: unknown[]): Promise<StoredCheckpoint[]> {
    const found = await this.pool.query<{ tree_size: string; note: string; created_at: string }>(
      `SELECT tree_size, note, created_at FROM log_checkpoints ${tail}`,
      params,
    );
    return found.rows.map((r) => ({ treeSize: Number(r.tree_size), note: r.note, createdAt: r.created_at }));
  }
}
