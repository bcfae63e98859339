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
export class StateCache {
  private readonly entries = new Map<string, CachedState>();

  constructor(private readonly capacity = 100_000) {}

  get(id: string): CachedState | undefined {
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** The entry, if it is the state just before `version`. */
  before(id: string, version: number): CachedState | undefined {
    const entry = this.get(id);
    return entry?.version === version - 1 ? entry : undefined;
  }

  clear(): void {
    this.entries.clear();
  }

  set(id: string, entry: CachedState): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
