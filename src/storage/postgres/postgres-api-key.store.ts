import type pg from 'pg';
import { rows } from './postgres.database.js';
import { preparing } from './prepared.js';
import { PgListener } from './pg-listener.js';
import { LruCache } from '../../lru-cache.js';
import {
  hashKey,
  newKeyId,
  newSecretKey,
  apiKeyRecordOf,
  type ApiKeyRecord,
  type ApiKeyRow,
  type ApiKeyStore,
  type Principal,
  type Role,
} from '../../auth/api-key.js';

/** The channel a revocation is announced on (its payload: the key id). */
export const KEYS_CHANNEL = 'treaty_ledger_keys';

/**
 * The PostgreSQL twin of SqliteApiKeyStore: a key created on any instance counts at once on
 * all; a key revoked counts at once on the instance that revoked it and, on the others, as soon
 * as PostgreSQL's notification of the revocation reaches them (sent at COMMIT).
 *
 * With `listen` (the serving app), the live keys found are remembered, so a request needs no
 * query: a key's role and parties never change, and a revocation empties the cache on every
 * instance through LISTEN/NOTIFY. Nothing is remembered while the listening connection is down,
 * nor from a lookup that a revocation overtook. Unknown keys are never remembered (a stranger's
 * guesses cannot fill the memory).
 */
export class PostgresApiKeyStore implements ApiKeyStore {
  /** The key lookup runs on every request it does not answer from memory: prepared once per connection. */
  private readonly prepared: pg.Pool;
  private readonly known = new LruCache<Principal>(10_000);
  /** Moves on at every revocation and every change of the listener: a lookup begun before remembers nothing. */
  private epoch = 0;
  private listener: PgListener | undefined;

  constructor(private readonly pool: pg.Pool) {
    this.prepared = preparing(pool);
  }

  /** Remembers live keys from now on, forgetting them all whenever a key is revoked anywhere. */
  async listen(url: string): Promise<void> {
    const forget = () => this.forget();
    this.listener = await PgListener.start({
      url,
      channel: KEYS_CHANNEL,
      notified: forget,
      lost: forget,
      resumed: forget,
    });
  }

  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    this.forget();
    await listener?.stop();
  }

  /** Every remembered key forgotten, and no lookup in flight remembers its answer. */
  private forget(): void {
    this.epoch++;
    this.known.clear();
  }

  async findByKey(key: string): Promise<Principal | undefined> {
    const hash = hashKey(key);
    const caching = this.listener?.listening === true;
    if (caching) {
      const known = this.known.get(hash);
      if (known) return known;
    }
    const epoch = this.epoch;
    const [row] = await rows<ApiKeyRow>(
      this.prepared,
      // Columns named: a prepared `SELECT *` would fail once a migration adds one under running instances.
      'SELECT id, name, role, parties, created_at, revoked_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    if (!row) return undefined;
    const { keyId, name, role, parties } = apiKeyRecordOf(row);
    const principal = { keyId, name, role, parties };
    if (caching && epoch === this.epoch && this.listener?.listening === true) this.known.set(hash, principal);
    return principal;
  }

  async create(input: { name: string; role: Role; parties: string[]; key?: string }) {
    const key = input.key ?? newSecretKey();
    const record: ApiKeyRecord = {
      keyId: newKeyId(),
      name: input.name,
      role: input.role,
      parties: input.parties,
      createdAt: new Date().toISOString(),
    };
    // Instances starting together on a fresh database may each create the ADMIN_API_KEY
    // admin: the first insert wins and the others get its record, the same key either way.
    const inserted = await rows<ApiKeyRow>(
      this.pool,
      `INSERT INTO api_keys (id, name, role, parties, key_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (key_hash) DO NOTHING RETURNING *`,
      [
        record.keyId,
        record.name,
        record.role,
        JSON.stringify(record.parties),
        hashKey(key),
        record.createdAt,
      ],
    );
    if (inserted.length === 0) {
      const [existing] = await rows<ApiKeyRow>(this.pool, 'SELECT * FROM api_keys WHERE key_hash = $1', [
        hashKey(key),
      ]);
      return { key, record: apiKeyRecordOf(existing!) };
    }
    return { key, record };
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await rows<ApiKeyRow>(this.pool, 'SELECT * FROM api_keys ORDER BY created_at, id')).map(
      apiKeyRecordOf,
    );
  }

  async revoke(id: string): Promise<boolean> {
    // Announced to every instance's cache at COMMIT, in the same statement.
    const updated = await rows(
      this.pool,
      `UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL
       RETURNING id, pg_notify('${KEYS_CHANNEL}', id)`,
      [new Date().toISOString(), id],
    );
    // This instance forgets at once, before it answers.
    this.forget();
    return updated.length > 0;
  }

  async liveKeyIds(ids: readonly string[]): Promise<Set<string>> {
    const live = await rows<{ id: string }>(
      this.pool,
      'SELECT id FROM api_keys WHERE revoked_at IS NULL AND id = ANY($1::text[])',
      [ids],
    );
    return new Set(live.map((r) => r.id));
  }

  async count(): Promise<number> {
    const [row] = await rows<{ n: number }>(this.pool, 'SELECT COUNT(*) AS n FROM api_keys');
    return row!.n;
  }
}
