/** A response remembered for an Idempotency-Key, to be replayed as it was first sent. */
export interface RememberedResponse {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface IdempotencyStore {
  get(scope: string, key: string): Promise<RememberedResponse | undefined>;
  save(scope: string, key: string, response: RememberedResponse): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
