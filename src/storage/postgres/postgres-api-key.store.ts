import type pg from 'pg';
import { rows } from './postgres.database.js';
import { preparing } from './prepared.js';
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

/** The PostgreSQL twin of SqliteApiKeyStore: a key created or revoked on any instance counts at once on all. */
export class PostgresApiKeyStore implements ApiKeyStore {
  /** The key lookup runs on every request: prepared once per connection. */
  private readonly prepared: pg.Pool;

  constructor(private readonly pool: pg.Pool) {
    this.prepared = preparing(pool);
  }

  async findByKey(key: string): Promise<Principal | undefined> {
    const [row] = await rows<ApiKeyRow>(
      this.prepared,
      'SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hashKey(key)],
    );
    if (!row) return undefined;
    const { keyId, name, role, parties } = apiKeyRecordOf(row);
    return { keyId, name, role, parties };
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
    const updated = await rows(
      this.pool,
      'UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id',
      [new Date().toISOString(), id],
    );
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
