import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { PostgresApiKeyStore } from '../../src/storage/postgres/postgres-api-key.store.js';
import { createPool, runPostgresMigrations } from '../../src/storage/postgres/postgres.database.js';
import { PostgresIdempotencyStore } from '../../src/storage/postgres/postgres-idempotency.store.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/** What several instances share besides events: API keys and remembered responses. */
describe('PostgreSQL key and idempotency stores, written from several instances', () => {
  let database: TestDatabase;
  const pools: pg.Pool[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await runPostgresMigrations(database.url);
    pools.push(createPool(database.url, { max: 2 }), createPool(database.url, { max: 2 }));
  });
  afterAll(async () => {
    for (const pool of pools) await pool.end();
    await database.drop();
  });

  it('creates the ADMIN_API_KEY admin once when instances start together on a fresh database', async () => {
    const [a, b] = pools.map((pool) => new PostgresApiKeyStore(pool));
    const key = 'tl_shared_admin_key_0123456789abcdef';
    const created = await Promise.all([
      a!.create({ name: 'admin', role: 'admin', parties: [], key }),
      b!.create({ name: 'admin', role: 'admin', parties: [], key }),
    ]);
    expect(created[0].record).toEqual(created[1].record);
    expect(await a!.count()).toBe(1);
    expect(await b!.findByKey(key)).toMatchObject({ keyId: created[0].record.keyId, role: 'admin' });
    // A key revoked through one instance is refused by the other at once.
    expect(await a!.revoke(created[0].record.keyId)).toBe(true);
    expect(await b!.findByKey(key)).toBeUndefined();
    expect(await b!.revoke(created[0].record.keyId)).toBe(false);
  });

  it('answers a live key from memory on a serving instance, and forgets it when any instance revokes it', async () => {
    const [a, b] = pools.map((pool) => new PostgresApiKeyStore(pool));
    await a!.listen(database.url);
    await b!.listen(database.url);
    try {
      const key = 'tl_cached_recorder_key_0123456789abcdef';
      const { record } = await a!.create({ name: 'desk', role: 'recorder', parties: ['JPN'], key });
      expect(await b!.findByKey(key)).toEqual({
        keyId: record.keyId,
        name: 'desk',
        role: 'recorder',
        parties: ['JPN'],
      });
      // Revoked behind the stores' backs (no notification): b answers from memory, the database is not asked.
      await pools[0]!.query("UPDATE api_keys SET revoked_at = 'x' WHERE id = $1", [record.keyId]);
      expect(await b!.findByKey(key)).toMatchObject({ keyId: record.keyId });
      await pools[0]!.query('UPDATE api_keys SET revoked_at = NULL WHERE id = $1', [record.keyId]);

      // Revoked through a: a forgets before it answers, b when PostgreSQL's notification reaches it.
      expect(await a!.findByKey(key)).toMatchObject({ keyId: record.keyId });
      const revokedAt = Date.now();
      expect(await a!.revoke(record.keyId)).toBe(true);
      expect(await a!.findByKey(key)).toBeUndefined();
      while ((await b!.findByKey(key)) !== undefined) {
        expect(Date.now() - revokedAt).toBeLessThan(2_000);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // An unknown key is asked of the database each time, and never remembered.
      expect(await b!.findByKey('tl_unknown_key_0123456789abcdef0123')).toBeUndefined();
    } finally {
      await a!.close();
      await b!.close();
    }
  });

  it('keeps the first response remembered for an Idempotency-Key, whichever instance saves it', async () => {
    const [a, b] = pools.map((pool) => new PostgresIdempotencyStore(pool));
    const first = { fingerprint: 'f1', status: 201, headers: { etag: '"1"' }, body: { n: 1, text: 'ü ✓' } };
    await a!.save('key-1', 'retry-me', first);
    await b!.save('key-1', 'retry-me', { ...first, fingerprint: 'f2', body: { n: 2 } });
    expect(await b!.get('key-1', 'retry-me')).toEqual(first);
    expect(await a!.get('key-2', 'retry-me')).toBeUndefined();
  });
});
