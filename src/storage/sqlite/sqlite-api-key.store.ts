import type { Database } from 'better-sqlite3';
import { SqliteChanges } from './sqlite-changes.js';
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

/**
 * Looked up on every request. Live keys are cached, by the key as sent (a hit costs no hash),
 * until the keys change under us: when the database may have changed (SqliteChanges: the keys
 * CLI, but also every append), a count of the keys and of the revoked ones tells whether the
 * cache is still good. This store's own writes count at once.
 */
export class SqliteApiKeyStore implements ApiKeyStore {
  private readonly byHash;
  private readonly changes: SqliteChanges;
  private readonly keysState;
  /** Asked for every open live feed's key (live-connections.ts): prepared once. */
  private readonly liveIds;
  private readonly cache = new Map<string, Principal>();
  private cachedAt = -1;
  private cachedKeys = '';

  constructor(private readonly db: Database) {
    this.byHash = db.prepare<[string], ApiKeyRow>(
      'SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL',
    );
    this.liveIds = db
      .prepare<[string], string>(
        'SELECT id FROM api_keys WHERE revoked_at IS NULL AND id IN (SELECT value FROM json_each(?))',
      )
      .pluck();
    this.changes = SqliteChanges.of(db);
    this.keysState = db
      .prepare<[], string>("SELECT COUNT(*) || ' ' || COUNT(revoked_at) FROM api_keys")
      .pluck();
  }

  async findByKey(key: string): Promise<Principal | undefined> {
    const version = this.changes.current();
    if (version !== this.cachedAt) {
      this.cachedAt = version;
      const keys = this.keysState.get()!;
      if (keys !== this.cachedKeys) this.cache.clear();
      this.cachedKeys = keys;
    }
    const cached = this.cache.get(key);
    if (cached) return cached;
    const row = this.byHash.get(hashKey(key));
    if (!row) return undefined;
    const { keyId, name, role, parties } = apiKeyRecordOf(row);
    const principal = { keyId, name, role, parties };
    if (this.cache.size >= 1000) this.cache.clear();
    this.cache.set(key, principal);
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
    this.db
      .prepare(
        'INSERT INTO api_keys (id, name, role, parties, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        record.keyId,
        record.name,
        record.role,
        JSON.stringify(record.parties),
        hashKey(key),
        record.createdAt,
      );
    this.changes.committed();
    return { key, record };
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.db
      .prepare<[], ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')
      .all()
      .map(apiKeyRecordOf);
  }

  async revoke(id: string): Promise<boolean> {
    const info = this.db
      .prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(new Date().toISOString(), id);
    this.changes.committed();
    return info.changes > 0;
  }

  async liveKeyIds(ids: readonly string[]): Promise<Set<string>> {
    return new Set(this.liveIds.all(JSON.stringify(ids)));
  }

  async count(): Promise<number> {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM api_keys').get()!.n;
  }
}
