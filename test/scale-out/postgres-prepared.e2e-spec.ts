import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { preparing } from '../../src/storage/postgres/prepared.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/** The append path's statements are prepared once per connection (src/storage/postgres/prepared.ts). */
describe('statements prepared once per connection', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  const prepared = async () =>
    (await client.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map(
      (r) => r.statement,
    );

  it('prepares a statement with parameters once and runs it by name after; leaves SELECT * and plain text alone', async () => {
    const sql = preparing(client);
    expect((await sql.query<{ n: number }>('SELECT $1::int + 1 AS n', [41])).rows).toEqual([{ n: 42 }]);
    expect((await sql.query<{ n: number }>('SELECT $1::int + 1 AS n', [1])).rows).toEqual([{ n: 2 }]);
    expect(await prepared()).toEqual(['SELECT $1::int + 1 AS n']);

    // A SELECT * would fix its columns (a migration adding one would break it): not prepared.
    expect((await sql.query('SELECT * FROM (SELECT $1::int AS n) AS t', [7])).rows).toEqual([{ n: 7 }]);
    // Nothing to bind: sent as it is (the simple protocol, several statements allowed).
    await sql.query('SELECT 1; SELECT 2');
    expect(await prepared()).toEqual(['SELECT $1::int + 1 AS n']);
  });
});
