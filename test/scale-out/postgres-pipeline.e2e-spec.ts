import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PgTransaction } from '../../src/storage/postgres/pg-tx.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/** Write system calls this process has made so far (Linux: /proc/self/io). */
const writeCalls = () => Number(/^syscw: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);

/**
 * The append transaction's connection (src/storage/postgres/pg-tx.ts): writes sent without
 * waiting, one socket write a turn on a pipelined client, and a failed write fails the
 * transaction with its own error.
 */
describe('PgTransaction', () => {
  let database: TestDatabase;
  const clients: pg.Client[] = [];

  const connect = async (pipeline: boolean) => {
    const client = new pg.Client({ connectionString: database.url, ...(pipeline ? { pipeline: true } : {}) });
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const setup = await connect(false);
    await setup.query('CREATE TABLE t (n int PRIMARY KEY)');
  });
  afterAll(async () => {
    for (const client of clients) await client.end();
    await database.drop();
  });

  /** BEGIN, 20 inserts sent, a count read back, ROLLBACK: the writes it took and what it read. */
  const twentyWrites = async (client: pg.Client) => {
    const tx = new PgTransaction(client);
    await tx.query('BEGIN');
    const before = writeCalls();
    for (let n = 1; n <= 20; n++) tx.send('INSERT INTO t (n) VALUES ($1)', [n]);
    const { rows } = await tx.query<{ count: number }>('SELECT count(*)::int AS count FROM t');
    const writes = writeCalls() - before;
    await tx.settle();
    await tx.query('ROLLBACK');
    return { writes, count: rows[0]!.count };
  };

  it('sends a turn of statements in one write on a pipelined client, in order (one write each otherwise)', async () => {
    const pipelined = await twentyWrites(await connect(true));
    const plain = await twentyWrites(await connect(false));
    // The read after the writes sees them all either way.
    expect(pipelined.count).toBe(20);
    expect(plain.count).toBe(20);
    expect(pipelined.writes).toBeLessThanOrEqual(2);
    expect(plain.writes).toBeGreaterThanOrEqual(21);
  });

  it.each([true, false])(
    'a failed write fails the next read and settle() with its own error, and nothing is kept (pipelined: %s)',
    async (pipeline) => {
      const client = await connect(pipeline);
      const tx = new PgTransaction(client);
      await tx.query('BEGIN');
      tx.send('INSERT INTO t (n) VALUES ($1)', [1]);
      tx.send('INSERT INTO t (n) VALUES ($1)', [1]); // the primary key refuses it
      tx.send('INSERT INTO t (n) VALUES ($1)', [2]);
      const read = tx.query('SELECT count(*) FROM t');
      await expect(read).rejects.toMatchObject({ code: '23505', constraint: 't_pkey' });
      await expect(tx.settle()).rejects.toMatchObject({ code: '23505' });
      await client.query('ROLLBACK');
      expect((await client.query<{ count: number }>('SELECT count(*)::int AS count FROM t')).rows).toEqual([
        { count: 0 },
      ]);
    },
  );
});
