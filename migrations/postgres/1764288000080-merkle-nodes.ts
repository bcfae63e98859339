import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Merkle log's perfect subtrees (issue 18): one row per leaf and per subtree an append
 * completes (about two per event), numbered in the order the appends complete them (post-order:
 * src/log/merkle.ts postorderOf), so that each commit adds rows at the end of one index; written in
 * the append transaction with `log_tree` and rebuilt with it. Proofs read O(log n) of them instead of every leaf, and `audit:verify` uses them, once a
 * saved checkpoint vouches for them, to name the first event a rewrite changed. A log made before
 * this table reads the subtrees it lacks from the events' hashes.
 */
export class MerkleNodes1764288000080 implements MigrationInterface {
  name = 'MerkleNodes1764288000080';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE log_nodes (
        id   bigint PRIMARY KEY,
        hash bytea NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE log_nodes');
  }
}
