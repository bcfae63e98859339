import type { StoredEvent } from './event-store.port.js';

/**
 * An inline projection: applied inside the append transaction, so a read after a
 * successful write always sees it, and a failed append leaves no trace in the read models.
 * `Tx` is the adapter's transaction handle (a better-sqlite3 Database, a pg client).
 */
export interface InlineProjection<Tx, Result extends void | Promise<void> = void> {
  readonly name: string;
  /** The tables it writes (base names), so a rebuild can fill fresh copies and swap them in. */
  readonly tables?: readonly string[];
  apply(tx: Tx, events: readonly StoredEvent[]): Result;
}

export const INLINE_PROJECTIONS = Symbol('InlineProjections');

/**
 * What a writer that runs apart from its caller (the SQLite writer thread) is given to run in each
 * commit: the projections, and what to do when a commit rolls back (forget cached states).
 */
export interface WriterProjections<Tx> {
  projections: readonly InlineProjection<Tx>[];
  rolledBack: () => void;
}
