import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Merkle log over every event (issue 18, RFC 9162): `log_tree` keeps the right edge of the tree
 * (its size and the roots of its perfect subtrees, base64, largest first), written in the append
 * transaction like a read model and rebuilt with them; `log_checkpoints` keeps every signed
 * checkpoint (a C2SP signed note) by tree size. Neither holds a key: the signing key is a file.
 */
export class MerkleLog1764288000070 implements MigrationInterface {
  name = 'MerkleLog1764288000070';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE log_tree (
        id    bigint PRIMARY KEY CHECK (id = 1),
        size  bigint NOT NULL,
        peaks text COLLATE "C" NOT NULL
      )`);
    await q.query(`
      CREATE TABLE log_checkpoints (
        tree_size  bigint PRIMARY KEY,
        root_hash  text COLLATE "C" NOT NULL,
        note       text COLLATE "C" NOT NULL,
        created_at text COLLATE "C" NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE log_checkpoints');
    await q.query('DROP TABLE log_tree');
  }
}
