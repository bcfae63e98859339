/** What /health and /metrics may ask of the configured database, whichever it is. */
export interface PoolStats {
  /** Connections open (busy and idle). */
  total: number;
  idle: number;
  /** Requests waiting for a connection. */
  waiting: number;
  max: number;
}

export interface DatabaseProbe {
  readonly kind: 'sqlite' | 'postgres';
  /** Resolves while the database answers; rejects when it does not. */
  ping(): Promise<void>;
  pool?(): PoolStats;
}

export const DATABASE_PROBE = Symbol('DatabaseProbe');
