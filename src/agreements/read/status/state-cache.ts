import { LruCache } from '../../../lru-cache.js';
import type { Agreement } from '../../domain/agreement.state.js';

export interface CachedState {
  state: Agreement;
  /** The stream version `state` is the state at: an entry counts only for the event right after it. */
  version: number;
  /** The milestone facts last written for it, as JSON: unchanged facts need no write. */
  milestones?: string;
}

/**
 * Recently folded agreement states, least recently used evicted first: the status and
 * milestones projections fold the next events onto an entry instead of reading the row.
 * An entry is used only when the events that follow start right after its version, so
 * another process that appended to the stream meanwhile (a second instance, the importer)
 * makes it miss: stream versions are never written twice. Entries written by a transaction
 * that rolled back are the exception: the writer clears the cache when one does.
 */
export class StateCache extends LruCache<CachedState> {
  constructor(capacity = 100_000) {
    super(capacity);
  }

  /** The entry, if it is the state just before `version`. */
  before(id: string, version: number): CachedState | undefined {
    const entry = this.get(id);
    return entry?.version === version - 1 ? entry : undefined;
  }
}
