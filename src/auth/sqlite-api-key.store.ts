import type { Database } from 'better-sqlite3';
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
} from './api-key.js';

/** Looked up on every request (an indexed read): a key created or revoked by the CLI counts at once. */
export class SqliteApiKeyStore implements ApiKeyStore {
  private readonly byHash;

  constructor(private readonly db: Database) {
    this.byHash = db.prepare<[string], ApiKeyRow>(
      'SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL',
    );
  }

  async findByKey(key: string): Promise<Principal | undefined> {
    const row = this.byHash.get(hashKey(key));
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
    return info.changes > 0;
  }

  async count(): Promise<number> {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM api_keys').get()!.n;
  }
}
