import { createHash, randomBytes } from 'node:crypto';

export const ROLES = ['admin', 'recorder', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: resolved from the bearer key on every /api request. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** A recorder's parties: it may write only to agreements one of them is a party to. */
  parties: string[];
}

export interface ApiKeyRecord extends Principal {
  createdAt: string;
  revokedAt?: string;
}

/** Keys are 256 random bits, so a plain SHA-256 is a safe one-way hash for lookup. */
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export const newKeyId = () => randomBytes(6).toString('hex');

export const newSecretKey = () => `tl_${randomBytes(32).toString('base64url')}`;

export interface ApiKeyStore {
  /** The live (not revoked) key with this secret, or undefined. */
  findByKey(key: string): Promise<Principal | undefined>;
  create(input: {
    name: string;
    role: Role;
    parties: string[];
    key?: string;
  }): Promise<{ key: string; record: ApiKeyRecord }>;
  list(): Promise<ApiKeyRecord[]>;
  revoke(id: string): Promise<boolean>;
  /** Of these key ids, the ones that are live (exist, not revoked), read from the database now. */
  liveKeyIds(ids: readonly string[]): Promise<Set<string>>;
  count(): Promise<number>;
}

export const API_KEY_STORE = Symbol('ApiKeyStore');

/** An `api_keys` row as both databases return it. */
export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  parties: string;
  created_at: string;
  revoked_at: string | null;
}

export const apiKeyRecordOf = (r: ApiKeyRow): ApiKeyRecord => ({
  keyId: r.id,
  name: r.name,
  role: r.role,
  parties: JSON.parse(r.parties) as string[],
  createdAt: r.created_at,
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});
