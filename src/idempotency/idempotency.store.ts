/** A response remembered for an Idempotency-Key, to be replayed as it was first sent. */
export interface RememberedResponse {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * What the database holds for a key: the remembered response, or a placeholder (a row with
 * status 0) while the first request with the key runs on some instance. `claimedAt` (the
 * row's created_at) tells how old the claim is and identifies it for compare-and-set.
 */
export type IdempotencyEntry =
  | { state: 'done'; response: RememberedResponse }
  | { state: 'in-flight'; fingerprint: string; claimedAt: string };

export interface IdempotencyStore {
  /** Puts a placeholder for the key unless it has a row already: true when this caller now owns the key. */
  reserve(scope: string, key: string, fingerprint: string, claimedAt: string): Promise<boolean>;
  lookup(scope: string, key: string): Promise<IdempotencyEntry | undefined>;
  /** Moves a placeholder still claimed at `staleClaimedAt` to `claimedAt`: true when this caller won it. */
  takeOver(scope: string, key: string, staleClaimedAt: string, claimedAt: string): Promise<boolean>;
  /**
   * Remembers the response in place of the placeholder claimed at `claimedAt`, or as a new row
   * when the key has none. A remembered response, or a placeholder another request took over,
   * is left as it is: the first response stays the one replayed.
   */
  save(scope: string, key: string, response: RememberedResponse, claimedAt?: string): Promise<void>;
  /** Deletes the placeholder claimed at `claimedAt` (its request failed), so the next one with the key runs. */
  release(scope: string, key: string, claimedAt: string): Promise<void>;
  /** The remembered response, if any (a placeholder is not one). */
  get(scope: string, key: string): Promise<RememberedResponse | undefined>;
}

/** The status a placeholder row carries: no HTTP response has it. */
export const IN_FLIGHT = 0;

/** An `idempotency_keys` row as both databases return it. */
export interface IdempotencyRow {
  fingerprint: string;
  status: number;
  headers: string;
  body: string;
  created_at: string;
}

/** A stored row as an entry: the mapping both adapters share. */
export function entryOf(row: IdempotencyRow): IdempotencyEntry {
  if (row.status === IN_FLIGHT) {
    return { state: 'in-flight', fingerprint: row.fingerprint, claimedAt: row.created_at };
  }
  return {
    state: 'done',
    response: {
      fingerprint: row.fingerprint,
      status: row.status,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: JSON.parse(row.body) as unknown,
    },
  };
}

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
